using System.Collections.Concurrent;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Server.Topology;

/// <summary>
/// "Something in this namespace changed": pushed to the hub connections watching one namespace of one cluster
/// (the topology map), at most every <see cref="Every"/>, when an object the map draws changes there (or a
/// node of that cluster). The signal carries no object: the page reads the map again through the REST API,
/// which applies the reader's scope; watching a namespace the reader may not see is refused.
/// </summary>
public sealed class NamespaceFeed : IDisposable
{
    internal static readonly TimeSpan Every = TimeSpan.FromMilliseconds(300);
    private static readonly HashSet<string> Drawn = new(StringComparer.Ordinal) { "Ingress", "Service", "Deployment", "ReplicaSet", "Pod", "Node", "Namespace" };

    private readonly ConcurrentDictionary<string, Watcher> _watchers = new(StringComparer.Ordinal);
    private readonly IHubContext<FleetHub, IFleetClient> _hub;
    private readonly TimeProvider _time;
    private readonly ILogger<NamespaceFeed> _logger;
    private readonly IDisposable _subscription;

    public NamespaceFeed(FleetStore store, IHubContext<FleetHub, IFleetClient> hub, TimeProvider time, ILogger<NamespaceFeed> logger)
    {
        (_hub, _time, _logger) = (hub, time, logger);
        _subscription = store.Subscribe(OnChange, out _);
    }

    public void Watch(string connectionId, string cluster, string @namespace)
    {
        var watcher = new Watcher(this, connectionId, cluster, @namespace);
        if (_watchers.TryGetValue(connectionId, out var old))
        {
            old.Dispose();
        }

        _watchers[connectionId] = watcher;
    }

    public void ConnectionClosed(string connectionId)
    {
        if (_watchers.TryRemove(connectionId, out var watcher))
        {
            watcher.Dispose();
        }
    }

    /// <summary>Runs under the store's lock: only marks the watchers concerned.</summary>
    private void OnChange(FleetChange change)
    {
        var resource = change.Resource;
        if (_watchers.IsEmpty || !Drawn.Contains(resource.Kind))
        {
            return;
        }

        foreach (var watcher in _watchers.Values)
        {
            if (watcher.Cluster == resource.Meta.Cluster &&
                (resource.Kind == "Node" || resource.Meta.Namespace == watcher.Namespace || (resource.Kind == "Namespace" && resource.Meta.Name == watcher.Namespace)))
            {
                watcher.Changed();
            }
        }
    }

    public void Dispose()
    {
        _subscription.Dispose();
        foreach (var watcher in _watchers.Values)
        {
            watcher.Dispose();
        }
    }

    /// <summary>One connection's namespace; a burst of changes is one signal, sent <see cref="Every"/> after its first change.</summary>
    private sealed class Watcher(NamespaceFeed feed, string connectionId, string cluster, string @namespace) : IDisposable
    {
        private ITimer? _timer;
        private int _pending;

        public string Cluster { get; } = cluster;

        public string Namespace { get; } = @namespace;

        public void Changed()
        {
            if (Interlocked.Exchange(ref _pending, 1) == 0)
            {
                _timer?.Dispose();
                _timer = feed._time.CreateTimer(_ => _ = SendAsync(), null, Every, Timeout.InfiniteTimeSpan);
            }
        }

        private async Task SendAsync()
        {
            Interlocked.Exchange(ref _pending, 0);
            try
            {
                await feed._hub.Clients.Client(connectionId).NamespaceChanged(new NamespaceRef(Cluster, Namespace));
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
            {
                // the connection is going away
            }
            catch (Exception e)
            {
                feed._logger.LogWarning(e, "A namespace change could not be pushed to connection {Connection}", connectionId);
            }
        }

        public void Dispose() => _timer?.Dispose();
    }
}
