namespace Dashboard.Shared.Live;

/// <summary>The route of the one SignalR hub the browser talks to.</summary>
public static class FleetHubRoute
{
    public const string Path = "/hubs/fleet";
}

/// <summary>Methods the browser may call on the server.</summary>
public interface IFleetHub
{
    Task<ServerInfo> GetServerInfo();

    /// <summary>Starts a live view: answers its snapshot, then pushes <see cref="IFleetClient.ViewChanged"/>.</summary>
    Task<ViewSnapshot> Subscribe(ViewQuery query);

    /// <summary>Moves a view's window, or changes its filter or sort; answers a fresh snapshot.</summary>
    Task<ViewSnapshot> ChangeView(string subscriptionId, ViewQuery query);

    /// <summary>
    /// After a reconnect or a gap: continues from the last sequence the client applied when the server still
    /// has what followed it (the missed deltas are sent again), else answers a fresh snapshot.
    /// </summary>
    Task<ViewSnapshot?> Resume(string subscriptionId, long lastSequence, ViewQuery query);

    Task Unsubscribe(string subscriptionId);

    /// <summary>Starts the live per-cluster aggregates: answers them now, then pushes <see cref="IFleetClient.AggregatesChanged"/>.</summary>
    Task<FleetAggregates> SubscribeAggregates();

    /// <summary>From now on pushes <see cref="IFleetClient.AuditAppended"/> for each new audit record the user may see.</summary>
    Task SubscribeAudit();

    /// <summary>
    /// From now on pushes <see cref="IFleetClient.NamespaceChanged"/> when what the topology map draws of this
    /// namespace changes (one namespace per connection; a new call replaces the last). Refused for a namespace
    /// the user may not see.
    /// </summary>
    Task WatchNamespace(string cluster, string @namespace);
}

/// <summary>Methods the server calls on a connected browser.</summary>
public interface IFleetClient
{
    /// <summary>Sent once to each new connection, so the client knows whom it talks to.</summary>
    Task Welcome(ServerInfo server);

    Task ViewChanged(ViewDelta delta);

    Task AggregatesChanged(FleetAggregates aggregates);

    /// <summary>A new audit record the user may see (as GET /api/audit would show it to them).</summary>
    Task AuditAppended(Dashboard.Shared.Audit.AuditRecordView record);

    /// <summary>Something the topology map of this namespace draws changed: read it again.</summary>
    Task NamespaceChanged(NamespaceRef target);

    /// <summary>
    /// Sent just before the server closes this connection because the user's access changed: signed out,
    /// disabled, token revoked (reason "signed-out") or bindings changed (reason "rescoped": reconnect and resume).
    /// </summary>
    Task AccessChanged(string reason);
}

/// <summary>One namespace of one cluster.</summary>
public sealed record NamespaceRef(string Cluster, string Namespace);

public sealed record ServerInfo(string Version, string Instance, DateTime StartedAtUtc, string Database);
