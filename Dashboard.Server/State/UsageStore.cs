using System.Collections.Concurrent;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.State;

/// <summary>The latest CPU and memory use of nodes and pods, per cluster, as metrics.k8s.io last reported it.</summary>
public sealed class UsageStore
{
    private readonly ConcurrentDictionary<(string Cluster, string Kind), IReadOnlyList<ResourceUsage>> _latest = new();

    public void Replace(string cluster, string kind, IReadOnlyList<ResourceUsage> usage) => _latest[(cluster, kind)] = usage;

    public IReadOnlyList<ResourceUsage> List(string kind, string? cluster = null, string? @namespace = null) =>
        _latest.Where(e => e.Key.Kind == kind && (cluster is null || e.Key.Cluster == cluster))
            .SelectMany(e => e.Value)
            .Where(u => @namespace is null || u.Namespace == @namespace)
            .ToList();
}
