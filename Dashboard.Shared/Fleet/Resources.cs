namespace Dashboard.Shared.Fleet;

// Slim projections of Kubernetes objects: what the screens need, not whole objects. Every string in them
// came from a cluster and is untrusted text. Labels and other repeated values are shared instances.

public sealed record OwnerRef(string Kind, string Name, string Uid);

/// <summary>What every object has.</summary>
public sealed record Meta(
    string Cluster,
    string? Namespace,
    string Name,
    string Uid,
    string ResourceVersion,
    DateTime? CreatedUtc,
    IReadOnlyDictionary<string, string> Labels,
    OwnerRef? Owner);

/// <summary>One projected object: its metadata and, per kind, a record of what the screens show.</summary>
public sealed record Resource(string Kind, Meta Meta, object? Spec);

public sealed record PodSpecInfo(
    string Phase,
    string? Reason,
    int ReadyContainers,
    int TotalContainers,
    int Restarts,
    string? Node,
    string? PodIp,
    IReadOnlyList<string> Images,
    DateTime? StartedUtc,
    bool Ready,
    string? QosClass,
    ComputeResources? Resources = null);

/// <summary>
/// What a pod's containers ask for and may use at most, summed over its containers (0 = not set), as
/// kubectl describe shows them: CPU in millicores, memory in bytes.
/// </summary>
public sealed record ComputeResources(long CpuRequestMilli, long CpuLimitMilli, long MemoryRequestBytes, long MemoryLimitBytes);

public sealed record NodeSpecInfo(
    bool Ready,
    bool Unschedulable,
    string? KubeletVersion,
    string? ContainerRuntime,
    string? OsImage,
    string? ProviderId,
    string? InternalIp,
    IReadOnlyList<string> Roles,
    string? CpuCapacity,
    string? MemoryCapacity,
    string? CpuAllocatable = null,
    string? MemoryAllocatable = null);

public sealed record WorkloadSpecInfo(
    int Desired,
    int Ready,
    int Updated,
    int Available,
    IReadOnlyDictionary<string, string> Selector,
    IReadOnlyList<string> Images,
    string? Revision);

public sealed record ServicePort(string? Name, string Protocol, int Port, string? TargetPort, int? NodePort);

public sealed record ServiceSpecInfo(
    string Type,
    string? ClusterIp,
    IReadOnlyList<string> ExternalAddresses,
    IReadOnlyList<ServicePort> Ports,
    IReadOnlyDictionary<string, string>? Selector);

public sealed record EndpointsSpecInfo(IReadOnlyList<string> ReadyAddresses, IReadOnlyList<string> NotReadyAddresses, IReadOnlyList<string> TargetPods);

public sealed record IngressRule(string? Host, string Path, string ServiceName, string? ServicePort);

public sealed record IngressSpecInfo(string? ClassName, IReadOnlyList<IngressRule> Rules, IReadOnlyList<string> Addresses, IReadOnlyList<string> TlsHosts);

public sealed record VolumeClaimSpecInfo(string Phase, string? VolumeName, string? StorageClass, string? Capacity, IReadOnlyList<string> AccessModes);

public sealed record VolumeSpecInfo(string Phase, string? ClaimNamespace, string? ClaimName, string? StorageClass, string? Capacity, string? ReclaimPolicy);

public sealed record AutoscalerSpecInfo(string TargetKind, string TargetName, int? MinReplicas, int MaxReplicas, int CurrentReplicas, int DesiredReplicas, int? CurrentCpuPercent, int? TargetCpuPercent);

public sealed record EventSpecInfo(string Type, string Reason, string Message, string InvolvedKind, string InvolvedName, string? InvolvedNamespace, int Count, DateTime? LastSeenUtc, string? Source);

public sealed record JobSpecInfo(int? Completions, int Succeeded, int Failed, int Active, DateTime? CompletedUtc, string? Schedule, bool? Suspend, DateTime? LastScheduleUtc);

/// <summary>Kinds with nothing to show beyond a few named values (ConfigMaps: key count; Secrets: type and key count, never data).</summary>
public sealed record GenericSpecInfo(IReadOnlyDictionary<string, string> Fields);

/// <summary>CPU and memory in use, from the cluster's metrics.k8s.io (what `kubectl top` shows).</summary>
public sealed record ResourceUsage(string Cluster, string? Namespace, string Name, long CpuMillicores, long MemoryBytes, DateTime? TimestampUtc);

/// <summary>A column a CRD asks kubectl to print for its objects (additionalPrinterColumns).</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, int Priority);

/// <summary>A CustomResourceDefinition: the kind it adds and how its objects are shown.</summary>
public sealed record CustomKindSpecInfo(string Group, string Kind, string Plural, bool Namespaced, string Version, IReadOnlyList<PrinterColumn> Columns);
