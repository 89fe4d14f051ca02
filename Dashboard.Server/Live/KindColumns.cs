using System.Globalization;
using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;
using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>
/// A column: its header, how to sort by it (a typed value) and how to show it (text), from the object and,
/// for pods and nodes, its latest CPU and memory use (null where the cluster serves no metrics).
/// </summary>
public sealed record Column(string Name, string Type, int Priority,
    Func<Resource, ResourceUsage?, IComparable?> Value, Func<Resource, ResourceUsage?, string> Text)
{
    public ViewColumn Wire => new(Name, Type, Priority);

    /// <summary>Whether the column shows use, which changes without the object changing.</summary>
    public bool ShowsUsage => Type == "usage";

    public IComparable? ValueOf(Resource resource, ResourceUsage? usage = null) => Value(resource, usage);

    public string TextOf(Resource resource, ResourceUsage? usage = null) => Text(resource, usage);
}

/// <summary>
/// The columns of each kind's table, as kubectl shows them for a real cluster (priority 1 = wide). A kind
/// without its own list gets Cluster, Namespace, Name and Age. Type "age" cells carry an ISO time the
/// browser turns into "5m".
/// </summary>
public static class KindColumns
{
    private static readonly Column Cluster = Text("Cluster", r => r.Meta.Cluster);
    private static readonly Column Namespace = Text("Namespace", r => r.Meta.Namespace ?? "");
    private static readonly Column Name = Text("Name", r => r.Meta.Name);
    private static readonly Column Age = new("Age", "age", 0, (r, _) => r.Meta.CreatedUtc,
        (r, _) => r.Meta.CreatedUtc?.ToString("O", CultureInfo.InvariantCulture) ?? "");

