using System.Diagnostics.Metrics;

namespace Dashboard.Server.Watching;

/// <summary>The fleet's instruments (System.Diagnostics.Metrics), exported for Prometheus at /metrics.</summary>
public static class FleetMetrics
{
    public const string MeterName = "Dashboard.Fleet";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> WatchEventsCounter = Meter.CreateCounter<long>("dashboard_watch_events", description: "Watch events applied");
    private static readonly Counter<long> RelistsCounter = Meter.CreateCounter<long>("dashboard_relists", description: "Lists after the first (410 Gone and the like)");
    private static readonly Counter<long> WatchErrorsCounter = Meter.CreateCounter<long>("dashboard_watch_errors", description: "Failed lists and watches");

    /// <summary>
    /// The gauges of one fleet, on a meter of its own (disposed with the fleet, so a gone fleet leaves no
    /// series behind).
    /// </summary>
    public static Meter Gauges(Func<IEnumerable<(string Cluster, string Kind, int Objects)>> objects,
        Func<IEnumerable<(string Cluster, string State, bool Current)>> states)
    {
        var meter = new Meter(MeterName);
        meter.CreateObservableGauge("dashboard_store_objects",
            () => objects().Select(o => new Measurement<long>(o.Objects, new("cluster", o.Cluster), new("kind", o.Kind))),
            description: "Objects held in the fleet store");
        meter.CreateObservableGauge("dashboard_cluster_state",
            () => states().Select(s => new Measurement<long>(s.Current ? 1 : 0, new("cluster", s.Cluster), new("state", s.State))),
            description: "1 for the cluster's current state");
        return meter;
    }

    public static void WatchEvents(string cluster, string kind, int count) =>
        WatchEventsCounter.Add(count, new("cluster", cluster), new("kind", kind));

    public static void Relists(string cluster, string kind, bool relist)
    {
        if (relist)
        {
            RelistsCounter.Add(1, new("cluster", cluster), new("kind", kind));
        }
    }

    public static void WatchErrors(string cluster, string kind) =>
        WatchErrorsCounter.Add(1, new("cluster", cluster), new("kind", kind));
}
