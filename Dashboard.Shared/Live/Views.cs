namespace Dashboard.Shared.Live;

/// <summary>
/// What a browser asks to see live: one kind across clusters (by name or by label), namespaces, a text
/// filter, a sort, and a window of rows. The server keeps the filtered, sorted set; the browser holds only
/// the window.
/// </summary>
public sealed record ViewQuery(
    string Kind,
    IReadOnlyList<string>? Clusters = null,
    IReadOnlyDictionary<string, string>? ClusterLabels = null,
    IReadOnlyList<string>? Namespaces = null,
    string? Text = null,
    string? Sort = null,
    bool Descending = false,
    int Offset = 0,
    int Count = 50);

/// <summary>A column of a kind's table, like kubectl's (priority 1 = shown only when asked for, as -o wide).</summary>
public sealed record ViewColumn(string Name, string Type, int Priority);

/// <summary>One object as a row: a stable key (cluster/uid), where it lives, and its cells as text.</summary>
public sealed record ViewRow(string Key, string Cluster, string? Namespace, string Name, string Version, IReadOnlyList<string> Cells);

/// <summary>The first answer to a subscription, and the answer to a resubscription after a gap.</summary>
public sealed record ViewSnapshot(
    string SubscriptionId,
    long Sequence,
    int Total,
    int Offset,
    IReadOnlyList<ViewColumn> Columns,
    IReadOnlyList<ViewRow> Rows);

/// <summary>
/// What changed in a view since the sequence before it: the window's keys in order, the rows that are new or
/// changed (the client keeps the others), and the total. Applied strictly in sequence order.
/// </summary>
public sealed record ViewDelta(
    string SubscriptionId,
    long Sequence,
    int Total,
    int Offset,
    IReadOnlyList<string> WindowKeys,
    IReadOnlyList<ViewRow> Changed);

/// <summary>
/// Live totals and health of one cluster, pushed as they change. The counts are of the whole cluster, so a
/// cluster is sent only to users who may see all of it.
/// </summary>
public sealed record ClusterAggregate(
    string Cluster,
    string Provider,
    string Environment,
    string State,
    int NodesReady,
    int NodesTotal,
    IReadOnlyDictionary<string, int> PodsByPhase,
    int UnavailableWorkloads,
    int Warnings,
    string? Version,
    bool EndOfSupport,
    DateTime? LastContactUtc,
    ControlPlaneStatus ControlPlane,
    IReadOnlyDictionary<string, int> NodesByRuntime,
    IReadOnlyDictionary<string, int> NodesByKubeletVersion,
    int Problems);

/// <summary>
/// The control plane as the dashboard sees it: the API server answering (State "Healthy", "Degraded",
/// "Unreachable" or "Unknown" while connecting), its latency, and the control-plane nodes when the cluster
/// shows them (managed clusters do not).
/// </summary>
public sealed record ControlPlaneStatus(string State, double? ApiLatencyMs, int NodesReady, int NodesTotal, string? Error);

/// <summary>
/// Something wrong with one object, for the fleet's problem list: Type is CrashLoop, ImagePull, Restarts,
/// NodeNotReady, Unavailable, DaemonSetMissingNodes or PendingClaim; Severity 3 (critical) to 1 (notice).
/// Plural and Namespace ("-" never: null for cluster-scoped) make the object's detail route.
/// </summary>
public sealed record FleetProblem(
    string Type,
    int Severity,
    string Kind,
    string Plural,
    string Cluster,
    string? Namespace,
    string Name,
    string Detail,
    DateTime? SinceUtc);

/// <summary>
/// The fleet page's live data for one user: the clusters they may see whole, and the most severe, newest
/// problems anywhere in their scope (at most a page of them; ProblemsTotal counts all).
/// </summary>
public sealed record FleetAggregates(long Sequence, IReadOnlyList<ClusterAggregate> Clusters, IReadOnlyList<FleetProblem> Problems, int ProblemsTotal);