    private static readonly Dictionary<string, IReadOnlyList<Column>> Specific = new(StringComparer.Ordinal)
    {
        ["Pod"] =
        [
            Of<PodSpecInfo>("Ready", "text", 0, p => p.ReadyContainers, p => $"{p.ReadyContainers}/{p.TotalContainers}"),
            Of<PodSpecInfo>("Status", "status", 0, p => p.Reason ?? p.Phase, p => p.Reason ?? p.Phase),
            Of<PodSpecInfo>("Restarts", "number", 0, p => p.Restarts, p => Num(p.Restarts)),
            Use<PodSpecInfo>("CPU", u => u.CpuMillicores, p => p.Resources is { } r ? Base(r.CpuRequestMilli, r.CpuLimitMilli) : 0, Cpu),
            Use<PodSpecInfo>("Memory", u => u.MemoryBytes, p => p.Resources is { } r ? Base(r.MemoryRequestBytes, r.MemoryLimitBytes) : 0, Memory),
            Of<PodSpecInfo>("Node", "text", 0, p => p.Node, p => p.Node ?? ""),
            Of<PodSpecInfo>("Requests", "text", 1, p => p.Resources?.CpuRequestMilli, p => Amounts(p.Resources?.CpuRequestMilli, p.Resources?.MemoryRequestBytes)),
            Of<PodSpecInfo>("Limits", "text", 1, p => p.Resources?.CpuLimitMilli, p => Amounts(p.Resources?.CpuLimitMilli, p.Resources?.MemoryLimitBytes)),
            Of<PodSpecInfo>("IP", "text", 1, p => p.PodIp, p => p.PodIp ?? ""),
            Of<PodSpecInfo>("Images", "text", 1, p => string.Join(", ", p.Images), p => string.Join(", ", p.Images)),
        ],
        ["Deployment"] = Workload("Up-to-date"),
        ["StatefulSet"] = Workload(null),
        ["ReplicaSet"] =
        [
            Of<WorkloadSpecInfo>("Desired", "number", 0, w => w.Desired, w => Num(w.Desired)),
            Of<WorkloadSpecInfo>("Ready", "number", 0, w => w.Ready, w => Num(w.Ready)),
            Of<WorkloadSpecInfo>("Available", "number", 0, w => w.Available, w => Num(w.Available)),
            Of<WorkloadSpecInfo>("Images", "text", 1, w => string.Join(", ", w.Images), w => string.Join(", ", w.Images)),
        ],
        ["DaemonSet"] =
        [
            Of<WorkloadSpecInfo>("Desired", "number", 0, w => w.Desired, w => Num(w.Desired)),
            Of<WorkloadSpecInfo>("Ready", "number", 0, w => w.Ready, w => Num(w.Ready)),
            Of<WorkloadSpecInfo>("Up-to-date", "number", 0, w => w.Updated, w => Num(w.Updated)),
            Of<WorkloadSpecInfo>("Available", "number", 0, w => w.Available, w => Num(w.Available)),
            Of<WorkloadSpecInfo>("Images", "text", 1, w => string.Join(", ", w.Images), w => string.Join(", ", w.Images)),
        ],
        ["Node"] =
        [
            Of<NodeSpecInfo>("Status", "status", 0, n => NodeStatus(n), NodeStatus),
            Of<NodeSpecInfo>("Roles", "text", 0, n => string.Join(",", n.Roles), n => n.Roles.Count == 0 ? "<none>" : string.Join(",", n.Roles)),
            Of<NodeSpecInfo>("Version", "text", 0, n => n.KubeletVersion, n => n.KubeletVersion ?? ""),
            Of<NodeSpecInfo>("Runtime", "text", 0, n => n.ContainerRuntime, n => n.ContainerRuntime ?? ""),
            Use<NodeSpecInfo>("CPU", u => u.CpuMillicores, n => Quantity.Millicores(n.CpuAllocatable ?? n.CpuCapacity) ?? 0, Cpu),
            Use<NodeSpecInfo>("Memory", u => u.MemoryBytes, n => Quantity.Bytes(n.MemoryAllocatable ?? n.MemoryCapacity) ?? 0, Memory),
            Of<NodeSpecInfo>("Internal IP", "text", 1, n => n.InternalIp, n => n.InternalIp ?? ""),
            Of<NodeSpecInfo>("OS image", "text", 1, n => n.OsImage, n => n.OsImage ?? ""),
        ],
        ["Service"] =
        [
            Of<ServiceSpecInfo>("Type", "text", 0, s => s.Type, s => s.Type),
            Of<ServiceSpecInfo>("Cluster IP", "text", 0, s => s.ClusterIp, s => s.ClusterIp ?? ""),
            Of<ServiceSpecInfo>("External", "text", 0, s => string.Join(",", s.ExternalAddresses),
                s => s.ExternalAddresses.Count == 0 ? "<none>" : string.Join(",", s.ExternalAddresses)),
            Of<ServiceSpecInfo>("Ports", "text", 0, s => s.Ports.Count, s => string.Join(",", s.Ports.Select(p =>
                $"{p.Port}{(p.NodePort is { } n ? $":{n}" : "")}/{p.Protocol}"))),
            Of<ServiceSpecInfo>("Selector", "text", 1, s => Pairs(s.Selector), s => Pairs(s.Selector)),
        ],
        ["Endpoints"] =
        [
            Of<EndpointsSpecInfo>("Endpoints", "text", 0, e => e.ReadyAddresses.Count, e => Addresses(e.ReadyAddresses)),
            Of<EndpointsSpecInfo>("Not ready", "number", 1, e => e.NotReadyAddresses.Count, e => Num(e.NotReadyAddresses.Count)),
        ],
        ["Ingress"] =
        [
            Of<IngressSpecInfo>("Class", "text", 0, i => i.ClassName, i => i.ClassName ?? "<none>"),
            Of<IngressSpecInfo>("Hosts", "text", 0, i => Hosts(i), Hosts),
            Of<IngressSpecInfo>("Address", "text", 0, i => string.Join(",", i.Addresses), i => string.Join(",", i.Addresses)),
        ],
        ["PersistentVolumeClaim"] =
        [
            Of<VolumeClaimSpecInfo>("Status", "status", 0, c => c.Phase, c => c.Phase),
            Of<VolumeClaimSpecInfo>("Volume", "text", 0, c => c.VolumeName, c => c.VolumeName ?? ""),
            Of<VolumeClaimSpecInfo>("Capacity", "text", 0, c => c.Capacity, c => c.Capacity ?? ""),
            Of<VolumeClaimSpecInfo>("Storage class", "text", 0, c => c.StorageClass, c => c.StorageClass ?? ""),
        ],
        ["PersistentVolume"] =
        [
            Of<VolumeSpecInfo>("Capacity", "text", 0, v => v.Capacity, v => v.Capacity ?? ""),
            Of<VolumeSpecInfo>("Reclaim policy", "text", 0, v => v.ReclaimPolicy, v => v.ReclaimPolicy ?? ""),
            Of<VolumeSpecInfo>("Status", "status", 0, v => v.Phase, v => v.Phase),
            Of<VolumeSpecInfo>("Claim", "text", 0, v => v.ClaimName, v => v.ClaimName is null ? "" : $"{v.ClaimNamespace}/{v.ClaimName}"),
            Of<VolumeSpecInfo>("Storage class", "text", 0, v => v.StorageClass, v => v.StorageClass ?? ""),
        ],
        ["HorizontalPodAutoscaler"] =
        [
            Of<AutoscalerSpecInfo>("Reference", "text", 0, h => h.TargetName, h => $"{h.TargetKind}/{h.TargetName}"),
            Of<AutoscalerSpecInfo>("Targets", "text", 0, h => h.CurrentCpuPercent,
                h => $"cpu: {(h.CurrentCpuPercent is { } c ? $"{c}%" : "<unknown>")}/{(h.TargetCpuPercent is { } t ? $"{t}%" : "-")}"),
            Of<AutoscalerSpecInfo>("Min", "number", 0, h => h.MinReplicas, h => Num(h.MinReplicas ?? 1)),
            Of<AutoscalerSpecInfo>("Max", "number", 0, h => h.MaxReplicas, h => Num(h.MaxReplicas)),
            Of<AutoscalerSpecInfo>("Replicas", "number", 0, h => h.CurrentReplicas, h => Num(h.CurrentReplicas)),
        ],
        ["Event"] =
        [
            Of<EventSpecInfo>("Type", "status", 0, e => e.Type, e => e.Type),
            Of<EventSpecInfo>("Reason", "text", 0, e => e.Reason, e => e.Reason),
            Of<EventSpecInfo>("Object", "text", 0, e => e.InvolvedName, e => $"{e.InvolvedKind.ToLowerInvariant()}/{e.InvolvedName}"),
            Of<EventSpecInfo>("Message", "text", 0, e => e.Message, e => e.Message),
            Of<EventSpecInfo>("Count", "number", 0, e => e.Count, e => Num(e.Count)),
            Of<EventSpecInfo>("Last seen", "age", 0, e => e.LastSeenUtc, e => e.LastSeenUtc?.ToString("O", CultureInfo.InvariantCulture) ?? ""),
        ],
        ["Job"] =
        [
            Of<JobSpecInfo>("Completions", "text", 0, j => j.Succeeded, j => $"{j.Succeeded}/{j.Completions ?? 1}"),
            Of<JobSpecInfo>("Active", "number", 0, j => j.Active, j => Num(j.Active)),
            Of<JobSpecInfo>("Failed", "number", 0, j => j.Failed, j => Num(j.Failed)),
        ],
        ["CronJob"] =
        [
            Of<JobSpecInfo>("Schedule", "text", 0, j => j.Schedule, j => j.Schedule ?? ""),
            Of<JobSpecInfo>("Suspend", "text", 0, j => j.Suspend?.ToString(), j => j.Suspend == true ? "True" : "False"),
            Of<JobSpecInfo>("Active", "number", 0, j => j.Active, j => Num(j.Active)),
            Of<JobSpecInfo>("Last schedule", "age", 0, j => j.LastScheduleUtc, j => j.LastScheduleUtc?.ToString("O", CultureInfo.InvariantCulture) ?? ""),
        ],
        ["Namespace"] = [Field("Status", "status", "phase")],
        ["ConfigMap"] = [Field("Data", "number", "keys")],
        // The type and how many keys: a Secret's values never reach the store, let alone a column.
        ["Secret"] = [Field("Type", "text", "type"), Field("Data", "number", "keys")],
        ["PodDisruptionBudget"] =
        [
            Field("Min available", "text", "minAvailable"),
            Field("Max unavailable", "text", "maxUnavailable"),
            Field("Allowed disruptions", "number", "disruptionsAllowed"),
            Field("Current healthy", "number", "currentHealthy"),
            Field("Desired healthy", "number", "desiredHealthy"),
        ],
        ["IngressClass"] = [Field("Controller", "text", "controller")],
        ["StorageClass"] =
        [
            Field("Provisioner", "text", "provisioner"),
            Field("Reclaim policy", "text", "reclaimPolicy"),
            Field("Volume binding mode", "text", "volumeBindingMode"),
        ],
        ["RoleBinding"] = [RoleRef()],
        ["ClusterRoleBinding"] = [RoleRef()],
        ["CustomResourceDefinition"] =
        [
            Of<CustomKindSpecInfo>("Group", "text", 0, c => c.Group, c => c.Group),
            Of<CustomKindSpecInfo>("Kind", "text", 0, c => c.Kind, c => c.Kind),
            Of<CustomKindSpecInfo>("Scope", "text", 0, c => Scope(c), Scope),
            Of<CustomKindSpecInfo>("Version", "text", 1, c => c.Version, c => c.Version),
            Of<CustomKindSpecInfo>("Plural", "text", 1, c => c.Plural, c => c.Plural),
        ],
    };

