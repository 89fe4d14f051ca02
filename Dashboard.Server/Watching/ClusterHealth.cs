using System.Collections.Concurrent;
using Dashboard.Server.Clusters;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Watching;

/// <summary>How one cluster is doing: per-kind sync state, last contact, API latency, version.</summary>
public sealed class ClusterHealth(string cluster, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, KindTracker> _kinds = new(StringComparer.Ordinal);
    private long _lastContactTicks;
    private double? _latencyMs;

    public string Cluster { get; } = cluster;

    public string? Version { get; set; }

    /// <summary>A problem that stops the cluster from being watched at all (bad kubeconfig, bad credentials file).</summary>
    public string? ConfigurationError { get; set; }

    /// <summary>Why CPU/memory use is not known (no metrics server, or its last answer failed), else null.</summary>
    public string? UsageError { get; set; }

    /// <summary>The last failure of the periodic /version probe, cleared by a success.</summary>
    public string? ProbeError { get; set; }

    public DateTime? LastContactUtc => Interlocked.Read(ref _lastContactTicks) is var t and > 0 ? new DateTime(t, DateTimeKind.Utc) : null;

    public double? ApiLatencyMs => _latencyMs;

    public IReadOnlyCollection<KindTracker> Kinds => (IReadOnlyCollection<KindTracker>)_kinds.Values;

    public KindTracker Track(string kind) => _kinds.GetOrAdd(kind, k => new KindTracker(Cluster, k, this, time));

    public void Contacted(TimeSpan? latency)
    {
        Interlocked.Exchange(ref _lastContactTicks, time.GetUtcNow().UtcTicks);
        if (latency is { } l)
        {
            _latencyMs = Math.Round(l.TotalMilliseconds, 1);
        }
    }

    public ClusterState State
    {
        get
        {
            if (ConfigurationError is not null)
            {
                return ClusterState.Unreachable;
            }

            var kinds = _kinds.Values.ToList();
            var failing = kinds.Count(k => k.State == KindSyncState.Failing);
            if (kinds.Count == 0 || LastContactUtc is null)
            {
                return failing > 0 || ProbeError is not null ? ClusterState.Unreachable : ClusterState.Connecting;
            }

            if (failing == kinds.Count || (failing > 0 && ProbeError is not null))
            {
                return ClusterState.Unreachable;
            }

            if (failing > 0)
            {
                return ClusterState.Degraded;
            }

            return kinds.Any(k => k.State == KindSyncState.Listing) ? ClusterState.Syncing : ClusterState.Live;
        }
    }

    public string? Error =>
        ConfigurationError ?? ProbeError ?? _kinds.Values.Where(k => k.Error is not null && k.State == KindSyncState.Failing)
            .Select(k => $"{k.Kind}: {k.Error}").FirstOrDefault();

    public bool EndOfSupport => KubernetesReleases.IsOutOfSupport(Version, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
}
