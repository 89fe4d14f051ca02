namespace Dashboard.Shared.Fleet;

public enum ClusterState
{
    Connecting,
    Syncing,
    Live,
    Degraded,
    Unreachable,
}

public enum KindSyncState
{
    Listing,
    Watching,
    Failing,
}

/// <summary>Where a cluster runs: provider (onprem, aws, gcp, azure), environment (dev, staging, prod), region.</summary>
public sealed record ClusterLabels(string Provider, string Environment, string Region);

public sealed record KindStatus(string Kind, KindSyncState State, int Objects, string? Error, DateTime? LastEventUtc);

/// <summary>A cluster as the screens and the REST API show it.</summary>
public sealed record ClusterSummary(
    string Name,
    ClusterLabels Labels,
    ClusterState State,
    string? Version,
    bool EndOfSupport,
    DateTime? LastContact,
    double? ApiLatencyMs,
    string? Error,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<KindStatus> Kinds);
