namespace Dashboard.Shared.Fleet;

// The detail of one object (GET /api/objects/{plural}/{cluster}/{namespace}/{name}): read from the cluster
// when asked, with its relations and events from the fleet store. Every string came from a cluster and is
// untrusted text. A Secret's values are never part of it.

/// <summary>Where another object's detail page is: the route /resources/{Plural}/{Cluster}/{Namespace or -}/{Name}.</summary>
public sealed record ObjectLink(string Kind, string? Plural, string Cluster, string? Namespace, string Name);

/// <summary>What every object has; <paramref name="Projection"/> is the store's per-kind record (PodSpecInfo, ...), if the store holds the object.</summary>
public sealed record ObjectSummary(
    string Kind,
    string Plural,
    string ApiVersion,
    string Cluster,
    string? Namespace,
    string Name,
    string Uid,
    string? ResourceVersion,
    DateTime? CreatedUtc,
    DateTime? DeletingSinceUtc,
    object? Projection);

public sealed record ObjectCondition(string Type, string Status, string? Reason, string? Message, DateTime? LastTransitionUtc);

public sealed record OwnerReference(ObjectLink Owner, string Uid, bool Controller);

/// <summary>
/// A container of a pod, or of a workload's pod template (then <paramref name="Ready"/>, <paramref name="Restarts"/>
/// and <paramref name="State"/> are null: a template runs nothing).
/// </summary>
public sealed record ContainerDetail(
    string Name,
    string Image,
    bool Init,
    bool? Ready,
    int? Restarts,
    string? State,
    string? StateReason,
    DateTime? StartedUtc,
    string? LastTerminationReason,
    int? LastExitCode);

/// <summary>
/// A link to a related object, from the store: <paramref name="Relation"/> names the group it is shown in (Owner,
/// Owned, ReplicaSet, Pod, Ready pod, Unready pod, Route, Service, Node, Volume, Claim, Scale target, Autoscaler,
/// Address); <paramref name="Target"/> is null for what is no object (a selectorless Service's endpoint address).
/// </summary>
public sealed record RelatedObject(string Relation, ObjectLink? Target, string? Detail);

public sealed record ObjectEvent(string Type, string Reason, string Message, int Count, DateTime? LastSeenUtc, string? Source);

public sealed record ResourceDetail(
    ObjectSummary Summary,
    IReadOnlyList<ObjectCondition> Conditions,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyList<OwnerReference> Owners,
    IReadOnlyList<ContainerDetail> Containers,
    IReadOnlyList<RelatedObject> Relations,
    IReadOnlyList<ObjectEvent> Events);
