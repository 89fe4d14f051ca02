using System.Globalization;
using Dashboard.Server.Access;
using Dashboard.Server.State;
using Dashboard.Shared.Fleet;
using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>
/// The fleet page's data: per cluster its health, version, nodes, pods by phase, unavailable workloads and
/// warnings, and the problems anywhere. The store is read again only when it changed, at most twice a second
/// (the flusher asks once a second); each scope's filtered answer is kept until the next change, so users
/// with equal grants share it.
/// </summary>
public sealed class FleetAggregator(FleetStore store, ClusterDirectory clusters, TimeProvider? time = null)
{
    /// <summary>Problems sent to a browser at most; the rest are counted.</summary>
    public const int ProblemPage = 50;

    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(500);
    private static readonly string[] WorkloadKinds = ["Deployment", "StatefulSet", "DaemonSet"];
    private static readonly IReadOnlyDictionary<string, int> NoCounts = new Dictionary<string, int>();

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FleetAggregates> _byScope = new(StringComparer.Ordinal);
    private long _storeSequence = -1;
    private DateTimeOffset _computedAt = DateTimeOffset.MinValue;
    private string _healthKey = "";
    private Dictionary<string, ClusterCounts> _counts = new(StringComparer.Ordinal);
    private List<FleetProblem> _problems = [];
    private List<ClusterAggregate> _latest = [];

    /// <summary>Goes up whenever what is sent changed (for anyone).</summary>
    public long Sequence { get; private set; }

    /// <summary>Every cluster's aggregate now, unfiltered (recomputed only if the fleet changed).</summary>
    public IReadOnlyList<ClusterAggregate> Current()
    {
        lock (_gate)
        {
            Refresh();
            return _latest;
        }
    }

    /// <summary>
    /// What this scope may see: the clusters it sees whole (a namespace-limited grant gets no whole-cluster
    /// counts), and the problems in the clusters and namespaces it may read.
    /// </summary>
    public FleetAggregates For(AccessScope scope)
    {
        lock (_gate)
        {
            Refresh();
            if (_byScope.TryGetValue(scope.Key, out var cached))
            {
                return cached;
            }

            var summaries = clusters.Summaries;
            var visible = _latest.Where(a => scope.Allows(a.Cluster, summaries.GetValueOrDefault(a.Cluster)?.Labels, null)).ToList();
            var problems = _problems.Where(p => scope.Allows(p.Cluster, summaries.GetValueOrDefault(p.Cluster)?.Labels, p.Namespace)).ToList();
            var answer = new FleetAggregates(Sequence, visible, problems.Take(ProblemPage).ToList(), problems.Count);
            _byScope[scope.Key] = answer;
            return answer;
        }
    }

    private void Refresh()
    {
        var summaries = clusters.Summaries;
        var now = _time.GetUtcNow();
        var storeChanged = store.Sequence != _storeSequence &&
                           (now - _computedAt >= MinimumInterval || _storeSequence < 0 || now < _computedAt);
        var clustersChanged = _counts.Count != summaries.Count || summaries.Keys.Any(name => !_counts.ContainsKey(name));
        if (storeChanged || clustersChanged)
        {
            _storeSequence = store.Sequence;
            _computedAt = now;
            _counts = summaries.Values.ToDictionary(s => s.Name, s => Count(s.Name), StringComparer.Ordinal);
            _problems = [.. FleetProblems.Ordered(_counts.Values.SelectMany(c => c.Problems))];
        }

        var healthKey = HealthKey(summaries.Values);
        if (storeChanged || clustersChanged || healthKey != _healthKey)
        {
            _healthKey = healthKey;
            _latest = summaries.Values.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => Aggregate(s, _counts[s.Name])).ToList();
            _byScope.Clear();
            Sequence++;
        }
    }

    /// <summary>What of the clusters' health is sent: a change in it is news even when no object changed.</summary>
    private static string HealthKey(IEnumerable<ClusterSummary> summaries) =>
        string.Join('\n', summaries.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => string.Join('|',
            s.Name, s.Labels.Provider, s.Labels.Environment, s.State, s.Version, s.EndOfSupport,
            s.LastContact?.Ticks.ToString(CultureInfo.InvariantCulture), s.ApiLatencyMs?.ToString(CultureInfo.InvariantCulture), s.Error)));

    private ClusterCounts Count(string cluster)
    {
        var nodes = store.List("Node", cluster);
        var pods = store.List("Pod", cluster);
        var nodeSpecs = nodes.Select(n => n.Spec).OfType<NodeSpecInfo>().ToList();
        var controlPlane = nodeSpecs.Where(n => n.Roles.Any(r => r is "control-plane" or "master")).ToList();
        return new ClusterCounts(
            nodeSpecs.Count(n => n.Ready),
            nodeSpecs.Count,
            controlPlane.Count(n => n.Ready),
            controlPlane.Count,
            pods.Select(p => p.Spec).OfType<PodSpecInfo>().GroupBy(p => p.Phase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            WorkloadKinds.SelectMany(kind => store.List(kind, cluster)).Count(w => w.Spec is WorkloadSpecInfo s && s.Available < s.Desired),
            store.List("Event", cluster).Count(e => e.Spec is EventSpecInfo { Type: "Warning" }),
            Tally(nodeSpecs.Select(n => n.ContainerRuntime)),
            Tally(nodeSpecs.Select(n => n.KubeletVersion)),
            [.. FleetProblems.In(store, cluster, pods, nodes)]);
    }

    private static ClusterAggregate Aggregate(ClusterSummary cluster, ClusterCounts counts)
    {
        var controlPlane = new ControlPlaneStatus(
            ControlPlaneState(cluster.State, counts),
            cluster.ApiLatencyMs,
            counts.ControlPlaneReady,
            counts.ControlPlaneTotal,
            cluster.Error);
        return new ClusterAggregate(cluster.Name, cluster.Labels.Provider, cluster.Labels.Environment, cluster.State.ToString(),
            counts.NodesReady, counts.NodesTotal, counts.PodsByPhase, counts.UnavailableWorkloads, counts.Warnings,
            cluster.Version, cluster.EndOfSupport, cluster.LastContact, controlPlane, counts.NodesByRuntime, counts.NodesByKubeletVersion,
            counts.Problems.Count);
    }

    private static string ControlPlaneState(ClusterState state, ClusterCounts counts) => state switch
    {
        ClusterState.Connecting => "Unknown",
        ClusterState.Unreachable => "Unreachable",
        _ when counts.ControlPlaneReady < counts.ControlPlaneTotal => "Degraded",
        _ => "Healthy",
    };

    private static IReadOnlyDictionary<string, int> Tally(IEnumerable<string?> values)
    {
        var tally = values.Select(v => string.IsNullOrEmpty(v) ? "unknown" : v)
            .GroupBy(v => v, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return tally.Count == 0 ? NoCounts : tally;
    }

    private sealed record ClusterCounts(
        int NodesReady,
        int NodesTotal,
        int ControlPlaneReady,
        int ControlPlaneTotal,
        IReadOnlyDictionary<string, int> PodsByPhase,
        int UnavailableWorkloads,
        int Warnings,
        IReadOnlyDictionary<string, int> NodesByRuntime,
        IReadOnlyDictionary<string, int> NodesByKubeletVersion,
        IReadOnlyList<FleetProblem> Problems);
}
