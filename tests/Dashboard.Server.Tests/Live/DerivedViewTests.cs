using Dashboard.Server.Access;
using Dashboard.Server.Clusters;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Server.Tests.Fleet;
using Dashboard.Shared.Live;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Server.Tests.Live;

/// <summary>
/// A filter typed on (shop -> shop-1) is made from the view in use with the shorter text, without a sort:
/// it must hold exactly what a view made from the whole store holds, in the same order, and stay live.
/// </summary>
public sealed class DerivedViewTests : IAsyncLifetime
{
    private readonly LiveHarness _live = new();

    private FakeTimeProvider _time => _live.Time;

    private FleetStore _store => _live.Store;

    private Interner _interner => _live.Interner;

    private FleetWatcher _watcher => _live.Watcher;

    private ViewRegistry _views => _live.Views;

    private LiveSubscriptions _subscriptions => _live.Subscriptions;

    public Task InitializeAsync()
    {
        var random = new Random(7);
        for (var i = 0; i < 400; i++)
        {
            _store.Upsert(Objects.Pod($"{(i % 3 == 0 ? "shop" : "cart")}-{random.Next(100)}-{i}", $"uid-{i}", node: $"node-{random.Next(5)}", interner: _interner));
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _live.DisposeAsync();

    private static List<string> Keys(ViewSnapshot s) => [.. s.Rows.Select(r => r.Key)];

    [Theory]
    [InlineData(null, false)]
    [InlineData("Node", true)]
    public void Typing_on_gives_what_a_fresh_view_gives(string? sort, bool descending)
    {
        var snapshot = _subscriptions.Subscribe("c1", "alice", new ViewQuery("pods", Sort: sort, Descending: descending, Count: 500), AccessScope.Everything);
        var id = snapshot.SubscriptionId;
        foreach (var text in new[] { "s", "sh", "SHOP", "shop-1", "shop-1-" })
        {
            var typed = _subscriptions.ChangeView("c1", "alice", id, new ViewQuery("pods", Text: text, Sort: sort, Descending: descending, Count: 500), AccessScope.Everything);

            using var fresh = new ViewRegistry(_store, new ClusterDirectory(_watcher, _time));
            var expected = new LiveSubscriptions(fresh, _time)
                .Subscribe("c2", "bob", new ViewQuery("pods", Text: text, Sort: sort, Descending: descending, Count: 500), AccessScope.Everything);
            Assert.Equal(Keys(expected), Keys(typed));
            Assert.Equal(expected.Total, typed.Total);
            Assert.NotEqual(0, typed.Total);
        }

        // Still live: a new match appears in its place, a deleted one goes.
        _store.Upsert(Objects.Pod("shop-1-new", "uid-new", interner: _interner));
        _store.Delete("aws-prod", "Pod", _store.List("Pod").First(p => p.Meta.Name.StartsWith("shop-1-", StringComparison.Ordinal) && p.Meta.Uid != "uid-new").Meta.Uid);
        var delta = _subscriptions.All.Single().NextDelta()!;
        var now = _store.List("Pod").Where(p => p.Meta.Name.Contains("shop-1-", StringComparison.Ordinal)).ToList();
        Assert.Equal(now.Count, delta.Total);
        Assert.Contains("aws-prod/uid-new", delta.WindowKeys);
    }

    [Fact]
    public void A_view_left_by_everyone_is_kept_live_a_while_for_whoever_comes_back()
    {
        var query = new ViewQuery("pods", Sort: "Node");
        var first = _views.Acquire(query, AccessScope.Everything);
        _views.Release(first);
        _store.Upsert(Objects.Pod("while-away", "uid-away", interner: _interner));

        _time.Advance(ViewRegistry.KeepIdle / 2);
        _views.Sweep();
        var again = _views.Acquire(query, AccessScope.Everything);
        Assert.Same(first, again);
        Assert.Equal(401, again.Total); // it kept up while nobody watched

        _views.Release(again);
        _time.Advance(ViewRegistry.KeepIdle);
        _views.Sweep();
        Assert.NotSame(first, _views.Acquire(query, AccessScope.Everything));
    }

    [Fact]
    public void A_large_view_is_sorted_as_a_small_one_is()
    {
        var store = new FleetStore();
        var random = new Random(11);
        var template = Objects.Pod("template", "uid-t", interner: _interner);
        for (var i = 0; i < 30_000; i++)
        {
            var name = $"p-{random.Next(1_000_000):D6}-{i}";
            store.Upsert(template with { Meta = template.Meta with { Name = name, Uid = $"u{i}" } });
        }

        using var views = new ViewRegistry(store, new ClusterDirectory(_watcher, _time));
        var view = views.Acquire(new ViewQuery("pods", Descending: true), AccessScope.Everything);

        var (rows, total, _) = view.Window(0, 30_000);
        Assert.Equal(30_000, total);
        Assert.Equal(store.List("Pod").Select(p => p.Meta.Name).OrderDescending(StringComparer.OrdinalIgnoreCase), rows.Select(r => r.Name));
    }
}
