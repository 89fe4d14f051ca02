using Dashboard.Server.Access;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Server.Live;

/// <summary>The one hub every browser connects to: live views, aggregates, new audit records, and namespace changes (topology).</summary>
public sealed class FleetHub(
    ServerIdentity identity,
    LiveSubscriptions subscriptions,
    LiveFlusher flusher,
    FleetAggregator aggregator,
    RightsStore rights,
    ConnectionGuard guard,
    Audit.AuditFeed auditFeed,
    Topology.NamespaceFeed namespaceFeed,
    ClusterDirectory clusters) : Hub<IFleetClient>, IFleetHub
{
    private const string ScopeItem = "scope";

    /// <summary>The hub's endpoints need a signed-in user (the fallback policy), so there is always one.</summary>
    private string Owner => Context.UserIdentifier ?? throw new HubException("Not signed in.");

    /// <summary>Read once per connection; the guard closes the connection when the user's rights change.</summary>
    private AccessScope Scope => Context.Items[ScopeItem] as AccessScope ?? AccessScope.Nothing;

    public override async Task OnConnectedAsync()
    {
        var current = await rights.ForAsync(Context.User!, Context.ConnectionAborted);
        if (current.Disabled || Context.User?.SessionId() is not { } session)
        {
            Context.Abort();
            return;
        }

        Context.Items[ScopeItem] = current.Scope;
        guard.Add(Context, current.UserId, session, current.Scope.Key);
        await Clients.Caller.Welcome(identity.Info);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        guard.Remove(Context.ConnectionId);
        subscriptions.ConnectionClosed(Context.ConnectionId);
        flusher.ConnectionClosed(Context.ConnectionId);
        auditFeed.ConnectionClosed(Context.ConnectionId);
        namespaceFeed.ConnectionClosed(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    public Task<ServerInfo> GetServerInfo() => Task.FromResult(identity.Info);

    public Task<ViewSnapshot> Subscribe(ViewQuery query) =>
        Task.FromResult(Guard(() => subscriptions.Subscribe(Context.ConnectionId, Owner, query, Scope)));

    public Task<ViewSnapshot> ChangeView(string subscriptionId, ViewQuery query) =>
        Task.FromResult(Guard(() => subscriptions.ChangeView(Context.ConnectionId, Owner, subscriptionId, query, Scope)));

    public async Task<ViewSnapshot?> Resume(string subscriptionId, long lastSequence, ViewQuery query)
    {
        var (missed, snapshot) = Guard(() => subscriptions.Resume(Context.ConnectionId, Owner, subscriptionId, lastSequence, query, Scope));
        foreach (var delta in missed ?? [])
        {
            await Clients.Caller.ViewChanged(delta); // sent before this call's answer, so in order
        }

        return snapshot;
    }

    public Task Unsubscribe(string subscriptionId)
    {
        subscriptions.Unsubscribe(Owner, subscriptionId);
        return Task.CompletedTask;
    }

    public Task<FleetAggregates> SubscribeAggregates()
    {
        var scope = Scope;
        var aggregates = aggregator.For(scope);
        flusher.SubscribeAggregates(Context.ConnectionId, scope, aggregates.Sequence);
        return Task.FromResult(aggregates);
    }

    public Task SubscribeAudit()
    {
        auditFeed.Subscribe(Context.ConnectionId, new Audit.AuditViewer(Owner, Scope));
        return Task.CompletedTask;
    }

    public Task WatchNamespace(string cluster, string @namespace)
    {
        if (!clusters.Summaries.TryGetValue(cluster, out var summary) || !Scope.Allows(cluster, summary.Labels, @namespace))
        {
            throw new HubException($"No namespace '{@namespace}' in a cluster '{cluster}' that you can see.");
        }

        namespaceFeed.Watch(Context.ConnectionId, cluster, @namespace);
        return Task.CompletedTask;
    }

    /// <summary>A bad query is the caller's error, said plainly (SignalR hides other exceptions' messages).</summary>
    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ArgumentException e)
        {
            throw new HubException(e.Message);
        }
    }
}
