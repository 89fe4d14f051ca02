using System.Globalization;
using System.Text.Json;

namespace Dashboard.Simulator.Api;

/// <summary>One column of a kind's Table output, as kubectl shows it for a real cluster (priority 1 = only with -o wide).</summary>
internal sealed record TableColumn(string Name, string Type, int Priority, string Description, Func<JsonElement, DateTimeOffset, object?> Cell, string Format = "");

/// <summary>The Table columns per kind: declarative, like the server-side printers of the real API server.</summary>
internal static class TableColumns
{
    private static readonly TableColumn Name = new("Name", "string", 0, "Name must be unique within a namespace.", (o, _) => Str(o, "metadata", "name"), "name");
    private static readonly TableColumn Age = new("Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created.", (o, now) => AgeOf(o, now));

    private static readonly Dictionary<string, TableColumn[]> ByKind = new(StringComparer.Ordinal)
    {
        ["Pod"] =
        [
            Name,
            new("Ready", "string", 0, "The aggregate readiness state of this pod for accepting traffic.", (o, _) => PodReady(o)),
            new("Status", "string", 0, "The aggregate status of the containers in this pod.", (o, _) => PodStatus(o)),
            new("Restarts", "string", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", (o, _) => Restarts(o)),
            Age,
            new("IP", "string", 1, "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", (o, _) => Str(o, "status", "podIP") ?? "<none>"),
            new("Node", "string", 1, "Name of the Node this pod is bound to.", (o, _) => Str(o, "spec", "nodeName") ?? "<none>"),
            new("Nominated Node", "string", 1, "Name of the node nominated by the scheduler.", (o, _) => Str(o, "status", "nominatedNodeName") ?? "<none>"),
            new("Readiness Gates", "string", 1, "Readiness gates for the pod.", (_, _) => "<none>"),
        ],
        ["Deployment"] =
        [
            Name,
            new("Ready", "string", 0, "Number of the pod with ready state", (o, _) => $"{Int(o, "status", "readyReplicas")}/{Int(o, "spec", "replicas")}"),
            new("Up-to-date", "integer", 0, "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", (o, _) => Int(o, "status", "updatedReplicas")),
            new("Available", "integer", 0, "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", (o, _) => Int(o, "status", "availableReplicas")),
            Age,
            new("Containers", "string", 1, "Names of each container in the template.", (o, _) => Containers(o, "name")),
            new("Images", "string", 1, "Images referenced by each container in the template.", (o, _) => Containers(o, "image")),
            new("Selector", "string", 1, "Label selector for pods.", (o, _) => SelectorText(o)),
        ],
        ["ReplicaSet"] =
        [
            Name,
            new("Desired", "integer", 0, "Number of desired pods.", (o, _) => Int(o, "spec", "replicas")),
            new("Current", "integer", 0, "Number of actual replicas.", (o, _) => Int(o, "status", "replicas")),
            new("Ready", "integer", 0, "Number of ready replicas.", (o, _) => Int(o, "status", "readyReplicas")),
            Age,
            new("Containers", "string", 1, "Names of each container in the template.", (o, _) => Containers(o, "name")),
            new("Images", "string", 1, "Images referenced by each container in the template.", (o, _) => Containers(o, "image")),
            new("Selector", "string", 1, "Label selector for pods.", (o, _) => SelectorText(o)),
        ],
        ["DaemonSet"] =
        [
            Name,
            new("Desired", "integer", 0, "The total number of nodes that should be running the daemon pod.", (o, _) => Int(o, "status", "desiredNumberScheduled")),
            new("Current", "integer", 0, "The number of nodes that are running at least 1 daemon pod.", (o, _) => Int(o, "status", "currentNumberScheduled")),
            new("Ready", "integer", 0, "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.", (o, _) => Int(o, "status", "numberReady")),
            new("Up-to-date", "integer", 0, "The total number of nodes that are running updated daemon pod.", (o, _) => Int(o, "status", "updatedNumberScheduled")),
            new("Available", "integer", 0, "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.", (o, _) => Int(o, "status", "numberAvailable")),
            new("Node Selector", "string", 0, "NodeSelector is a selector which must be true for the pod to fit on a node.", (o, _) => MapText(o, "spec", "template", "spec", "nodeSelector")),
            Age,
            new("Containers", "string", 1, "Names of each container in the template.", (o, _) => Containers(o, "name")),
            new("Images", "string", 1, "Images referenced by each container in the template.", (o, _) => Containers(o, "image")),
            new("Selector", "string", 1, "Label selector for pods.", (o, _) => SelectorText(o)),
        ],
        ["StatefulSet"] =
        [
            Name,
            new("Ready", "string", 0, "Number of the pod with ready state", (o, _) => $"{Int(o, "status", "readyReplicas")}/{Int(o, "spec", "replicas")}"),
            Age,
            new("Containers", "string", 1, "Names of each container in the template.", (o, _) => Containers(o, "name")),
            new("Images", "string", 1, "Images referenced by each container in the template.", (o, _) => Containers(o, "image")),
        ],
        ["Service"] =
        [
            Name,
            new("Type", "string", 0, "The type of service.", (o, _) => Str(o, "spec", "type") ?? "ClusterIP"),
            new("Cluster-IP", "string", 0, "The cluster IP.", (o, _) => Str(o, "spec", "clusterIP") ?? "<none>"),
            new("External-IP", "string", 0, "The external IP.", (o, _) => ExternalIp(o)),
            new("Port(s)", "string", 0, "The ports of the service.", (o, _) => ServicePorts(o)),
            Age,
            new("Selector", "string", 1, "The selector of the service.", (o, _) => MapText(o, "spec", "selector")),
        ],
        ["Node"] =
        [
            Name,
            new("Status", "string", 0, "The status of the node", (o, _) => NodeStatus(o)),
            new("Roles", "string", 0, "The roles of the node", (o, _) => NodeRoles(o)),
            Age,
            new("Version", "string", 0, "Kubelet Version reported by the node.", (o, _) => Str(o, "status", "nodeInfo", "kubeletVersion")),
            new("Internal-IP", "string", 1, "List of internal IPs.", (o, _) => NodeAddress(o, "InternalIP")),
            new("External-IP", "string", 1, "List of external IPs.", (o, _) => NodeAddress(o, "ExternalIP")),
            new("OS-Image", "string", 1, "OS image reported by the node.", (o, _) => Str(o, "status", "nodeInfo", "osImage")),
            new("Kernel-Version", "string", 1, "Kernel version reported by the node.", (o, _) => Str(o, "status", "nodeInfo", "kernelVersion")),
            new("Container-Runtime", "string", 1, "Container runtime reported by the node.", (o, _) => Str(o, "status", "nodeInfo", "containerRuntimeVersion")),
        ],
        ["Namespace"] = [Name, new("Status", "string", 0, "The status of the namespace", (o, _) => Str(o, "status", "phase") ?? "Active"), Age],
        ["ConfigMap"] = [Name, new("Data", "integer", 0, "Number of data entries", (o, _) => Count(o, "data") + Count(o, "binaryData")), Age],
        ["Secret"] = [Name, new("Type", "string", 0, "The type of the secret", (o, _) => Str(o, "type") ?? "Opaque"), new("Data", "integer", 0, "Number of data entries", (o, _) => Count(o, "data")), Age],
        ["ServiceAccount"] = [Name, new("Secrets", "integer", 0, "Number of secrets", (o, _) => Count(o, "secrets")), Age],
        ["Endpoints"] = [Name, new("Endpoints", "string", 0, "Endpoints of the service", (o, _) => EndpointsText(o)), Age],
        ["Ingress"] =
        [
            Name,
            new("Class", "string", 0, "The name of the IngressClass resource that should be used.", (o, _) => Str(o, "spec", "ingressClassName") ?? "<none>"),
            new("Hosts", "string", 0, "Hosts that incoming requests are matched against.", (o, _) => IngressHosts(o)),
            new("Address", "string", 0, "Address is a list containing ingress points for the load-balancer.", (o, _) => IngressAddress(o)),
            new("Ports", "string", 0, "Ports of TLS configurations that open.", (o, _) => Count(o, "spec", "tls") > 0 ? "80, 443" : "80"),
            Age,
        ],
        ["HorizontalPodAutoscaler"] =
        [
            Name,
            new("Reference", "string", 0, "Reference to the object being scaled.", (o, _) => $"{Str(o, "spec", "scaleTargetRef", "kind")}/{Str(o, "spec", "scaleTargetRef", "name")}"),
            new("Targets", "string", 0, "Current and target utilisation.", (o, _) => HpaTargets(o)),
            new("MinPods", "string", 0, "Lower limit for the number of pods.", (o, _) => Int(o, "spec", "minReplicas") is var m && m > 0 ? m.ToString(CultureInfo.InvariantCulture) : "<unset>"),
            new("MaxPods", "integer", 0, "Upper limit for the number of pods.", (o, _) => Int(o, "spec", "maxReplicas")),
            new("Replicas", "integer", 0, "Current number of replicas.", (o, _) => Int(o, "status", "currentReplicas")),
            Age,
        ],
        ["PersistentVolumeClaim"] =
        [
            Name,
            new("Status", "string", 0, "Phase of the claim.", (o, _) => Str(o, "status", "phase") ?? "Pending"),
            new("Volume", "string", 0, "Bound volume.", (o, _) => Str(o, "spec", "volumeName") ?? ""),
            new("Capacity", "string", 0, "Capacity.", (o, _) => Str(o, "status", "capacity", "storage") ?? ""),
            new("Access Modes", "string", 0, "Access modes.", (o, _) => AccessModes(o)),
            new("StorageClass", "string", 0, "Storage class.", (o, _) => Str(o, "spec", "storageClassName") ?? "<unset>"),
            new("VolumeAttributesClass", "string", 0, "Volume attributes class.", (_, _) => "<unset>"),
            Age,
            new("VolumeMode", "string", 1, "Volume mode.", (o, _) => Str(o, "spec", "volumeMode") ?? "Filesystem"),
        ],
        ["PersistentVolume"] =
        [
            Name,
            new("Capacity", "string", 0, "Capacity.", (o, _) => Str(o, "spec", "capacity", "storage") ?? ""),
            new("Access Modes", "string", 0, "Access modes.", (o, _) => AccessModes(o)),
            new("Reclaim Policy", "string", 0, "Reclaim policy.", (o, _) => Str(o, "spec", "persistentVolumeReclaimPolicy") ?? "Delete"),
            new("Status", "string", 0, "Phase.", (o, _) => Str(o, "status", "phase") ?? "Available"),
            new("Claim", "string", 0, "Claim.", (o, _) => Str(o, "spec", "claimRef", "name") is { } c ? $"{Str(o, "spec", "claimRef", "namespace")}/{c}" : ""),
            new("StorageClass", "string", 0, "Storage class.", (o, _) => Str(o, "spec", "storageClassName") ?? ""),
            new("Reason", "string", 0, "Reason.", (o, _) => Str(o, "status", "reason") ?? ""),
            Age,
        ],
        ["StorageClass"] =
        [
            Name,
            new("Provisioner", "string", 0, "Provisioner.", (o, _) => Str(o, "provisioner")),
            new("ReclaimPolicy", "string", 0, "Reclaim policy.", (o, _) => Str(o, "reclaimPolicy") ?? "Delete"),
            new("VolumeBindingMode", "string", 0, "Binding mode.", (o, _) => Str(o, "volumeBindingMode") ?? "Immediate"),
            new("AllowVolumeExpansion", "string", 0, "Expansion.", (o, _) => Bool(o, "allowVolumeExpansion") ? "true" : "false"),
            Age,
        ],
        ["Job"] =
        [
            Name,
            new("Status", "string", 0, "Status of the job.", (o, _) => Int(o, "status", "succeeded") >= Math.Max(1, Int(o, "spec", "completions")) ? "Complete" : "Running"),
            new("Completions", "string", 0, "The desired number of successfully finished pods the job should be run with.", (o, _) => $"{Int(o, "status", "succeeded")}/{Math.Max(1, Int(o, "spec", "completions"))}"),
            new("Duration", "string", 0, "Time required to complete the job.", (o, now) => JobDuration(o, now)),
            Age,
            new("Containers", "string", 1, "Names of each container in the template.", (o, _) => Containers(o, "name")),
            new("Images", "string", 1, "Images referenced by each container in the template.", (o, _) => Containers(o, "image")),
            new("Selector", "string", 1, "Label selector for pods.", (o, _) => SelectorText(o)),
        ],
        ["CronJob"] =
        [
            Name,
            new("Schedule", "string", 0, "The schedule in Cron format.", (o, _) => Str(o, "spec", "schedule")),
            new("Timezone", "string", 0, "The time zone.", (o, _) => Str(o, "spec", "timeZone") ?? "<none>"),
            new("Suspend", "boolean", 0, "Suspended.", (o, _) => Bool(o, "spec", "suspend")),
            new("Active", "integer", 0, "Active jobs.", (o, _) => Count(o, "status", "active")),
            new("Last Schedule", "string", 0, "Last schedule.", (o, now) => Str(o, "status", "lastScheduleTime") is { } t ? Human(now - DateTimeOffset.Parse(t, CultureInfo.InvariantCulture)) : "<none>"),
            Age,
        ],
        ["Event"] =
        [
            new("Last Seen", "string", 0, "Time since the event was last seen.", (o, now) => Str(o, "lastTimestamp") is { } t ? Human(now - DateTimeOffset.Parse(t, CultureInfo.InvariantCulture)) : "<unknown>"),
            new("Type", "string", 0, "Type of the event.", (o, _) => Str(o, "type")),
            new("Reason", "string", 0, "Reason of the event.", (o, _) => Str(o, "reason")),
            new("Object", "string", 0, "The object this event is about.", (o, _) => $"{Str(o, "involvedObject", "kind")?.ToLowerInvariant()}/{Str(o, "involvedObject", "name")}"),
            new("Message", "string", 0, "Message of the event.", (o, _) => Str(o, "message")),
        ],
        ["PodDisruptionBudget"] =
        [
            Name,
            new("Min Available", "string", 0, "Minimum available.", (o, _) => Raw(o, "spec", "minAvailable") ?? "N/A"),
            new("Max Unavailable", "string", 0, "Maximum unavailable.", (o, _) => Raw(o, "spec", "maxUnavailable") ?? "N/A"),
            new("Allowed Disruptions", "integer", 0, "Allowed disruptions.", (o, _) => Int(o, "status", "disruptionsAllowed")),
            Age,
        ],
        ["IngressClass"] = [Name, new("Controller", "string", 0, "Controller.", (o, _) => Str(o, "spec", "controller")), new("Parameters", "string", 0, "Parameters.", (_, _) => "<none>"), Age],
        ["RoleBinding"] = [Name, new("Role", "string", 0, "Role.", (o, _) => $"{Str(o, "roleRef", "kind")}/{Str(o, "roleRef", "name")}"), Age],
        ["ClusterRoleBinding"] = [Name, new("Role", "string", 0, "Role.", (o, _) => $"{Str(o, "roleRef", "kind")}/{Str(o, "roleRef", "name")}"), Age],
        ["Role"] = [Name, new("Created At", "string", 0, "Creation time.", (o, _) => Str(o, "metadata", "creationTimestamp"))],
        ["ClusterRole"] = [Name, new("Created At", "string", 0, "Creation time.", (o, _) => Str(o, "metadata", "creationTimestamp"))],
    };

    public static IReadOnlyList<TableColumn> For(string kind) => ByKind.TryGetValue(kind, out var columns) ? columns : [Name, Age];

    public static string Human(TimeSpan d)
    {
        var s = (long)d.TotalSeconds;
        if (s < -1)
        {
            return "<invalid>";
        }

        s = Math.Max(0, s);
        var m = s / 60;
        var h = s / 3600;
        var days = h / 24;
        return s switch
        {
            < 120 => $"{s}s",
            < 600 => s % 60 == 0 ? $"{m}m" : $"{m}m{s % 60}s",
            < 3 * 3600 => $"{m}m",
            < 8 * 3600 => m % 60 == 0 ? $"{h}h" : $"{h}h{m % 60}m",
            < 48 * 3600 => $"{h}h",
            < 8 * 86400 => h % 24 == 0 ? $"{days}d" : $"{days}d{h % 24}h",
            < 2 * 365 * 86400 => $"{days}d",
            _ => $"{days / 365}y{days % 365}d",
        };
    }

    private static string AgeOf(JsonElement o, DateTimeOffset now) =>
        Str(o, "metadata", "creationTimestamp") is { } t ? Human(now - DateTimeOffset.Parse(t, CultureInfo.InvariantCulture)) : "<unknown>";

    private static JsonElement? Path(JsonElement o, params string[] path)
    {
        var e = o;
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                return null;
            }
        }

