using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Controllers;

/// <summary>Node failures: NotReady with unreachable taints, pods unready, evicted after the timeout; and recovery.</summary>
internal sealed partial class ClusterControllers
{
    /// <summary>The node stops reporting: NotReady (Unknown), unreachable taints, its pods unready; evicted after the timeout.</summary>
    public void FailNode(string name)
    {
        lock (_tickGate)
        {
            var now = _store.Now();
            var node = _store.Mutate(BuiltInKinds.Node, null, name, n =>
            {
                var status = Nodes.Obj(n, "status");
                foreach (var c in status["conditions"]?.AsArray().OfType<JsonObject>() ?? [])
                {
                    c["status"] = "Unknown";
                    c["reason"] = "NodeStatusUnknown";
                    c["message"] = "Kubelet stopped posting node status.";
                    c["lastTransitionTime"] = now;
                }

                var taints = n["spec"]!["taints"] as JsonArray ?? [];
                taints.Add(new JsonObject { ["key"] = "node.kubernetes.io/unreachable", ["effect"] = "NoSchedule", ["timeAdded"] = now });
                taints.Add(new JsonObject { ["key"] = "node.kubernetes.io/unreachable", ["effect"] = "NoExecute", ["timeAdded"] = now });
                n["spec"]!["taints"] = taints;
                return true;
            }) ?? throw ApiException.NotFound(BuiltInKinds.Node, name);
            _failedNodes[name] = (Now, false);
            Events.Emit(node, "Normal", "NodeNotReady", $"Node {name} status is now: NodeNotReady", "node-controller");
            foreach (var pod in PodsOn(name))
            {
                _store.Mutate(BuiltInKinds.Pod, pod.Namespace, pod.Name, p =>
                {
                    var status = Nodes.Obj(p, "status");
                    Nodes.SetCondition(status, "Ready", "False", null, null, now);
                    foreach (var s in status["containerStatuses"]?.AsArray().OfType<JsonObject>() ?? [])
                    {
                        s["ready"] = false;
                    }

                    return true;
                });
                Events.Emit(pod, "Warning", "NodeNotReady", "Node is not ready", "node-controller");
            }
        }
    }

    public void RecoverNode(string name)
    {
        lock (_tickGate)
        {
            var now = _store.Now();
            _failedNodes.Remove(name);
            var node = _store.Mutate(BuiltInKinds.Node, null, name, n =>
            {
                foreach (var c in n["status"]?["conditions"]?.AsArray().OfType<JsonObject>() ?? [])
                {
                    var ready = Nodes.Str(c, "type") == "Ready";
                    c["status"] = ready ? "True" : "False";
                    c["reason"] = ready ? "KubeletReady" : "Kubelet" + (Nodes.Str(c, "type") ?? "") .Replace("Pressure", "HasNoPressure", StringComparison.Ordinal);
                    c["message"] = ready ? "kubelet is posting ready status" : "kubelet has sufficient resources";
                    c["lastTransitionTime"] = now;
                }

                if (n["spec"]?["taints"] is JsonArray taints)
                {
                    foreach (var t in taints.OfType<JsonObject>().Where(t => Nodes.Str(t, "key") == "node.kubernetes.io/unreachable").ToList())
                    {
                        taints.Remove(t);
                    }

                    if (taints.Count == 0)
                    {
                        n["spec"]!.AsObject().Remove("taints");
                    }
                }

                return true;
            }) ?? throw ApiException.NotFound(BuiltInKinds.Node, name);
            Events.Emit(node, "Normal", "NodeReady", $"Node {name} status is now: NodeReady", "kubelet", name);
            foreach (var pod in PodsOn(name).Where(p => p.Field("status.phase") == "Pending"))
            {
                WatchKubelet(pod);
            }

            foreach (var pod in PodsOn(name).Where(p => p.Field("status.phase") == "Running"))
            {
                _store.Mutate(BuiltInKinds.Pod, pod.Namespace, pod.Name, p =>
                {
                    if (Nodes.Str(p, "metadata", "annotations", PodLogs.CrashLoopAnnotation) == "true")
                    {
                        return false;
                    }

                    var status = Nodes.Obj(p, "status");
                    Nodes.SetCondition(status, "Ready", "True", null, null, now);
                    foreach (var s in status["containerStatuses"]?.AsArray().OfType<JsonObject>() ?? [])
                    {
                        s["ready"] = true;
                    }

                    return true;
                });
            }
        }
    }

    private List<StoredObject> PodsOn(string node) =>
        _store.List(BuiltInKinds.Pod, null, Selector.Everything, Selector.Parse("spec.nodeName=" + node), 0, null).Items;

    private void RunNodeLifecycle(DateTimeOffset now)
    {
        foreach (var (name, state) in _failedNodes.ToList())
        {
            if (state.Evicted || now - state.Since < _options.NodeEvictionTimeout)
            {
                continue;
            }

            _failedNodes[name] = (state.Since, true);
            foreach (var pod in PodsOn(name))
            {
                if (pod.ToNode()["metadata"]?["ownerReferences"]?[0]?["kind"]?.ToString() == "DaemonSet")
                {
                    continue;
                }

                Events.Emit(pod, "Normal", "TaintManagerEviction", $"Marking for deletion Pod {pod.Namespace}/{pod.Name}", "taint-eviction-controller");
                TryDelete(BuiltInKinds.Pod, pod.Namespace, pod.Name);
            }
        }
    }
}
