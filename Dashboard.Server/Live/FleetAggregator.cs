using Dashboard.Server.Access;
using Dashboard.Server.State;
using Dashboard.Shared.Fleet;
using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>Per-cluster totals (nodes ready, pods by phase, unavailable workloads, warnings), recomputed when the fleet changed.</summary>
public sealed class FleetAggregator(FleetStore store, ClusterDirectory clusters)
{
    private long _computedAt = -1;
    private static readonly string[] WorkloadKinds = ["Deployment", "StatefulSet", "DaemonSet"];
    private List<ClusterAggregate> _latest = [];

    public long Sequence { get; private set; }

    /// <summary>The aggregates now (recomputed only if the store changed since the last call).</summary>
    private readonly Lock _gate = new();

    public IReadOnlyList<ClusterAggregate> Current()
    {
        lock (_gate)
        {
            return Refresh();
        }
    }

    private List<ClusterAggregate> Refresh()
    {
        var sequence = store.Sequence;
        var summaries = clusters.Summaries;
        if (sequence != _computedAt || _latest.Count != summaries.Count ||
            _latest.Any(a => summaries.GetValueOrDefault(a.Cluster)?.State.ToString() != a.State))
        {
            _latest = summaries.Values.OrderBy(s => s.Name, StringComparer.Ordinal).Select(Compute).ToList();
            _computedAt = sequence;
            Sequence++;
        }

        return _latest;
    }

    public FleetAggregates For(AccessScope scope) =>
        new(Sequence, Current().Where(a => scope.Allows(a.Cluster, clusters.LabelsOf(a.Cluster), null)).ToList());

    private ClusterAggregate Compute(ClusterSummary cluster)
    {
        var nodes = store.List("Node", cluster.Name).Select(n => n.Spec).OfType<NodeSpecInfo>().ToList();
        var phases = store.List("Pod", cluster.Name).Select(p => p.Spec).OfType<PodSpecInfo>()
            .GroupBy(p => p.Phase).ToDictionary(g => g.Key, g => g.Count());
        var unavailable = WorkloadKinds
            .SelectMany(kind => store.List(kind, cluster.Name))
            .Count(w => w.Spec is WorkloadSpecInfo s && s.Available < s.Desired);
        var warnings = store.List("Event", cluster.Name).Count(e => e.Spec is EventSpecInfo { Type: "Warning" });
        return new ClusterAggregate(cluster.Name, cluster.Labels.Provider, cluster.Labels.Environment, cluster.State.ToString(),
            nodes.Count(n => n.Ready), nodes.Count, phases, unavailable, warnings);
    }
}
