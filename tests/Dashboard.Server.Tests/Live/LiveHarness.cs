using Dashboard.Server.Clusters;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Server.Tests.Live;

/// <summary>The live-view pipeline without a server: a store, its views and subscriptions, use figures, a fake clock.</summary>
internal sealed class LiveHarness : IAsyncDisposable
{
    public LiveHarness()
    {
        Watcher = new FleetWatcher(Store, Interner, new ConfigurationBuilder().Build(), Time, [], NullLogger<FleetWatcher>.Instance, Usage);
        Directory = new ClusterDirectory(Watcher, Time);
        Views = new ViewRegistry(Store, Directory, Usage, time: Time);
        Subscriptions = new LiveSubscriptions(Views, Time);
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public FleetStore Store { get; } = new();

    public Interner Interner { get; } = new();

    public UsageStore Usage { get; } = new();

    public FleetWatcher Watcher { get; }

    public ClusterDirectory Directory { get; }

    public ViewRegistry Views { get; }

    public LiveSubscriptions Subscriptions { get; }

    public async ValueTask DisposeAsync()
    {
        Views.Dispose();
        await Watcher.DisposeAsync();
    }
}