    public static IReadOnlyList<Column> For(WatchedKind kind)
    {
        var columns = new List<Column> { Cluster };
        if (kind.Namespaced)
        {
            columns.Add(Namespace);
        }

        columns.Add(Name);
        columns.AddRange(kind.PrinterColumns is { } printer ? printer.Select(Printer) : Specific.GetValueOrDefault(kind.Kind) ?? []);
        columns.Add(Age);
        return columns;
    }

    /// <summary>A CRD's printer column, read from the values its projector kept.</summary>
    private static Column Printer(PrinterColumn column)
    {
        var type = column.Type switch
        {
            "integer" or "number" => "number",
            "date" => "age",
            _ => "text",
        };
        string Text(Resource r) => r.Spec is GenericSpecInfo g ? g.Fields.GetValueOrDefault(column.Name) ?? "" : "";
        return new Column(column.Name, type, column.Priority > 0 ? 1 : 0,
            (r, _) => type == "number" && double.TryParse(Text(r), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : Text(r),
            (r, _) => Text(r));
    }

    private static IReadOnlyList<Column> Workload(string? updated) =>
    [
        Of<WorkloadSpecInfo>("Ready", "text", 0, w => w.Ready, w => $"{w.Ready}/{w.Desired}"),
        .. updated is null ? Array.Empty<Column>() : [Of<WorkloadSpecInfo>(updated, "number", 0, w => w.Updated, w => Num(w.Updated))],
        Of<WorkloadSpecInfo>("Available", "number", 0, w => w.Available, w => Num(w.Available)),
        Of<WorkloadSpecInfo>("Images", "text", 1, w => string.Join(", ", w.Images), w => string.Join(", ", w.Images)),
    ];

    /// <summary>A value a generic projection kept by name (<see cref="GenericSpecInfo"/>); numbers sort as numbers.</summary>
    private static Column Field(string name, string type, string field)
    {
        string Value(GenericSpecInfo g) => g.Fields.GetValueOrDefault(field) ?? "";
        return Of<GenericSpecInfo>(name, type, 0,
            g => type == "number" && int.TryParse(Value(g), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : Value(g),
            Value);
    }

    private static Column RoleRef() =>
        Of<GenericSpecInfo>("Role", "text", 0, g => RoleRefText(g), RoleRefText);

    private static string RoleRefText(GenericSpecInfo g) =>
        g.Fields.TryGetValue("name", out var name) ? $"{g.Fields.GetValueOrDefault("kind") ?? "Role"}/{name}" : "";

    private static string Scope(CustomKindSpecInfo c) => c.Namespaced ? "Namespaced" : "Cluster";

    /// <summary>As kubectl shows endpoints: the first three addresses, then how many more.</summary>
    private static string Addresses(IReadOnlyList<string> addresses) => addresses.Count switch
    {
        0 => "<none>",
        <= 3 => string.Join(",", addresses),
        _ => $"{string.Join(",", addresses.Take(3))} + {addresses.Count - 3} more...",
    };

    private static Column Text(string name, Func<Resource, string> value) => new(name, "text", 0, (r, _) => value(r), (r, _) => value(r));

    private static Column Of<T>(string name, string type, int priority, Func<T, IComparable?> value, Func<T, string> text) where T : class =>
        new(name, type, priority, (r, _) => r.Spec is T s ? value(s) : null, (r, _) => r.Spec is T s ? text(s) : "");

    /// <summary>
    /// Use, as kubectl top shows it ("250m", "1024Mi"), with its share of a base in brackets: a pod's request
    /// (its limit when it asks for nothing), a node's allocatable. Empty while the cluster reports no use.
    /// Sorted by the amount in use.
    /// </summary>
    private static Column Use<T>(string name, Func<ResourceUsage, long> used, Func<T, long> baseOf, Func<long, string> format) where T : class =>
        new(name, "usage", 0,
            (_, u) => u is null ? null : used(u),
            (r, u) =>
            {
                if (u is null || r.Spec is not T spec)
                {
                    return "";
                }

                var amount = used(u);
                var of = baseOf(spec);
                return of > 0 ? $"{format(amount)} ({(int)Math.Round(100.0 * amount / of)}%)" : format(amount);
            });

    /// <summary>What a pod's use is measured against: its request, else its limit, else nothing.</summary>
    private static long Base(long request, long limit) => request > 0 ? request : limit;

    private static string Cpu(long millicores) => $"{millicores.ToString(CultureInfo.InvariantCulture)}m";

    private static string Memory(long bytes) => $"{(bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)}Mi";

    private static string Amounts(long? cpu, long? memory)
    {
        var parts = new List<string>(2);
        if (cpu > 0)
        {
            parts.Add($"cpu {Cpu(cpu.Value)}");
        }

        if (memory > 0)
        {
            parts.Add($"memory {Memory(memory.Value)}");
        }

        return parts.Count == 0 ? "<none>" : string.Join(", ", parts);
    }

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string NodeStatus(NodeSpecInfo n) => (n.Ready ? "Ready" : "NotReady") + (n.Unschedulable ? ",SchedulingDisabled" : "");

    private static string Hosts(IngressSpecInfo i) => string.Join(",", i.Rules.Select(r => r.Host ?? "*").Distinct());

    private static string Pairs(IReadOnlyDictionary<string, string>? pairs) =>
        pairs is null ? "<none>" : string.Join(",", pairs.Select(p => $"{p.Key}={p.Value}"));
}
