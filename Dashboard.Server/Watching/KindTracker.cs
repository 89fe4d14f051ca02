using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Watching;

/// <summary>The sync state of one (cluster, kind), fed by its reflector; also counts for /metrics.</summary>
public sealed class KindTracker(string cluster, string kind, ClusterHealth health, TimeProvider time)
{
    private readonly Lock _gate = new();

    public string Kind => kind;

    public KindSyncState State { get; private set; } = KindSyncState.Listing;

    public bool EverSynced { get; private set; }

    public string? Error { get; private set; }

    private long _eventsTotal;
    private long _lastEventTicks;

    public DateTime? LastEventUtc => Interlocked.Read(ref _lastEventTicks) is var t and > 0 ? new DateTime(t, DateTimeKind.Utc) : null;

    public long EventsTotal => Interlocked.Read(ref _eventsTotal);

    public long RelistsTotal { get; private set; }

    public long ErrorsTotal { get; private set; }

    public void Listing(bool relist)
    {
        lock (_gate)
        {
            if (relist)
            {
                RelistsTotal++;
            }

            if (!EverSynced)
            {
                State = KindSyncState.Listing;
            }
        }

        FleetMetrics.Relists(cluster, kind, relist);
    }

    public void Watching()
    {
        lock (_gate)
        {
            State = KindSyncState.Watching;
            EverSynced = true;
            Error = null;
        }
    }

    /// <summary>One watch event applied (called on the hot path: no lock unless the state changes).</summary>
    public void Event()
    {
        Interlocked.Increment(ref _eventsTotal);
        Interlocked.Exchange(ref _lastEventTicks, time.GetUtcNow().UtcTicks);
        if (State != KindSyncState.Watching)
        {
            lock (_gate)
            {
                State = KindSyncState.Watching;
                Error = null;
            }
        }

        FleetMetrics.WatchEvents(cluster, kind, 1);
        health.Contacted(null);
    }

    public void Expired(string message)
    {
        lock (_gate)
        {
            Error = message;
        }
    }

    public void Failed(string message, TimeSpan retryIn)
    {
        lock (_gate)
        {
            ErrorsTotal++;
            State = KindSyncState.Failing;
            Error = $"{message} (retrying in {retryIn.TotalSeconds:0.#} s)";
        }

        FleetMetrics.WatchErrors(cluster, kind);
    }

    public void Contact(TimeSpan? latency) => health.Contacted(latency);

    /// <summary>The kind's state; how many objects it has is the store's to say.</summary>
    public KindStatus Status(int objects)
    {
        lock (_gate)
        {
            return new KindStatus(Kind, State, objects, Error, LastEventUtc);
        }
    }
}
