using Dashboard.Server.Clusters;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Live;

/// <summary>Each cluster's labels, cached for the hot path (views test every change against them).</summary>
public sealed class ClusterDirectory(FleetWatcher fleet, TimeProvider time)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    private IReadOnlyDictionary<string, ClusterSummary> _summaries = new Dictionary<string, ClusterSummary>();
    private DateTimeOffset _refreshed = DateTimeOffset.MinValue;

    public IReadOnlyDictionary<string, ClusterSummary> Summaries
    {
        get
        {
            if (time.GetUtcNow() - _refreshed > MaxAge)
            {
                _summaries = fleet.Clusters.Select(fleet.Summarize).ToDictionary(s => s.Name, StringComparer.Ordinal);
                _refreshed = time.GetUtcNow();
            }

            return _summaries;
        }
    }

    /// <summary>Reads the clusters afresh at the next question (after one was added, removed or relabelled).</summary>
    public void Refresh() => _refreshed = DateTimeOffset.MinValue;

    public ClusterLabels? LabelsOf(string cluster) => Summaries.GetValueOrDefault(cluster)?.Labels;

    /// <summary>The kind a view asks for: built-in, or a CRD's (watched from now on).</summary>
    public WatchedKind? Kind(string plural) => fleet.Resolve(plural);
}
