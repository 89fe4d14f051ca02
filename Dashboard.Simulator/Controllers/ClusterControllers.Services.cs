using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Controllers;

/// <summary>Endpoints and EndpointSlices from Service selectors, PodDisruptionBudget status, PVC binding and the HPA.</summary>
internal sealed partial class ClusterControllers
{
    private void ReconcileEndpoints(string ns)
    {
        foreach (var svc in _store.All(BuiltInKinds.Service, ns))
        {
            var node = svc.ToNode();
            var selectorMap = Nodes.Map(node["spec"]?["selector"]);
            if (selectorMap.Count == 0)
            {
                continue;
            }

            var pods = _store.List(BuiltInKinds.Pod, ns, Selector.FromLabels(selectorMap), Selector.Everything, 0, null).Items
                .Select(p => (Stored: p, Node: p.ToNode())).Where(p => Nodes.Str(p.Node, "status", "podIP") is not null).ToList();
            var ports = node["spec"]?["ports"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
            JsonObject Address((StoredObject Stored, JsonObject Node) p) => new()
            {
                ["ip"] = Nodes.Str(p.Node, "status", "podIP"),
                ["nodeName"] = Nodes.Str(p.Node, "spec", "nodeName"),
                ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = ns, ["name"] = p.Stored.Name, ["uid"] = p.Stored.Uid },
            };
            int TargetPort(JsonObject port)
            {
                var target = port["targetPort"]?.ToString() ?? port["port"]?.ToString() ?? "80";
                if (int.TryParse(target, CultureInfo.InvariantCulture, out var n))
                {
                    return n;
                }

                var named = pods.SelectMany(p => p.Node["spec"]?["containers"]?.AsArray().OfType<JsonObject>() ?? [])
                    .SelectMany(c => c["ports"]?.AsArray().OfType<JsonObject>() ?? []).FirstOrDefault(cp => Nodes.Str(cp, "name") == target);
                return Nodes.Int(named, Nodes.Int(port, 80, "port"), "containerPort");
            }

            var ready = pods.Where(p => p.Stored.Ready).OrderBy(p => Nodes.Str(p.Node, "status", "podIP"), StringComparer.Ordinal).ToList();
            var notReady = pods.Where(p => !p.Stored.Ready).OrderBy(p => Nodes.Str(p.Node, "status", "podIP"), StringComparer.Ordinal).ToList();
            var subset = new JsonObject();
            if (ready.Count > 0)
            {
                subset["addresses"] = new JsonArray(ready.Select(p => (JsonNode)Address(p)).ToArray());
            }

            if (notReady.Count > 0)
            {
                subset["notReadyAddresses"] = new JsonArray(notReady.Select(p => (JsonNode)Address(p)).ToArray());
            }

            subset["ports"] = new JsonArray(ports.Select(p => (JsonNode)new JsonObject { ["name"] = Nodes.Str(p, "name"), ["port"] = TargetPort(p), ["protocol"] = Nodes.Str(p, "protocol") ?? "TCP" }).ToArray());
            var subsets = pods.Count == 0 ? null : new JsonArray(subset);
            var labels = svc.Labels.Count == 0 ? null : new JsonObject(svc.Labels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
            if (_store.Mutate(BuiltInKinds.Endpoints, ns, svc.Name, e =>
                {
                    var before = e["subsets"]?.ToJsonString();
                    e["subsets"] = subsets?.DeepClone();
                    if (subsets is null)
                    {
                        e.Remove("subsets");
                    }

                    return e["subsets"]?.ToJsonString() != before;
                }) is null)
            {
                var endpoints = new JsonObject { ["metadata"] = new JsonObject { ["name"] = svc.Name, ["namespace"] = ns, ["labels"] = labels?.DeepClone() } };
                if (subsets is not null)
                {
                    endpoints["subsets"] = subsets.DeepClone();
                }

                TryCreate(BuiltInKinds.Endpoints, endpoints);
            }

            var sliceName = $"{svc.Name}-{Nodes.Hash(svc.Uid)[..5]}";
            var sliceEndpoints = new JsonArray(pods.OrderBy(p => Nodes.Str(p.Node, "status", "podIP"), StringComparer.Ordinal).Select(p => (JsonNode)new JsonObject
            {
                ["addresses"] = new JsonArray(Nodes.Str(p.Node, "status", "podIP")),
                ["conditions"] = new JsonObject { ["ready"] = p.Stored.Ready, ["serving"] = p.Stored.Ready, ["terminating"] = false },
                ["nodeName"] = Nodes.Str(p.Node, "spec", "nodeName"),
                ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = ns, ["name"] = p.Stored.Name, ["uid"] = p.Stored.Uid },
            }).ToArray());
            var slicePorts = new JsonArray(ports.Select(p => (JsonNode)new JsonObject { ["name"] = Nodes.Str(p, "name") ?? "", ["port"] = TargetPort(p), ["protocol"] = Nodes.Str(p, "protocol") ?? "TCP" }).ToArray());
            if (_store.Mutate(BuiltInKinds.EndpointSlice, ns, sliceName, s =>
                {
                    var before = s["endpoints"]?.ToJsonString() + s["ports"]?.ToJsonString();
                    s["endpoints"] = sliceEndpoints.DeepClone();
                    s["ports"] = slicePorts.DeepClone();
                    return s["endpoints"]?.ToJsonString() + s["ports"]?.ToJsonString() != before;
                }) is null)
            {
                var sliceLabels = labels?.DeepClone().AsObject() ?? [];
                sliceLabels["kubernetes.io/service-name"] = svc.Name;
                sliceLabels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io";
                TryCreate(BuiltInKinds.EndpointSlice, new JsonObject
                {
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = sliceName,
                        ["namespace"] = ns,
                        ["labels"] = sliceLabels,
                        ["ownerReferences"] = new JsonArray(Nodes.OwnerReference("v1", "Service", svc.Name, svc.Uid)),
                    },
                    ["addressType"] = "IPv4",
                    ["endpoints"] = sliceEndpoints,
                    ["ports"] = slicePorts,
                });
            }
        }
    }

    private void ReconcileDisruptionBudgets(string ns)
    {
        foreach (var pdb in _store.All(BuiltInKinds.PodDisruptionBudget, ns))
        {
            var pods = Disruption.Pods(_store, pdb);
            var healthy = pods.Count(p => p.Ready);
            var allowed = pods.Count == 0 ? 0 : Math.Max(0, Disruption.Allowed(_store, pdb, pods[0]) ?? 0);
            var now = _store.Now();
            _store.Mutate(BuiltInKinds.PodDisruptionBudget, ns, pdb.Name, p =>
            {
                var status = Nodes.Obj(p, "status");
                var before = status.ToJsonString();
                status["observedGeneration"] = Nodes.Int(p, 1, "metadata", "generation");
                status["disruptionsAllowed"] = allowed;
                status["currentHealthy"] = healthy;
                status["desiredHealthy"] = healthy - allowed;
                status["expectedPods"] = pods.Count;
                Nodes.SetCondition(status, "DisruptionAllowed", allowed > 0 ? "True" : "False", allowed > 0 ? "SufficientPods" : "InsufficientPods", "", now);
                return status.ToJsonString() != before;
            });
        }
    }

    private void BindClaim(string ns, string name)
    {
        var stored = _store.Get(BuiltInKinds.PersistentVolumeClaim, ns, name);
        if (stored is null)
        {
            return;
        }

        var claim = stored.ToNode();
        if (Nodes.Str(claim, "status", "phase") != "Pending")
        {
            return;
        }

        var className = Nodes.Str(claim, "spec", "storageClassName")
            ?? _store.All(BuiltInKinds.StorageClass).FirstOrDefault(c => c.ToNode()["metadata"]?["annotations"]?["storageclass.kubernetes.io/is-default-class"]?.ToString() == "true")?.Name;
        var storageClass = className is null ? null : _store.Get(BuiltInKinds.StorageClass, null, className);
        if (storageClass is null)
        {
            Events.Emit(stored, "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set", "persistentvolume-controller");
            return;
        }

        var size = Nodes.Str(claim, "spec", "resources", "requests", "storage") ?? "1Gi";
        var modes = claim["spec"]?["accessModes"]?.DeepClone() ?? new JsonArray("ReadWriteOnce");
        var pvName = "pvc-" + stored.Uid;
        var provisioner = Nodes.Str(storageClass.ToNode(), "provisioner") ?? "kubernetes.io/no-provisioner";
        var now = _store.Now();
        TryCreate(BuiltInKinds.PersistentVolume, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = pvName,
                ["annotations"] = new JsonObject { ["pv.kubernetes.io/provisioned-by"] = provisioner },
                ["finalizers"] = new JsonArray("kubernetes.io/pv-protection"),
            },
            ["spec"] = new JsonObject
            {
                ["capacity"] = new JsonObject { ["storage"] = size },
                ["accessModes"] = modes.DeepClone(),
                ["persistentVolumeReclaimPolicy"] = Nodes.Str(storageClass.ToNode(), "reclaimPolicy") ?? "Delete",
                ["storageClassName"] = className,
                ["volumeMode"] = "Filesystem",
                ["claimRef"] = new JsonObject { ["kind"] = "PersistentVolumeClaim", ["namespace"] = ns, ["name"] = name, ["uid"] = stored.Uid, ["apiVersion"] = "v1" },
                ["csi"] = new JsonObject { ["driver"] = provisioner, ["volumeHandle"] = Nodes.Hash(stored.Uid), ["fsType"] = "ext4" },
            },
            ["status"] = new JsonObject { ["phase"] = "Bound", ["lastPhaseTransitionTime"] = now },
        });
        _store.Mutate(BuiltInKinds.PersistentVolumeClaim, ns, name, c =>
        {
            c["spec"]!["volumeName"] = pvName;
            c["spec"]!["storageClassName"] = className;
            var annotations = Nodes.Obj(c["metadata"]!, "annotations");
            annotations["pv.kubernetes.io/bind-completed"] = "yes";
            annotations["pv.kubernetes.io/bound-by-controller"] = "yes";
            annotations["volume.kubernetes.io/storage-provisioner"] = provisioner;
            var status = Nodes.Obj(c, "status");
            status["phase"] = "Bound";
            status["accessModes"] = modes.DeepClone();
            status["capacity"] = new JsonObject { ["storage"] = size };
            return true;
        });
        Events.Emit(stored, "Normal", "ProvisioningSucceeded", $"Successfully provisioned volume {pvName}", provisioner);
    }

    private void RunHpa(DateTimeOffset now)
    {
        foreach (var hpa in _store.All(BuiltInKinds.HorizontalPodAutoscaler))
        {
            var node = hpa.ToNode();
            var targetKind = Nodes.Str(node, "spec", "scaleTargetRef", "kind") == "StatefulSet" ? BuiltInKinds.StatefulSet : BuiltInKinds.Deployment;
            var target = _store.Get(targetKind, hpa.Namespace, Nodes.Str(node, "spec", "scaleTargetRef", "name") ?? "");
            if (target is null)
            {
                continue;
            }

            var targetNode = target.ToNode();
            var selector = Selector.FromLabels(Nodes.Map(targetNode["spec"]?["selector"]?["matchLabels"]));
            var pods = _store.List(BuiltInKinds.Pod, hpa.Namespace, selector, Selector.Everything, 0, null).Items.Where(p => p.Field("status.phase") == "Running").ToList();
            var current = Nodes.Int(targetNode, 1, "spec", "replicas");
            var min = Nodes.Int(node, 1, "spec", "minReplicas");
            var max = Nodes.Int(node, Math.Max(min, current), "spec", "maxReplicas");
            var goal = node["spec"]?["metrics"]?.AsArray().Select(m => Nodes.Int(m, 0, "resource", "target", "averageUtilization")).FirstOrDefault(v => v > 0) ?? 80;
            var utilisation = Usage.Utilisation(pods, now);
            var desired = current;
            if (pods.Count > 0 && Math.Abs((utilisation / (double)goal) - 1) > 0.1)
            {
                desired = (int)Math.Ceiling(current * utilisation / (double)goal);
            }

            desired = Math.Clamp(desired, min, max);
            var stamp = Nodes.Stamp(now);
            if (desired != current)
            {
                _store.Mutate(targetKind, target.Namespace, target.Name, t =>
                {
                    t["spec"]!["replicas"] = desired;
                    return true;
                });
                Events.Emit(hpa, "Normal", "SuccessfulRescale",
                    $"New size: {desired}; reason: cpu resource utilization (percentage of request) {(desired > current ? "above" : "below")} target", "horizontal-pod-autoscaler");
            }

            _store.Mutate(BuiltInKinds.HorizontalPodAutoscaler, hpa.Namespace, hpa.Name, h =>
            {
                var status = Nodes.Obj(h, "status");
                status["currentReplicas"] = current;
                status["desiredReplicas"] = desired;
                if (desired != current)
                {
                    status["lastScaleTime"] = stamp;
                }

                status["currentMetrics"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Resource",
                    ["resource"] = new JsonObject
                    {
                        ["name"] = "cpu",
                        ["current"] = new JsonObject { ["averageUtilization"] = utilisation, ["averageValue"] = $"{utilisation}m" },
                    },
                });
                Nodes.SetCondition(status, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size", stamp);
                Nodes.SetCondition(status, "ScalingActive", "True", "ValidMetricFound", "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", stamp);
                return true;
            });
        }
    }
}
