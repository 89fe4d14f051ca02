using Dashboard.Server.Access;
using Dashboard.Server.Clusters;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Server.Tests.Fleet;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Server.Tests.Live;

/// <summary>
/// A browser that stops taking what is sent: the server keeps at most one batch on its way to it, makes no
/// more while that one is stuck, and afterwards sends one batch with the latest state, not a backlog.
/// </summary>
public sealed class SlowConsumerTests
{
    [Fact]
    public async Task A_stuck_send_holds_back_further_batches_and_the_next_one_carries_the_latest_state()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new FleetStore();
        var interner = new Interner();
        var configuration = new ConfigurationBuilder().Build();
        await using var watcher = new FleetWatcher(store, interner, configuration, time, [], NullLogger<FleetWatcher>.Instance);
        var clusters = new ClusterDirectory(watcher, time);
        using var views = new ViewRegistry(store, clusters);
        var subscriptions = new LiveSubscriptions(views, time);
        var browser = new StuckBrowser();
        using var flusher = new LiveFlusher(subscriptions, new FleetAggregator(store, clusters), new FakeHubContext(browser), time,
            NullLogger<LiveFlusher>.Instance);
        await flusher.StartAsync(CancellationToken.None);
        var snapshot = subscriptions.Subscribe("connection-1", "alice", new ViewQuery("pods", Count: 100), AccessScope.Everything);
        var subscription = subscriptions.All.Single();

        for (var round = 0; round < 50; round++)
        {
            for (var i = 0; i < 40; i++)
            {
                store.Upsert(Objects.Pod($"pod-{i:D2}", $"uid-{i}", rv: $"{(round * 40) + i + 10}", interner: interner));
            }

            time.Advance(LiveFlusher.BatchInterval);
            await Task.Yield();
        }

        Assert.Equal(1, browser.Received); // the first batch is stuck; nothing else was even made
        Assert.Equal(snapshot.Sequence + 1, subscription.Sequence);
        Assert.True(subscription.Sending);
        Assert.True(subscription.HasChanges);

        browser.Release();
        await WaitAsync(() => browser.Received == 2, time);

        var latest = browser.Last!;
        Assert.Equal(snapshot.Sequence + 2, latest.Sequence);
        Assert.Equal(40, latest.Total);
        Assert.All(latest.Changed, row => Assert.Equal(store.Get("aws-prod", "Pod", "prod", row.Name)!.Meta.ResourceVersion, row.Version));
        await flusher.StopAsync(CancellationToken.None);
    }

    private static async Task WaitAsync(Func<bool> condition, FakeTimeProvider time)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            time.Advance(LiveFlusher.BatchInterval);
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private sealed class StuckBrowser : IFleetClient
    {
        private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _received;

        public int Received => Volatile.Read(ref _received);

        public ViewDelta? Last { get; private set; }

        public Task AccessChanged(string reason) => Task.CompletedTask;

        public void Release()
        {
            var gate = _gate;
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _gate.SetResult();
            gate.SetResult();
        }

        public Task ViewChanged(ViewDelta delta)
        {
            Last = delta;
            Interlocked.Increment(ref _received);
            return _gate.Task;
        }

        public Task Welcome(ServerInfo server) => Task.CompletedTask;

        public Task AggregatesChanged(FleetAggregates aggregates) => Task.CompletedTask;

        public Task AuditAppended(Dashboard.Shared.Audit.AuditRecordView record) => Task.CompletedTask;

        public Task NamespaceChanged(NamespaceRef target) => Task.CompletedTask;
    }

    private sealed class FakeHubContext(IFleetClient client) : IHubContext<FleetHub, IFleetClient>
    {
        public IHubClients<IFleetClient> Clients { get; } = new FakeClients(client);

        public IGroupManager Groups => throw new NotSupportedException();
    }

    private sealed class FakeClients(IFleetClient client) : IHubClients<IFleetClient>
    {
        public IFleetClient All => client;

        public IFleetClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => client;

        public IFleetClient Client(string connectionId) => client;

        public IFleetClient Clients(IReadOnlyList<string> connectionIds) => client;

        public IFleetClient Group(string groupName) => client;

        public IFleetClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => client;

        public IFleetClient Groups(IReadOnlyList<string> groupNames) => client;

        public IFleetClient User(string userId) => client;

        public IFleetClient Users(IReadOnlyList<string> userIds) => client;
    }
}
