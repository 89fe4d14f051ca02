using System.Collections.Concurrent;
using Dashboard.Server.Access;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Server.Live;

/// <summary>
/// Sends what changed, in batches: every 100 ms each subscription with news gets one delta (never two at
/// once: the next waits until the browser has taken the previous), and every second the aggregates go to
/// those who asked for them.
/// </summary>
public sealed class LiveFlusher(
    LiveSubscriptions subscriptions,
    FleetAggregator aggregator,
    IHubContext<FleetHub, IFleetClient> hub,
    TimeProvider time,
    ILogger<LiveFlusher> logger) : BackgroundService
{
    public static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan AggregateInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (AccessScope Scope, long Sent)> _aggregateSubscribers = new(StringComparer.Ordinal);

    public void SubscribeAggregates(string connectionId, AccessScope scope, long sent) => _aggregateSubscribers[connectionId] = (scope, sent);

    public void ConnectionClosed(string connectionId) => _aggregateSubscribers.TryRemove(connectionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(BatchInterval, time);
        var lastAggregates = time.GetUtcNow();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                FlushViews();
                if (time.GetUtcNow() - lastAggregates >= AggregateInterval)
                {
                    lastAggregates = time.GetUtcNow();
                    FlushAggregates();
                    subscriptions.Sweep();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Sending live changes failed");
            }
        }
    }

    private void FlushViews()
    {
        foreach (var subscription in subscriptions.All)
        {
            if (subscription.Sending || subscription.OrphanedAt is not null || !subscription.HasChanges)
            {
                continue;
            }

            if (subscription.NextDelta() is not { } delta)
            {
                continue;
            }

            subscription.Sending = true;
            _ = SendAsync(subscription, delta);
        }
    }

    private async Task SendAsync(ViewSubscription subscription, ViewDelta delta)
    {
        try
        {
            await hub.Clients.Client(subscription.ConnectionId).ViewChanged(delta);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The connection is going away; a resume picks up from the sequence the browser has.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A live batch for subscription {Subscription} could not be sent", subscription.Id);
        }
        finally
        {
            subscription.Sending = false;
        }
    }

    private void FlushAggregates()
    {
        if (_aggregateSubscribers.IsEmpty)
        {
            return;
        }

        aggregator.Current();
        foreach (var (connectionId, (scope, sent)) in _aggregateSubscribers)
        {
            if (sent == aggregator.Sequence)
            {
                continue;
            }

            _aggregateSubscribers[connectionId] = (scope, aggregator.Sequence);
            _ = hub.Clients.Client(connectionId).AggregatesChanged(aggregator.For(scope));
        }
    }
}
