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

    public DateTime? LastEventUtc { get; private set; }

    public int Objects { get; private set; }

    public long EventsTotal { get; private set; }

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

    public void Watching(int objects)
    {
        lock (_gate)
        {
            State = KindSyncState.Watching;
            EverSynced = true;
            Error = null;
            Objects = objects;
        }
    }

    public void Events(int count, int objects)
    {
        lock (_gate)
        {
            EventsTotal += count;
            Objects = objects;
            LastEventUtc = time.GetUtcNow().UtcDateTime;
            State = KindSyncState.Watching;
            Error = null;
        }

        FleetMetrics.WatchEvents(cluster, kind, count);
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

    public KindStatus Status()
    {
        lock (_gate)
        {
            return new KindStatus(Kind, State, Objects, Error, LastEventUtc);
        }
    }
}