        return e;
    }

    internal static string? Str(JsonElement o, params string[] path) =>
        Path(o, path) is { } e ? e.ValueKind == JsonValueKind.String ? e.GetString() : e.ValueKind is JsonValueKind.Null ? null : e.GetRawText() : null;

    private static string? Raw(JsonElement o, params string[] path) => Path(o, path) is { } e ? e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText() : null;

    internal static int Int(JsonElement o, params string[] path) => Path(o, path) is { ValueKind: JsonValueKind.Number } e ? e.GetInt32() : 0;

    private static bool Bool(JsonElement o, params string[] path) => Path(o, path) is { ValueKind: JsonValueKind.True };

    private static int Count(JsonElement o, params string[] path) => Path(o, path) switch
    {
        { ValueKind: JsonValueKind.Object } e => e.EnumerateObject().Count(),
        { ValueKind: JsonValueKind.Array } e => e.GetArrayLength(),
        _ => 0,
    };

    private static List<JsonElement> Items(JsonElement o, params string[] path) =>
        Path(o, path) is { ValueKind: JsonValueKind.Array } e ? [.. e.EnumerateArray()] : [];

    private static string Containers(JsonElement o, string field) =>
        string.Join(',', Items(o, "spec", "template", "spec", "containers").Concat(Items(o, "spec", "jobTemplate", "spec", "template", "spec", "containers")).Select(c => Str(c, field)));

    private static string SelectorText(JsonElement o)
    {
        var labels = Path(o, "spec", "selector", "matchLabels");
        return labels is { ValueKind: JsonValueKind.Object } l ? string.Join(',', l.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}")) : "<none>";
    }

    private static string MapText(JsonElement o, params string[] path)
    {
        var map = Path(o, path);
        return map is { ValueKind: JsonValueKind.Object } m && m.EnumerateObject().Any()
            ? string.Join(',', m.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}"))
            : "<none>";
    }

    private static string PodReady(JsonElement o)
    {
        var total = Items(o, "spec", "containers").Count;
        var ready = Items(o, "status", "containerStatuses").Count(c => Bool(c, "ready"));
        return $"{ready}/{total}";
    }

    private static string PodStatus(JsonElement o)
    {
        if (Str(o, "metadata", "deletionTimestamp") is not null)
        {
            return "Terminating";
        }

        var reason = Str(o, "status", "reason") ?? Str(o, "status", "phase") ?? "Pending";
        foreach (var c in Items(o, "status", "containerStatuses"))
        {
            if (Str(c, "state", "waiting", "reason") is { Length: > 0 } waiting)
            {
                return waiting;
            }

            if (Str(c, "state", "terminated", "reason") is { Length: > 0 } terminated)
            {
                reason = terminated;
            }
        }

        return reason;
    }

    private static string Restarts(JsonElement o)
    {
        var restarts = Items(o, "status", "containerStatuses").Sum(c => Int(c, "restartCount"));
        return restarts.ToString(CultureInfo.InvariantCulture);
    }

    private static string ExternalIp(JsonElement o)
    {
        var ingress = Items(o, "status", "loadBalancer", "ingress").Select(i => Str(i, "ip") ?? Str(i, "hostname")).ToList();
        if (ingress.Count > 0)
        {
            return string.Join(',', ingress);
        }

        return Str(o, "spec", "type") == "LoadBalancer" ? "<pending>" : Str(o, "spec", "externalName") ?? "<none>";
    }

    private static string ServicePorts(JsonElement o)
    {
        var ports = Items(o, "spec", "ports").Select(p =>
            Int(p, "nodePort") > 0 ? $"{Int(p, "port")}:{Int(p, "nodePort")}/{Str(p, "protocol") ?? "TCP"}" : $"{Int(p, "port")}/{Str(p, "protocol") ?? "TCP"}").ToList();
        return ports.Count == 0 ? "<none>" : string.Join(',', ports);
    }

    private static string NodeStatus(JsonElement o)
    {
        var ready = Items(o, "status", "conditions").FirstOrDefault(c => Str(c, "type") == "Ready");
        var status = ready.ValueKind == JsonValueKind.Object && Str(ready, "status") == "True" ? "Ready" : "NotReady";
        return Bool(o, "spec", "unschedulable") ? status + ",SchedulingDisabled" : status;
    }

    private static string NodeRoles(JsonElement o)
    {
        var labels = Path(o, "metadata", "labels");
        if (labels is not { ValueKind: JsonValueKind.Object } l)
        {
            return "<none>";
        }

        var roles = l.EnumerateObject().Where(p => p.Name.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            .Select(p => p.Name["node-role.kubernetes.io/".Length..]).ToList();
        return roles.Count == 0 ? "<none>" : string.Join(',', roles);
    }

    private static string NodeAddress(JsonElement o, string type) =>
        Items(o, "status", "addresses").Where(a => Str(a, "type") == type).Select(a => Str(a, "address")).FirstOrDefault() ?? "<none>";

    private static string EndpointsText(JsonElement o)
    {
        var list = new List<string>();
        foreach (var subset in Items(o, "subsets"))
        {
            foreach (var a in Items(subset, "addresses"))
            {
                foreach (var p in Items(subset, "ports"))
                {
                    list.Add($"{Str(a, "ip")}:{Int(p, "port")}");
                }
            }
        }

        if (list.Count == 0)
        {
            return "<none>";
        }

        return list.Count > 3 ? string.Join(',', list.Take(3)) + $" + {list.Count - 3} more..." : string.Join(',', list);
    }

    private static string IngressHosts(JsonElement o)
    {
        var hosts = Items(o, "spec", "rules").Select(r => Str(r, "host") ?? "*").ToList();
        return hosts.Count == 0 ? "*" : string.Join(',', hosts);
    }

    private static string IngressAddress(JsonElement o) =>
        string.Join(',', Items(o, "status", "loadBalancer", "ingress").Select(i => Str(i, "ip") ?? Str(i, "hostname")));

    private static string HpaTargets(JsonElement o)
    {
        var current = Items(o, "status", "currentMetrics").Select(m => Int(m, "resource", "current", "averageUtilization")).FirstOrDefault();
        var target = Items(o, "spec", "metrics").Select(m => Int(m, "resource", "target", "averageUtilization")).FirstOrDefault();
        return $"cpu: {(Items(o, "status", "currentMetrics").Count > 0 ? current + "%" : "<unknown>")}/{target}%";
    }

    private static string AccessModes(JsonElement o) =>
        string.Join(',', Items(o, "spec", "accessModes").Select(m => m.GetString() switch
        {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            var x => x,
        }));

    private static string JobDuration(JsonElement o, DateTimeOffset now)
    {
        if (Str(o, "status", "startTime") is not { } start)
        {
            return "";
        }

        var end = Str(o, "status", "completionTime") is { } c ? DateTimeOffset.Parse(c, CultureInfo.InvariantCulture) : now;
        return Human(end - DateTimeOffset.Parse(start, CultureInfo.InvariantCulture));
    }
}
