using System.Collections.Concurrent;
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

    // Gauges read every fleet that is alive in the process (one in production; tests may host several). One
    // registration per instrument: exporters keep the first instrument of a name and ignore later ones.
    private static readonly ConcurrentDictionary<object, (Func<IEnumerable<(string, string, int)>> Objects, Func<IEnumerable<(string, string, bool)>> States)> Fleets = new();

    static FleetMetrics()
    {
        Meter.CreateObservableGauge("dashboard_store_objects",
            () => Fleets.Values.SelectMany(f => f.Objects()).Select(o => new Measurement<long>(o.Item3, new("cluster", o.Item1), new("kind", o.Item2))),
            description: "Objects held in the fleet store");
        Meter.CreateObservableGauge("dashboard_cluster_state",
            () => Fleets.Values.SelectMany(f => f.States()).Select(s => new Measurement<long>(s.Item3 ? 1 : 0, new("cluster", s.Item1), new("state", s.Item2))),
            description: "1 for the cluster's current state");
    }

    /// <summary>Adds a fleet's objects and states to the gauges until the returned handle is disposed.</summary>
    public static IDisposable Observe(Func<IEnumerable<(string Cluster, string Kind, int Objects)>> objects,
        Func<IEnumerable<(string Cluster, string State, bool Current)>> states)
    {
        var key = new object();
        Fleets[key] = (objects, states);
        return new Observation(key);
    }

    private sealed class Observation(object key) : IDisposable
    {
        public void Dispose() => Fleets.TryRemove(key, out _);
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
