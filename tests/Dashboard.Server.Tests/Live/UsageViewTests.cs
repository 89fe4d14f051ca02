using Dashboard.Server.Access;
using Dashboard.Server.Clusters;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Server.Tests.Fleet;
using Dashboard.Shared.Fleet;
using Dashboard.Shared.Live;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Server.Tests.Live;

/// <summary>
/// CPU and memory use changes without its pod changing: the rows whose use changed reach the browser
/// (a new row version), the others do not, and a table sorted by use is sorted again.
/// </summary>
public sealed class UsageViewTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FleetStore _store = new();
    private readonly Interner _interner = new();
    private readonly UsageStore _usage = new();
    private FleetWatcher _watcher = null!;
    private ViewRegistry _views = null!;
    private LiveSubscriptions _subscriptions = null!;

    public Task InitializeAsync()
    {
        _watcher = new FleetWatcher(_store, _interner, new ConfigurationBuilder().Build(), _time, [], NullLogger<FleetWatcher>.Instance, _usage);
        _views = new ViewRegistry(_store, new ClusterDirectory(_watcher, _time), _usage);
        _subscriptions = new LiveSubscriptions(_views, _time);
        for (var i = 0; i < 3; i++)
        {
            _store.Upsert(Objects.Pod($"pod-{i}", $"uid-{i}", interner: _interner));
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _views.Dispose();
        await _watcher.DisposeAsync();
    }

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
