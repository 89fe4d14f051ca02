using Dashboard.Server.Access;
using Dashboard.Server.Clusters;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Server.Tests.Fleet;
using Dashboard.Shared.Fleet;
using Dashboard.Shared.Live;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Server.Tests.Live;

/// <summary>
/// CPU and memory use changes without its pod changing: the rows whose use changed reach the browser
/// (a new row version), the others do not, and a table sorted by use is sorted again.
/// </summary>
public sealed class UsageViewTests : IAsyncLifetime
{
    private readonly LiveHarness _live = new();

    private FakeTimeProvider _time => _live.Time;

    private FleetStore _store => _live.Store;

    private Interner _interner => _live.Interner;

    private UsageStore _usage => _live.Usage;

    private FleetWatcher _watcher => _live.Watcher;

    private ViewRegistry _views => _live.Views;

    private LiveSubscriptions _subscriptions => _live.Subscriptions;

    public Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            _store.Upsert(Objects.Pod($"pod-{i}", $"uid-{i}", interner: _interner));
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _live.DisposeAsync();

    private void Report(params (string Pod, long Cpu)[] pods) =>
        _usage.Replace("aws-prod", "Pod", [.. pods.Select(p => new ResourceUsage("aws-prod", "prod", p.Pod, p.Cpu, 64L << 20, null))]);

    [Fact]
    public void Rows_show_use_when_it_arrives_and_only_changed_rows_are_sent_again()
    {
        var snapshot = _subscriptions.Subscribe("c1", "alice", new ViewQuery("pods"), AccessScope.Everything);
        var cpu = snapshot.Columns.ToList().FindIndex(c => c.Name == "CPU");
        var subscription = _subscriptions.All.Single();
        Assert.All(snapshot.Rows, r => Assert.Equal("", r.Cells[cpu]));

        Report(("pod-0", 10), ("pod-1", 20), ("pod-2", 30));
        var first = subscription.NextDelta()!;
        Assert.Equal(["pod-0", "pod-1", "pod-2"], first.Changed.Select(r => r.Name));
        Assert.Equal(["10m", "20m", "30m"], first.Changed.Select(r => r.Cells[cpu]));

        Report(("pod-0", 10), ("pod-1", 25), ("pod-2", 30));
        var second = subscription.NextDelta()!;
        Assert.Equal("pod-1", Assert.Single(second.Changed).Name);
        Assert.Equal("25m", second.Changed[0].Cells[cpu]);

        Report(("pod-0", 10), ("pod-1", 25), ("pod-2", 30));
        Assert.Null(subscription.NextDelta()); // the same figures again: nothing to send
    }

    [Fact]
    public void A_table_sorted_by_cpu_follows_the_use()
    {
        Report(("pod-0", 30), ("pod-1", 10), ("pod-2", 20));
        var snapshot = _subscriptions.Subscribe("c1", "alice", new ViewQuery("pods", Sort: "CPU", Descending: true), AccessScope.Everything);
        Assert.Equal(["pod-0", "pod-2", "pod-1"], snapshot.Rows.Select(r => r.Name));

        Report(("pod-0", 30), ("pod-1", 90), ("pod-2", 20));
        var delta = _subscriptions.All.Single().NextDelta()!;

        Assert.Equal(["aws-prod/uid-1", "aws-prod/uid-0", "aws-prod/uid-2"], delta.WindowKeys);
    }

    [Fact]
    public void A_removed_cluster_takes_its_figures_with_it()
    {
        Report(("pod-0", 30));
        var snapshot = _subscriptions.Subscribe("c1", "alice", new ViewQuery("pods"), AccessScope.Everything);
        var cpu = snapshot.Columns.ToList().FindIndex(c => c.Name == "CPU");
        Assert.Equal("30m", snapshot.Rows.Single(r => r.Name == "pod-0").Cells[cpu]);

        _usage.Remove("aws-prod");

        Assert.Equal("", _subscriptions.All.Single().NextDelta()!.Changed.Single().Cells[cpu]);
    }
}
