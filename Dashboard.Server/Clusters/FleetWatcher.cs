using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Clusters;

/// <summary>
/// Holds one <see cref="ClusterWatch"/> per registered cluster: one list+watch per (cluster, kind) for the
/// whole server, whatever the number of browsers.
/// </summary>
public sealed class FleetWatcher : IHostedService, IAsyncDisposable
{
    private readonly FleetStore _store;
    private readonly Interner _interner;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly IEnumerable<IClusterSource> _extraSources;
    private readonly ILogger<FleetWatcher> _logger;
    private readonly Lock _gate = new();
    private readonly List<ClusterWatch> _clusters = [];
    private readonly IDisposable _gauges;

    public FleetWatcher(FleetStore store, Interner interner, IConfiguration configuration, TimeProvider time,
        IEnumerable<IClusterSource> extraSources, ILogger<FleetWatcher> logger, UsageStore? usage = null)
    {
        Usage = usage ?? new UsageStore();
        _store = store;
        _interner = interner;
        _configuration = configuration;
        _time = time;
        _extraSources = extraSources;
        _logger = logger;
        _gauges = FleetMetrics.Observe(
            () => Clusters.SelectMany(c => c.Health.Kinds.Select(k => (c.Name, k.Kind, store.Count(c.Name, k.Kind)))),
            () => Clusters.SelectMany(c => Enum.GetValues<ClusterState>().Select(s => (c.Name, s.ToString(), c.Health.State == s))));
    }

    public UsageStore Usage { get; }

    public IReadOnlyList<ClusterWatch> Clusters
    {
        get
        {
            lock (_gate)
            {
                return [.. _clusters];
            }
        }
    }

    public ReflectorOptions ReflectorOptions => _configuration.GetSection("Fleet:Watch").Get<ReflectorOptions>() ?? new();

    public IReadOnlyList<WatchedKind> Kinds
    {
        get
        {
            var names = _configuration.GetSection("Fleet:Kinds").Get<List<string>>();
            return names is { Count: > 0 }
                ? WatchedKinds.All.Where(k => names.Contains(k.Plural, StringComparer.OrdinalIgnoreCase)).ToList()
                : WatchedKinds.All;
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoints = new List<ClusterEndpoint>(ClusterSources.Load(_configuration));
        foreach (var source in _extraSources)
        {
            endpoints.AddRange(await source.GetEndpointsAsync(cancellationToken));
        }

        foreach (var endpoint in endpoints)
        {
            Add(endpoint);
        }

        _logger.LogInformation("Watching {Count} clusters: {Names}", endpoints.Count, string.Join(", ", endpoints.Select(e => e.Name)));
    }

    public ClusterWatch Add(ClusterEndpoint endpoint)
    {
        var watch = new ClusterWatch(endpoint, _time);
        lock (_gate)
        {
            _clusters.Add(watch);
        }

        if (endpoint.Error is not null)
        {
            _logger.LogWarning("Cluster {Cluster} is not watched: {Error}", endpoint.Name, endpoint.Error);
        }

        var probe = TimeSpan.FromSeconds(_configuration.GetValue("Fleet:ProbeSeconds", 15));
        var usage = TimeSpan.FromSeconds(_configuration.GetValue("Fleet:UsageSeconds", 20));
        watch.Start(_store, _interner, Kinds, ReflectorOptions, probe, Usage, usage);
        return watch;
    }

    /// <summary>Stops watching a cluster and drops its objects (every live view sees them go).</summary>
    public async Task<bool> RemoveAsync(string name)
    {
        ClusterWatch? watch;
        lock (_gate)
        {
            watch = _clusters.FirstOrDefault(c => c.Name == name);
            if (watch is not null)
            {
                _clusters.Remove(watch);
            }
        }

        if (watch is null)
        {
            return false;
        }

        await watch.DisposeAsync();
        _store.RemoveCluster(name);
        Usage.Remove(name);
        _logger.LogInformation("Stopped watching cluster {Cluster}", name);
        return true;
    }

    public void Relabel(string name, ClusterLabels? labels)
    {
        lock (_gate)
        {
            foreach (var watch in _clusters.Where(c => c.Name == name))
            {
                watch.Endpoint = watch.Endpoint with { Labels = labels };
            }
        }
    }

    /// <summary>
    /// The kind with this plural name: a built-in one, or one that a CRD adds in some clusters. A custom kind is
    /// watched on demand: its reflectors start now, in each cluster that has the CRD.
    /// </summary>
    public WatchedKind? Resolve(string plural)
    {
        if (WatchedKinds.ByPlural.TryGetValue(plural, out var builtIn))
        {
            return builtIn;
        }

        WatchedKind? resolved = null;
        foreach (var crd in _store.List("CustomResourceDefinition"))
        {
            if (crd.Spec is not CustomKindSpecInfo spec || !spec.Plural.Equals(plural, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var kind = WatchedKinds.Custom(spec);
            resolved ??= kind;
            Clusters.FirstOrDefault(c => c.Name == crd.Meta.Cluster)?.Watch(kind, _store, _interner, ReflectorOptions);
        }

        return resolved;
    }

    /// <summary>Waits (a little) until every cluster watching the kind has listed it once.</summary>
    public async Task WaitForFirstSyncAsync(WatchedKind kind, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (_time.GetUtcNow() < deadline &&
               Clusters.SelectMany(c => c.Health.Kinds).Any(k => k.Kind == kind.Kind && !k.EverSynced && k.State != KindSyncState.Failing))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken);
        }
    }

    public ClusterSummary Summarize(ClusterWatch cluster)
    {
        var nodes = _store.List("Node", cluster.Name)
            .Select(n => ((n.Spec as NodeSpecInfo)?.ProviderId, n.Meta.Labels));
        var health = cluster.Health;
        return new ClusterSummary(
            cluster.Name,
            ClusterLabeler.Infer(cluster.Name, cluster.Server, nodes, cluster.Endpoint.Labels),
            health.State,
            health.Version,
            health.EndOfSupport,
            health.LastContactUtc,
            health.ApiLatencyMs,
            health.Error,
            _store.Counts(cluster.Name),
            health.Kinds.Select(k => k.Status(_store.Count(cluster.Name, k.Kind)))
                .OrderBy(k => k.Kind, StringComparer.Ordinal).ToList());
    }

    public Task StopAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        List<ClusterWatch> clusters;
        lock (_gate)
        {
            clusters = [.. _clusters];
            _clusters.Clear();
        }

        await Task.WhenAll(clusters.Select(c => c.DisposeAsync().AsTask()));
        _gauges.Dispose();
    }
}

/// <summary>Clusters that come from elsewhere than configuration (the embedded demo fleet).</summary>
public interface IClusterSource
{
    Task<IReadOnlyList<ClusterEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken);
}
