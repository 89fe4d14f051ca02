using Dashboard.Server.Access;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Server.Live;

/// <summary>The one hub every browser connects to: live views, aggregates, and (later) actions.</summary>
public sealed class FleetHub(
    ServerIdentity identity,
    LiveSubscriptions subscriptions,
    LiveFlusher flusher,
    FleetAggregator aggregator,
    ScopeResolver scopes) : Hub<IFleetClient>, IFleetHub
{
    private string Owner => Context.UserIdentifier ?? Context.User?.Identity?.Name ?? "anonymous";

    private AccessScope Scope => scopes.For(Context.User);

    public override async Task OnConnectedAsync()
    {
        await Clients.Caller.Welcome(identity.Info);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.ConnectionClosed(Context.ConnectionId);
        flusher.ConnectionClosed(Context.ConnectionId);
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
