using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Controllers;

/// <summary>DaemonSets (one pod per eligible node) and StatefulSets (ordinal pods with their claims).</summary>
internal sealed partial class ClusterControllers
{
    private const string RevisionHashLabel = "controller-revision-hash";

    private void ReconcileDaemonSet(string ns, string name)
    {
        var stored = _store.Get(BuiltInKinds.DaemonSet, ns, name);
        if (stored is null)
        {
            return;
        }

        var ds = stored.ToNode();
        var podSpec = ds["spec"]?["template"]?["spec"];
        var hash = Nodes.Hash(ds["spec"]?["template"]?.ToJsonString() ?? "");
        var nodeSelector = Selector.FromLabels(Nodes.Map(podSpec?["nodeSelector"]));
        var toleratesAll = podSpec?["tolerations"] is JsonArray tolerations && tolerations.Any(t => Nodes.Str(t, "operator") == "Exists" && Nodes.Str(t, "key") is null);
        var eligible = _store.All(BuiltInKinds.Node)
            .Where(n => nodeSelector.MatchesLabels(n.Labels) && (toleratesAll || !n.Labels.ContainsKey("node-role.kubernetes.io/control-plane")))
            .ToDictionary(n => n.Name);
        var pods = _store.OwnedBy(stored.Uid).Where(o => o.Kind == BuiltInKinds.Pod).ToList();
        var byNode = pods.GroupBy(p => p.Field("spec.nodeName") ?? "").ToDictionary(g => g.Key, g => g.ToList());
        foreach (var node in eligible.Keys.Where(n => !byNode.ContainsKey(n)))
        {
            var pod = CreatePodFromTemplate(stored, ds, $"{name}-{RandomSuffix()}", node, p => p["metadata"]!["labels"]![RevisionHashLabel] = hash);
            if (pod is not null)
            {
                Events.Emit(stored, "Normal", "SuccessfulCreate", $"Created pod: {pod.Name}", "daemonset-controller");
            }
        }

        foreach (var (node, list) in byNode)
        {
            foreach (var pod in eligible.ContainsKey(node) ? list.Skip(1) : list)
            {
                TryDelete(BuiltInKinds.Pod, ns, pod.Name);
                Events.Emit(stored, "Normal", "SuccessfulDelete", $"Deleted pod: {pod.Name}", "daemonset-controller");
            }
        }

        // Rolling update: replace one outdated pod at a time, only while all others are ready.
        pods = _store.OwnedBy(stored.Uid).Where(o => o.Kind == BuiltInKinds.Pod).ToList();
        if (pods.All(p => p.Ready) && pods.FirstOrDefault(p => p.Labels.GetValueOrDefault(RevisionHashLabel) != hash) is { } outdated)
        {
            TryDelete(BuiltInKinds.Pod, ns, outdated.Name);
            Events.Emit(stored, "Normal", "SuccessfulDelete", $"Deleted pod: {outdated.Name}", "daemonset-controller");
        }

        pods = _store.OwnedBy(stored.Uid).Where(o => o.Kind == BuiltInKinds.Pod).ToList();
        _store.Mutate(BuiltInKinds.DaemonSet, ns, name, d =>
        {
            var status = Nodes.Obj(d, "status");
            var before = status.ToJsonString();
            status["desiredNumberScheduled"] = eligible.Count;
            status["currentNumberScheduled"] = pods.Count;
            status["numberReady"] = pods.Count(p => p.Ready);
            status["numberAvailable"] = pods.Count(p => p.Ready);
            status["updatedNumberScheduled"] = pods.Count(p => p.Labels.GetValueOrDefault(RevisionHashLabel) == hash);
            status["numberMisscheduled"] = 0;
            status["observedGeneration"] = Nodes.Int(d, 1, "metadata", "generation");
            var unavailable = eligible.Count - pods.Count(p => p.Ready);
            if (unavailable > 0)
            {
                status["numberUnavailable"] = unavailable;
            }
            else
            {
                status.Remove("numberUnavailable");
            }

            return status.ToJsonString() != before;
        });
    }

