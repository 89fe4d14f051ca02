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

/// <summary>Live totals for one cluster, pushed as they change.</summary>
public sealed record ClusterAggregate(
    string Cluster,
    string Provider,
    string Environment,
    string State,
    int NodesReady,
    int NodesTotal,
    IReadOnlyDictionary<string, int> PodsByPhase,
    int UnavailableWorkloads,
    int Warnings);

public sealed record FleetAggregates(long Sequence, IReadOnlyList<ClusterAggregate> Clusters);
