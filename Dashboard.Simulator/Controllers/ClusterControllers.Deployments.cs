using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Controllers;

/// <summary>Deployment -> ReplicaSet -> Pods, with rolling updates bounded by maxSurge and maxUnavailable.</summary>
internal sealed partial class ClusterControllers
{
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    private void ReconcileDeployment(string ns, string name)
    {
        var stored = _store.Get(BuiltInKinds.Deployment, ns, name);
        if (stored is null)
        {
            return;
        }

        var d = stored.ToNode();
        var spec = d["spec"]!.AsObject();
        var replicas = Nodes.Int(spec, 1, "replicas");
        var template = spec["template"]!.AsObject();
        var hash = Nodes.Hash(Nodes.Canonical(template));
        var owned = _store.OwnedBy(stored.Uid).Where(o => o.Kind == BuiltInKinds.ReplicaSet).Select(o => (Stored: o, Node: o.ToNode())).ToList();
        var newRs = owned.FirstOrDefault(r => Nodes.Str(r.Node, "metadata", "labels", "pod-template-hash") == hash);
        var old = owned.Where(r => r.Stored != newRs.Stored).ToList();
        var maxRevision = owned.Select(r => Nodes.Int(r.Node, 0, "metadata", "annotations", RevisionAnnotation)).DefaultIfEmpty(0).Max();
        var paused = spec["paused"] is JsonValue p && p.TryGetValue<bool>(out var isPaused) && isPaused;
        if (paused)
        {
            return;
        }

        if (newRs.Stored is null)
        {
            var podTemplate = template.DeepClone().AsObject();
            Nodes.Obj(Nodes.Obj(podTemplate, "metadata"), "labels")["pod-template-hash"] = hash;
            var selector = spec["selector"]!.DeepClone().AsObject();
            Nodes.Obj(selector, "matchLabels")["pod-template-hash"] = hash;
            var labels = (Nodes.Obj(template, "metadata")["labels"]?.DeepClone() as JsonObject) ?? [];
            labels["pod-template-hash"] = hash;
            var oldTotal = old.Sum(r => Nodes.Int(r.Node, 0, "spec", "replicas"));
            var initial = old.Count == 0 || oldTotal == 0 ? replicas : 0;
            var rs = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"{name}-{hash}",
                    ["namespace"] = ns,
                    ["labels"] = labels,
                    ["annotations"] = new JsonObject
                    {
                        [RevisionAnnotation] = (maxRevision + 1).ToString(CultureInfo.InvariantCulture),
                        ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(CultureInfo.InvariantCulture),
                        ["deployment.kubernetes.io/max-replicas"] = (replicas + 1).ToString(CultureInfo.InvariantCulture),
                    },
                    ["ownerReferences"] = new JsonArray(Nodes.OwnerReference("apps/v1", "Deployment", name, stored.Uid)),
                },
                ["spec"] = new JsonObject { ["replicas"] = initial, ["selector"] = selector, ["template"] = podTemplate },
            };
            if (TryCreate(BuiltInKinds.ReplicaSet, rs) is { } created && initial > 0)
            {
                Events.Emit(stored, "Normal", "ScalingReplicaSet", $"Scaled up replica set {created.Name} from 0 to {initial}", "deployment-controller");
            }