    private void ReconcileStatefulSet(string ns, string name)
    {
        var stored = _store.Get(BuiltInKinds.StatefulSet, ns, name);
        if (stored is null)
        {
            return;
        }

        var sts = stored.ToNode();
        var want = Nodes.Int(sts, 1, "spec", "replicas");
        var hash = Nodes.Hash(sts["spec"]?["template"]?.ToJsonString() ?? "");
        var revision = $"{name}-{hash}";
        var pods = _store.OwnedBy(stored.Uid).Where(o => o.Kind == BuiltInKinds.Pod).ToDictionary(p => p.Name);
        var parallel = Nodes.Str(sts, "spec", "podManagementPolicy") == "Parallel";
        for (var i = 0; i < want; i++)
        {
            var podName = $"{name}-{i}";
            if (pods.TryGetValue(podName, out var existing))
            {
                if (!existing.Ready && !parallel)
                {
                    break;
                }

                continue;
            }

            foreach (var claim in sts["spec"]?["volumeClaimTemplates"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                var claimName = $"{Nodes.Str(claim, "metadata", "name")}-{podName}";
                if (_store.Get(BuiltInKinds.PersistentVolumeClaim, ns, claimName) is null)
                {
                    var pvc = new JsonObject
                    {
                        ["metadata"] = new JsonObject
                        {
                            ["name"] = claimName,
                            ["namespace"] = ns,
                            ["labels"] = sts["spec"]?["selector"]?["matchLabels"]?.DeepClone(),
                        },
                        ["spec"] = claim["spec"]?.DeepClone(),
                    };
                    if (TryCreate(BuiltInKinds.PersistentVolumeClaim, pvc) is not null)
                    {
                        Events.Emit(stored, "Normal", "SuccessfulCreate", $"create Claim {claimName} Pod {podName} in StatefulSet {name} success", "statefulset-controller");
                    }
                }
            }

            var ordinal = i;
            var pod = CreatePodFromTemplate(stored, sts, podName, null, p =>
            {
                var labels = Nodes.Obj(p["metadata"]!, "labels");
                labels[RevisionHashLabel] = revision;
                labels["statefulset.kubernetes.io/pod-name"] = podName;
                labels["apps.kubernetes.io/pod-index"] = ordinal.ToString(CultureInfo.InvariantCulture);
                p["spec"]!["hostname"] = podName;
                p["spec"]!["subdomain"] = Nodes.Str(sts, "spec", "serviceName");
                var volumes = p["spec"]!["volumes"] as JsonArray ?? [];
                foreach (var claim in sts["spec"]?["volumeClaimTemplates"]?.AsArray().OfType<JsonObject>() ?? [])
                {
                    var claimName = Nodes.Str(claim, "metadata", "name");
                    volumes.Add(new JsonObject { ["name"] = claimName, ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = $"{claimName}-{podName}" } });
                }

                p["spec"]!["volumes"] = volumes;
            });
            if (pod is not null)
            {
                Events.Emit(stored, "Normal", "SuccessfulCreate", $"create Pod {podName} in StatefulSet {name} successful", "statefulset-controller");
            }

            if (!parallel)
            {
                break;
            }
        }

        foreach (var extra in pods.Values.Where(p => Ordinal(p.Name, name) >= want).OrderByDescending(p => Ordinal(p.Name, name)).Take(parallel ? int.MaxValue : 1))
        {
            TryDelete(BuiltInKinds.Pod, ns, extra.Name);
            Events.Emit(stored, "Normal", "SuccessfulDelete", $"delete Pod {extra.Name} in StatefulSet {name} successful", "statefulset-controller");
        }

        // Rolling update from the highest ordinal down, one at a time.
        var current = _store.OwnedBy(stored.Uid).Where(o => o.Kind == BuiltInKinds.Pod).ToList();
        if (current.Count == want && current.All(p => p.Ready)
            && current.Where(p => p.Labels.GetValueOrDefault(RevisionHashLabel) != revision).OrderByDescending(p => Ordinal(p.Name, name)).FirstOrDefault() is { } outdated)
        {
            TryDelete(BuiltInKinds.Pod, ns, outdated.Name);
        }

        current = _store.OwnedBy(stored.Uid).Where(o => o.Kind == BuiltInKinds.Pod).ToList();
        _store.Mutate(BuiltInKinds.StatefulSet, ns, name, s =>
        {
            var status = Nodes.Obj(s, "status");
            var before = status.ToJsonString();
            var ready = current.Count(p => p.Ready);
            status["observedGeneration"] = Nodes.Int(s, 1, "metadata", "generation");
            status["replicas"] = current.Count;
            status["readyReplicas"] = ready;
            status["availableReplicas"] = ready;
            status["currentReplicas"] = current.Count(p => p.Labels.GetValueOrDefault(RevisionHashLabel) == revision);
            status["updatedReplicas"] = current.Count(p => p.Labels.GetValueOrDefault(RevisionHashLabel) == revision);
            status["currentRevision"] = revision;
            status["updateRevision"] = revision;
            status["collisionCount"] = 0;
            return status.ToJsonString() != before;
        });
    }

    private static int Ordinal(string podName, string setName) =>
        int.TryParse(podName.AsSpan(setName.Length + 1), CultureInfo.InvariantCulture, out var i) ? i : -1;
}
