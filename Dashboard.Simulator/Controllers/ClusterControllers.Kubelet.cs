using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Controllers;

/// <summary>The scheduler, a kubelet stand-in (Pending -> ContainerCreating -> Running, crash loops, job completion) and node failures.</summary>
internal sealed partial class ClusterControllers
{
    private readonly Dictionary<string, string> _podNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _nodeLoad = new(StringComparer.Ordinal);
    private readonly PriorityQueue<(string Ns, string Name, string Uid), DateTimeOffset> _timers = new();
    private readonly HashSet<string> _timed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastFailedScheduling = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Since, bool Evicted)> _failedNodes = new(StringComparer.Ordinal);
    private int _nextPodIp;

    private void TrackPodNode(WatchEvent e)
    {
        var o = e.Object;
        var key = o.Namespace + "/" + o.Name;
        var node = e.Type == "DELETED" || o.Field("status.phase") is "Succeeded" or "Failed" ? null : o.Field("spec.nodeName");
        _podNode.TryGetValue(key, out var before);
        if (before == node)
        {
            return;
        }

        if (before is not null)
        {
            _nodeLoad[before] = _nodeLoad.GetValueOrDefault(before) - 1;
            _podNode.Remove(key);
        }

        if (!string.IsNullOrEmpty(node))
        {
            _nodeLoad[node] = _nodeLoad.GetValueOrDefault(node) + 1;
            _podNode[key] = node;
        }
    }

    /// <summary>Counts pods seeded without notifications (load mode) into the scheduler's view.</summary>
    public void CountSeededPods()
    {
        lock (_tickGate)
        {
            foreach (var pod in _store.All(BuiltInKinds.Pod))
            {
                TrackPodNode(new WatchEvent("ADDED", pod));
            }
        }
    }

    private void WatchKubelet(StoredObject pod, TimeSpan? after = null)
    {
        if (_timed.Add(pod.Uid))
        {
            _timers.Enqueue((pod.Namespace!, pod.Name, pod.Uid), Now + (after ?? _options.PodStartDelay / 2));
        }
    }

    private readonly Dictionary<string, (long Version, JsonObject Node)> _parsedNodes = new(StringComparer.Ordinal);

    /// <summary>Nodes parsed once per version: in load mode a cluster has hundreds and the scheduler runs every tick.</summary>
    private JsonObject ParsedNode(StoredObject node)
    {
        if (_parsedNodes.TryGetValue(node.Name, out var cached) && cached.Version == node.ResourceVersion)
        {
            return cached.Node;
        }

        var parsed = node.ToNode();
        _parsedNodes[node.Name] = (node.ResourceVersion, parsed);
        return parsed;
    }

    private void Schedule()
    {
        var nodes = _store.All(BuiltInKinds.Node).Select(n => (Stored: n, Node: ParsedNode(n))).Where(n =>
            Nodes.Str(n.Node, "spec", "unschedulable") != "true"
            && n.Node["status"]?["conditions"]?.AsArray().Any(c => Nodes.Str(c, "type") == "Ready" && Nodes.Str(c, "status") == "True") == true).ToList();
        var total = _store.Count(BuiltInKinds.Node);
        foreach (var (ns, name) in Take(_pending))
        {
            var pod = _store.Get(BuiltInKinds.Pod, ns, name);
            if (pod is null || pod.Field("spec.nodeName") is not (null or ""))
            {
                continue;
            }

            var podNode = pod.ToNode();
            var selector = Selector.FromLabels(Nodes.Map(podNode["spec"]?["nodeSelector"]));
            var tolerations = podNode["spec"]?["tolerations"] as JsonArray;
            var chosen = nodes
                .Where(n => selector.MatchesLabels(n.Stored.Labels) && Tolerates(n.Node, tolerations)
                    && _nodeLoad.GetValueOrDefault(n.Stored.Name) < Nodes.Int(n.Node, 110, "status", "allocatable", "pods"))
                .OrderBy(n => _nodeLoad.GetValueOrDefault(n.Stored.Name)).ThenBy(_ => Random.Shared.Next())
                .Select(n => n.Stored.Name).FirstOrDefault();
            var now = _store.Now();
            if (chosen is null)
            {
                var message = $"0/{total} nodes are available: {total - nodes.Count} node(s) were unschedulable or not ready, {nodes.Count} node(s) didn't match Pod's node affinity/selector or had untolerated taints.";
                if (!_lastFailedScheduling.TryGetValue(pod.Uid, out var last) || Now - last > TimeSpan.FromSeconds(30))
                {
                    _lastFailedScheduling[pod.Uid] = Now;
                    _store.Mutate(BuiltInKinds.Pod, ns, name, p =>
                    {
                        Nodes.SetCondition(Nodes.Obj(p, "status"), "PodScheduled", "False", "Unschedulable", message, now);
                        return true;
                    });
                    Events.Emit(pod, "Warning", "FailedScheduling", message, "default-scheduler");
                }

                continue;
            }

            _lastFailedScheduling.Remove(pod.Uid);
            var bound = _store.Mutate(BuiltInKinds.Pod, ns, name, p =>
            {
                p["spec"]!["nodeName"] = chosen;
                var status = Nodes.Obj(p, "status");
                Nodes.SetCondition(status, "PodScheduled", "True", null, null, now);
                return true;
            });
            _nodeLoad[chosen] = _nodeLoad.GetValueOrDefault(chosen) + 1;
            _podNode[ns + "/" + name] = chosen;
            Events.Emit(pod, "Normal", "Scheduled", $"Successfully assigned {ns}/{name} to {chosen}", "default-scheduler");
            if (bound is not null)
            {
                WatchKubelet(bound);
            }
        }
    }

    private static bool Tolerates(JsonObject node, JsonArray? tolerations)
    {
        foreach (var taint in node["spec"]?["taints"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var effect = Nodes.Str(taint, "effect");
            if (effect is not ("NoSchedule" or "NoExecute"))
            {
                continue;
            }

            var key = Nodes.Str(taint, "key");
            var tolerated = tolerations?.Any(t => (Nodes.Str(t, "operator") == "Exists" && (Nodes.Str(t, "key") is null || Nodes.Str(t, "key") == key))
                || Nodes.Str(t, "key") == key) == true;
            if (!tolerated)
            {
                return false;
            }
        }

        return true;
    }

    private void RunKubelet(DateTimeOffset now)
    {
        while (_timers.TryPeek(out var item, out var due) && due <= now)
        {
            _timers.Dequeue();
            _timed.Remove(item.Uid);
            var pod = _store.Get(BuiltInKinds.Pod, item.Ns, item.Name);
            if (pod is null || pod.Uid != item.Uid)
            {
                continue;
            }

            var nodeName = pod.Field("spec.nodeName");
            if (nodeName is not null && _failedNodes.ContainsKey(nodeName))
            {
                continue;
            }

            AdvancePod(pod, nodeName ?? "", now);
        }
    }

    private void AdvancePod(StoredObject pod, string nodeName, DateTimeOffset now)
    {
        var node = pod.ToNode();
        var stamp = Nodes.Stamp(now);
        var phase = Nodes.Str(node, "status", "phase");
        var crashing = Nodes.Str(node, "metadata", "annotations", PodLogs.CrashLoopAnnotation) == "true";
        var isJob = node["metadata"]?["ownerReferences"]?[0]?["kind"]?.ToString() == "Job";
        var containers = node["spec"]?["containers"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        var first = node["status"]?["containerStatuses"]?[0];
        var waiting = Nodes.Str(first, "state", "waiting", "reason");
        TimeSpan? next = null;
        if (phase == "Pending" && waiting is null)
        {
            _store.Mutate(BuiltInKinds.Pod, pod.Namespace, pod.Name, p =>
            {
                var status = Nodes.Obj(p, "status");
                status["hostIP"] = NodeIp(nodeName);
                status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = NodeIp(nodeName) });
                status["startTime"] = stamp;
                Nodes.SetCondition(status, "PodReadyToStartContainers", "False", null, null, stamp);
                Nodes.SetCondition(status, "Initialized", "True", null, null, stamp);
                Nodes.SetCondition(status, "Ready", "False", "ContainersNotReady", $"containers with unready status: [{string.Join(' ', containers.Select(c => Nodes.Str(c, "name")))}]", stamp);
                Nodes.SetCondition(status, "ContainersReady", "False", "ContainersNotReady", $"containers with unready status: [{string.Join(' ', containers.Select(c => Nodes.Str(c, "name")))}]", stamp);
                Nodes.SetCondition(status, "PodScheduled", "True", null, null, stamp);
                status["containerStatuses"] = new JsonArray(containers.Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = Nodes.Str(c, "name"),
                    ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } },
                    ["lastState"] = new JsonObject(),
                    ["ready"] = false,
                    ["restartCount"] = 0,
                    ["image"] = Nodes.Str(c, "image"),
                    ["imageID"] = "",
                    ["started"] = false,
                }).ToArray());
                return true;
            });
            foreach (var c in containers)
            {
                Events.Emit(pod, "Normal", "Pulling", $"Pulling image \"{Nodes.Str(c, "image")}\"", "kubelet", nodeName);
            }

            next = _options.PodStartDelay / 2;
        }
        else if (phase == "Pending" || (phase == "Running" && waiting == "CrashLoopBackOff"))
        {
            var starting = phase == "Pending";
            var ip = (string?)node["status"]?["podIP"] ?? NextPodIp(nodeName);
            _store.Mutate(BuiltInKinds.Pod, pod.Namespace, pod.Name, p =>
            {
                var status = Nodes.Obj(p, "status");
                status["phase"] = "Running";
                status["podIP"] = ip;
                status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip });
                var ready = !crashing;
                var statuses = status["containerStatuses"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
                foreach (var s in statuses)
                {
                    s["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = stamp } };
                    s["ready"] = ready;
                    s["started"] = true;
                    s["imageID"] = ImageId(Nodes.Str(s, "image") ?? "");
                    s["containerID"] = $"{Runtime}://{Nodes.Hash(pod.Uid + stamp)}{Nodes.Hash(stamp + pod.Name)}";
                }

                Nodes.SetCondition(status, "PodReadyToStartContainers", "True", null, null, stamp);
                Nodes.SetCondition(status, "Ready", ready ? "True" : "False", ready ? null : "ContainersNotReady", null, stamp);
                Nodes.SetCondition(status, "ContainersReady", ready ? "True" : "False", ready ? null : "ContainersNotReady", null, stamp);
                if (ready)
                {
                    foreach (var c in status["conditions"]!.AsArray().OfType<JsonObject>().Where(c => Nodes.Str(c, "type") is "Ready" or "ContainersReady"))
                    {
                        c.Remove("reason");
                        c.Remove("message");
                    }
                }

                return true;
            });
            foreach (var c in containers)
            {
                if (starting)
                {
                    Events.Emit(pod, "Normal", "Pulled", $"Successfully pulled image \"{Nodes.Str(c, "image")}\" in 1.2s (1.2s including waiting)", "kubelet", nodeName);
                }
                else
                {
                    Events.Emit(pod, "Normal", "Pulled", $"Container image \"{Nodes.Str(c, "image")}\" already present on machine", "kubelet", nodeName);
                }

                Events.Emit(pod, "Normal", "Created", $"Created container {Nodes.Str(c, "name")}", "kubelet", nodeName);
                Events.Emit(pod, "Normal", "Started", $"Started container {Nodes.Str(c, "name")}", "kubelet", nodeName);
            }

            next = crashing ? _options.CrashRunDuration : isJob ? _options.JobRunDuration : null;
        }
        else if (phase == "Running" && isJob)
        {
            _store.Mutate(BuiltInKinds.Pod, pod.Namespace, pod.Name, p =>
            {
                var status = Nodes.Obj(p, "status");
                status["phase"] = "Succeeded";
                foreach (var s in status["containerStatuses"]?.AsArray().OfType<JsonObject>() ?? [])
                {
                    s["state"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 0, ["reason"] = "Completed", ["startedAt"] = Nodes.Str(s, "state", "running", "startedAt"), ["finishedAt"] = stamp } };
                    s["ready"] = false;
                    s["started"] = false;
                }

                Nodes.SetCondition(status, "Ready", "False", "PodCompleted", null, stamp);
                Nodes.SetCondition(status, "ContainersReady", "False", "PodCompleted", null, stamp);
                return true;
            });
        }
        else if (phase == "Running" && crashing)
        {
            var restarts = Nodes.Int(first, 0, "restartCount") + 1;
            _store.Mutate(BuiltInKinds.Pod, pod.Namespace, pod.Name, p =>
            {
                var status = Nodes.Obj(p, "status");
                foreach (var s in status["containerStatuses"]?.AsArray().OfType<JsonObject>() ?? [])
                {
                    s["lastState"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error", ["startedAt"] = Nodes.Str(s, "state", "running", "startedAt"), ["finishedAt"] = stamp, ["containerID"] = Nodes.Str(s, "containerID") } };
                    s["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "CrashLoopBackOff", ["message"] = $"back-off {Backoff(restarts).TotalSeconds:0}s restarting failed container={Nodes.Str(s, "name")} pod={pod.Name}_{pod.Namespace}({pod.Uid})" } };
                    s["ready"] = false;
                    s["started"] = false;
                    s["restartCount"] = restarts;
                }

                Nodes.SetCondition(status, "Ready", "False", "ContainersNotReady", null, stamp);
                Nodes.SetCondition(status, "ContainersReady", "False", "ContainersNotReady", null, stamp);
                return true;
            });
            Events.Emit(pod, "Warning", "BackOff", $"Back-off restarting failed container {Nodes.Str(first, "name")} in pod {pod.Name}_{pod.Namespace}({pod.Uid})", "kubelet", nodeName);
            next = Backoff(restarts);
        }

        if (next is { } delay && _store.Get(BuiltInKinds.Pod, pod.Namespace, pod.Name) is { } updated)
        {
            WatchKubelet(updated, delay);
        }
    }

    private TimeSpan Backoff(int restarts) =>
        TimeSpan.FromTicks(Math.Min(_options.CrashBackoff.Ticks * (1L << Math.Min(restarts - 1, 5)), _options.CrashBackoff.Ticks * 6));

    private static string ImageId(string image) =>
        $"{image.Split(':')[0]}@sha256:{Nodes.Hash(image)}{Nodes.Hash(image + "1")}{Nodes.Hash(image + "2")}{Nodes.Hash(image + "3")}";

    private string NodeIp(string nodeName) =>
        (string?)_store.Get(BuiltInKinds.Node, null, nodeName)?.ToNode()["status"]?["addresses"]?.AsArray()
            .FirstOrDefault(a => Nodes.Str(a, "type") == "InternalIP")?["address"] ?? "10.0.0.1";

    private string NextPodIp(string nodeName)
    {
        var n = Interlocked.Increment(ref _nextPodIp);
        var nodeIndex = Math.Abs(nodeName.GetHashCode(StringComparison.Ordinal)) % 200;
        return $"10.{(244 + (n / 62500)) % 256}.{nodeIndex}.{(n % 250) + 2}";
    }
}
