using System.Collections.Concurrent;
using Dashboard.Server.Access;
using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>Every browser subscription, by id; kept a while after its connection drops so a reconnect can resume.</summary>
public sealed class LiveSubscriptions(ViewRegistry views, TimeProvider time)
{
    public static readonly TimeSpan ResumeWindow = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (ViewSubscription Subscription, string Owner)> _all = new(StringComparer.Ordinal);

    public IEnumerable<ViewSubscription> All => _all.Values.Select(v => v.Subscription);

    public int Count => _all.Count;

    public ViewSnapshot Subscribe(string connectionId, string owner, ViewQuery query, AccessScope scope, string? id = null)
    {
        query = Clamp(query);
        var subscription = new ViewSubscription(id ?? Guid.NewGuid().ToString("N"), connectionId, views.Acquire(query, scope), query);
        _all[subscription.Id] = (subscription, owner);
        return subscription.Snapshot();
    }

    /// <summary>
    /// Builds a view and its first window as a subscription does, then forgets both (nothing stays cached): the
    /// first real view after a start then finds its code compiled (see <see cref="LiveWarmUp"/>).
    /// </summary>
    public ViewSnapshot WarmUp(ViewQuery query)
    {
        query = Clamp(query);
        var view = views.Acquire(query, AccessScope.Everything);
        try
        {
            return new ViewSubscription("warm-up", "warm-up", view, query).Snapshot();
        }
        finally
        {
            views.Discard(view);
        }
    }

    public ViewSnapshot ChangeView(string connectionId, string owner, string id, ViewQuery query, AccessScope scope)
    {
        var subscription = Find(id, owner);
        subscription.ConnectionId = connectionId;
        query = Clamp(query);
        var old = subscription.Retarget(views.Acquire(query, scope), query);
        views.Release(old);
        return subscription.Snapshot();
    }

    /// <summary>The missed batches when all are still held (an empty list: nothing was missed), else a fresh snapshot.</summary>
    public (IReadOnlyList<ViewDelta>? Missed, ViewSnapshot? Snapshot) Resume(string connectionId, string owner, string id, long lastSequence, ViewQuery query, AccessScope scope)
    {
        if (!_all.TryGetValue(id, out var entry) || entry.Owner != owner)
        {
            return (null, Subscribe(connectionId, owner, query, scope, _all.ContainsKey(id) ? null : id));
        }

        var subscription = entry.Subscription;
        subscription.ConnectionId = connectionId;
        subscription.OrphanedAt = null;
        if (subscription.View.ScopeKey != scope.Key)
        {
            // The user's rights changed while away: nothing of the old view may be replayed.
            return (null, ChangeView(connectionId, owner, id, subscription.Query, scope));
        }

        return subscription.Since(lastSequence) is { } missed ? (missed, null) : (null, subscription.Snapshot());
    }

    public void Unsubscribe(string owner, string id)
    {
        if (_all.TryGetValue(id, out var entry) && entry.Owner == owner && _all.TryRemove(id, out _))
        {
            views.Release(entry.Subscription.View);
        }
    }

    public void ConnectionClosed(string connectionId)
    {
        foreach (var subscription in All.Where(s => s.ConnectionId == connectionId))
        {
            subscription.OrphanedAt = time.GetUtcNow();
        }
    }

    /// <summary>Drops subscriptions whose browser did not come back in time, and views nobody came back to.</summary>
    public void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (id, entry) in _all)
        {
            if (entry.Subscription.OrphanedAt is { } since && now - since > ResumeWindow && _all.TryRemove(id, out _))
            {
                views.Release(entry.Subscription.View);
            }
        }

        views.Sweep();
    }

    private ViewSubscription Find(string id, string owner) =>
        _all.TryGetValue(id, out var entry) && entry.Owner == owner
            ? entry.Subscription
            : throw new ArgumentException($"No subscription '{id}'", nameof(id));

    private static ViewQuery Clamp(ViewQuery query) =>
        query with { Offset = Math.Max(0, query.Offset), Count = Math.Clamp(query.Count, 1, 500) };
}