            return;
        }

        if (Nodes.Int(newRs.Node, 0, "metadata", "annotations", RevisionAnnotation) < maxRevision)
        {
            // Rolling back to an older template: it becomes the newest revision.
            _store.Mutate(BuiltInKinds.ReplicaSet, ns, newRs.Stored.Name, r =>
            {
                r["metadata"]!["annotations"]![RevisionAnnotation] = (maxRevision + 1).ToString(CultureInfo.InvariantCulture);
                return true;
            });
        }

        var activeOld = old.Where(r => Nodes.Int(r.Node, 0, "spec", "replicas") > 0).ToList();
        var newSpec = Nodes.Int(newRs.Node, 0, "spec", "replicas");
        var recreate = Nodes.Str(spec, "strategy", "type") == "Recreate";
        if (activeOld.Count == 0)
        {
            if (newSpec != replicas)
            {
                ScaleReplicaSet(stored, newRs.Stored, newSpec, replicas);
            }
        }
        else if (recreate)
        {
            foreach (var r in activeOld)
            {
                ScaleReplicaSet(stored, r.Stored, Nodes.Int(r.Node, 0, "spec", "replicas"), 0);
            }
        }
        else
        {
            var rolling = spec["strategy"]?["rollingUpdate"];
            var surge = Nodes.IntOrPercent(rolling?["maxSurge"], replicas, roundUp: true, fallback: 1);
            var unavailable = Nodes.IntOrPercent(rolling?["maxUnavailable"], replicas, roundUp: false, fallback: 0);
            if (surge == 0 && unavailable == 0)
            {
                unavailable = 1;
            }

            var allSpec = newSpec + activeOld.Sum(r => Nodes.Int(r.Node, 0, "spec", "replicas"));
            var scaleUp = Math.Min(replicas + surge - allSpec, replicas - newSpec);
            if (scaleUp > 0)
            {
                ScaleReplicaSet(stored, newRs.Stored, newSpec, newSpec + scaleUp);
                newSpec += scaleUp;
            }

            var available = Nodes.Int(newRs.Node, 0, "status", "availableReplicas") + activeOld.Sum(r => Nodes.Int(r.Node, 0, "status", "availableReplicas"));
            var canRemove = available - (replicas - unavailable);
            foreach (var r in activeOld.OrderBy(r => Nodes.Int(r.Node, 0, "metadata", "annotations", RevisionAnnotation)))
            {
                var current = Nodes.Int(r.Node, 0, "spec", "replicas");
                var unhealthy = current - Nodes.Int(r.Node, 0, "status", "availableReplicas");
                var remove = Math.Min(current, Math.Max(0, unhealthy) + Math.Max(0, canRemove));
                if (remove > 0)
                {
                    ScaleReplicaSet(stored, r.Stored, current, current - remove);
                    canRemove -= Math.Max(0, remove - Math.Max(0, unhealthy));
                }
            }
        }

        // Revision history: drop empty old replica sets beyond the limit.
        var limit = Nodes.Int(spec, 10, "revisionHistoryLimit");
        var empty = old.Where(r => Nodes.Int(r.Node, 0, "spec", "replicas") == 0 && Nodes.Int(r.Node, 0, "status", "replicas") == 0)
            .OrderByDescending(r => Nodes.Int(r.Node, 0, "metadata", "annotations", RevisionAnnotation)).Skip(limit);
        foreach (var r in empty)
        {
            TryDelete(BuiltInKinds.ReplicaSet, ns, r.Stored.Name);
        }

        UpdateDeploymentStatus(ns, name, hash);
    }

    private void ScaleReplicaSet(StoredObject deployment, StoredObject rs, int from, int to)
    {
        _store.Mutate(BuiltInKinds.ReplicaSet, rs.Namespace, rs.Name, r =>
        {
            r["spec"]!["replicas"] = to;
            var annotations = Nodes.Obj(r["metadata"]!, "annotations");
            annotations["deployment.kubernetes.io/desired-replicas"] = Nodes.Int(deployment.ToNode(), 1, "spec", "replicas").ToString(CultureInfo.InvariantCulture);
            return true;
        });
        Events.Emit(deployment, "Normal", "ScalingReplicaSet",
            $"Scaled {(to > from ? "up" : "down")} replica set {rs.Name} from {from} to {to}", "deployment-controller");
    }

    private void UpdateDeploymentStatus(string ns, string name, string hash)
    {
        var stored = _store.Get(BuiltInKinds.Deployment, ns, name);
        if (stored is null)
        {
            return;
        }

        var sets = _store.OwnedBy(stored.Uid).Where(o => o.Kind == BuiltInKinds.ReplicaSet).Select(o => o.ToNode()).ToList();
        var now = _store.Now();
        var revision = sets.Where(r => Nodes.Str(r, "metadata", "labels", "pod-template-hash") == hash)
            .Select(r => Nodes.Str(r, "metadata", "annotations", RevisionAnnotation)).FirstOrDefault();
        _store.Mutate(BuiltInKinds.Deployment, ns, name, d =>
        {
            var replicas = Nodes.Int(d, 1, "spec", "replicas");
            var status = Nodes.Obj(d, "status");
            var annotations = Nodes.Obj(d["metadata"]!, "annotations");
            var revisionChanged = revision is not null && Nodes.Str(annotations, RevisionAnnotation) != revision;
            if (revisionChanged)
            {
                // The deployment carries its current revision, as kubectl rollout history and undo expect.
                annotations[RevisionAnnotation] = revision;
            }

            var before = status.ToJsonString();
            var total = sets.Sum(r => Nodes.Int(r, 0, "status", "replicas"));
            var ready = sets.Sum(r => Nodes.Int(r, 0, "status", "readyReplicas"));
            var available = sets.Sum(r => Nodes.Int(r, 0, "status", "availableReplicas"));
            var updated = sets.Where(r => Nodes.Str(r, "metadata", "labels", "pod-template-hash") == hash).Sum(r => Nodes.Int(r, 0, "status", "replicas"));
            status["observedGeneration"] = Nodes.Int(d, 1, "metadata", "generation");
            status["replicas"] = total;
            status["updatedReplicas"] = updated;
            status["readyReplicas"] = ready;
            status["availableReplicas"] = available;
            status["unavailableReplicas"] = Math.Max(0, replicas - available);
            if (ready == 0)
            {
                status.Remove("readyReplicas");
            }

            if (available == 0)
            {
                status.Remove("availableReplicas");
            }

            if (replicas - available <= 0)
            {
                status.Remove("unavailableReplicas");
            }

            var unavailableAllowed = Nodes.IntOrPercent(d["spec"]?["strategy"]?["rollingUpdate"]?["maxUnavailable"], replicas, false, 0);
            var isAvailable = available >= replicas - unavailableAllowed;
            Nodes.SetCondition(status, "Available", isAvailable ? "True" : "False",
                isAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                isAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now);
            var rsName = $"{name}-{hash}";
            var complete = updated == replicas && total == replicas && available == replicas;
            Nodes.SetCondition(status, "Progressing", "True", complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                complete ? $"ReplicaSet \"{rsName}\" has successfully progressed." : $"ReplicaSet \"{rsName}\" is progressing.", now);
            foreach (var c in status["conditions"]!.AsArray().OfType<JsonObject>())
            {
                c["lastUpdateTime"] ??= now;
                c["lastTransitionTime"] ??= now;
            }

            return revisionChanged || status.ToJsonString() != before;
        });
    }

    private void ReconcileReplicaSet(string ns, string name)
    {
        var stored = _store.Get(BuiltInKinds.ReplicaSet, ns, name);
        if (stored is null)
        {
            return;
        }

        var rs = stored.ToNode();
        var want = Nodes.Int(rs, 1, "spec", "replicas");
        var pods = _store.OwnedBy(stored.Uid).Where(o => o.Kind == BuiltInKinds.Pod && o.Field("status.phase") is not ("Failed" or "Succeeded")).ToList();
        if (pods.Count < want)
        {
            for (var i = pods.Count; i < want; i++)
            {
                if (CreatePodFromTemplate(stored, rs, $"{name}-{RandomSuffix()}", null) is { } pod)
                {
                    Events.Emit(stored, "Normal", "SuccessfulCreate", $"Created pod: {pod.Name}", "replicaset-controller");
                }
            }
        }
        else if (pods.Count > want)
        {
            foreach (var pod in pods.OrderBy(p => p.Ready).ThenBy(p => p.Field("spec.nodeName") is null ? 0 : 1).ThenByDescending(p => p.ResourceVersion).Take(pods.Count - want))
            {
                TryDelete(BuiltInKinds.Pod, ns, pod.Name);
                Events.Emit(stored, "Normal", "SuccessfulDelete", $"Deleted pod: {pod.Name}", "replicaset-controller");
            }

            pods = _store.OwnedBy(stored.Uid).Where(o => o.Kind == BuiltInKinds.Pod).ToList();
        }

        var ready = pods.Count(p => p.Ready);
        _store.Mutate(BuiltInKinds.ReplicaSet, ns, name, r =>
        {
            var status = Nodes.Obj(r, "status");
            var before = status.ToJsonString();
            status["replicas"] = pods.Count;
            status["fullyLabeledReplicas"] = pods.Count;
            status["readyReplicas"] = ready;
            status["availableReplicas"] = ready;
            status["observedGeneration"] = Nodes.Int(r, 1, "metadata", "generation");
            if (ready == 0)
            {
                status.Remove("readyReplicas");
                status.Remove("availableReplicas");
            }

            return status.ToJsonString() != before;
        });
    }

    /// <summary>A pod from a workload's template, owned by it; <paramref name="nodeName"/> binds it directly (DaemonSets).</summary>
    private StoredObject? CreatePodFromTemplate(StoredObject owner, JsonObject ownerNode, string podName, string? nodeName, Action<JsonObject>? customise = null)
    {
        var template = ownerNode["spec"]?["template"] ?? ownerNode["spec"]?["jobTemplate"]?["spec"]?["template"];
        var podMeta = (template?["metadata"]?.DeepClone() as JsonObject) ?? [];
        podMeta["name"] = podName;
        podMeta["namespace"] = owner.Namespace;
        podMeta["ownerReferences"] = new JsonArray(Nodes.OwnerReference(owner.Kind.ApiVersion, owner.Kind.Kind, owner.Name, owner.Uid));
        if (owner.Kind == BuiltInKinds.ReplicaSet && podMeta["generateName"] is null)
        {
            podMeta["generateName"] = owner.Name + "-";
        }

        var podSpec = (template?["spec"]?.DeepClone() as JsonObject) ?? [];
        if (nodeName is not null)
        {
            podSpec["nodeName"] = nodeName;
        }

        var pod = new JsonObject { ["metadata"] = podMeta, ["spec"] = podSpec };
        customise?.Invoke(pod);
        return TryCreate(BuiltInKinds.Pod, pod);
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
    }
}
