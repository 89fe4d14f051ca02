using System.Collections.Concurrent;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.State;

/// <summary>
/// The latest CPU and memory use of nodes and pods, per cluster, as metrics.k8s.io last reported it. A value
/// that did not change keeps its instance, so a reader can tell "changed" by reference; each poll announces
/// the cluster and kind whose values changed.
/// </summary>
public sealed class UsageStore
{
    private readonly ConcurrentDictionary<(string Cluster, string Kind), Dictionary<(string? Namespace, string Name), ResourceUsage>> _latest = new();

    /// <summary>Raised after a poll changed some values of a cluster's kind ("Pod" or "Node").</summary>
    public event Action<string, string>? Changed;

    public void Replace(string cluster, string kind, IReadOnlyList<ResourceUsage> usage)
    {
        var old = _latest.GetValueOrDefault((cluster, kind));
        var next = new Dictionary<(string?, string), ResourceUsage>(usage.Count);
        var changed = old is null ? usage.Count > 0 : old.Count != usage.Count;
        foreach (var u in usage)
        {
            var key = (u.Namespace, u.Name);
            if (old is not null && old.TryGetValue(key, out var before) && before.CpuMillicores == u.CpuMillicores && before.MemoryBytes == u.MemoryBytes)
            {
                next[key] = before;
            }
            else
            {
                next[key] = u;
                changed = true;
            }
        }

        _latest[(cluster, kind)] = next;
        if (changed)
        {
            Changed?.Invoke(cluster, kind);
        }
    }

    /// <summary>A cluster gone: its values go too (and views drop its cells).</summary>
    public void Remove(string cluster)
    {
        foreach (var key in _latest.Keys.Where(k => k.Cluster == cluster).ToList())
        {
            if (_latest.TryRemove(key, out _))
            {
                Changed?.Invoke(cluster, key.Kind);
            }
        }
    }

    public ResourceUsage? Get(string cluster, string kind, string? @namespace, string name) =>
        _latest.TryGetValue((cluster, kind), out var values) && values.TryGetValue((@namespace, name), out var usage) ? usage : null;

    public IReadOnlyList<ResourceUsage> List(string kind, string? cluster = null, string? @namespace = null) =>
        _latest.Where(e => e.Key.Kind == kind && (cluster is null || e.Key.Cluster == cluster))
            .SelectMany(e => e.Value.Values)
            .Where(u => @namespace is null || u.Namespace == @namespace)
            .ToList();
}
