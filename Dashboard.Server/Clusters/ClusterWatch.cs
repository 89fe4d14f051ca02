using Dashboard.Server.State;
using Dashboard.Server.Watching;
using k8s;

namespace Dashboard.Server.Clusters;

/// <summary>One cluster being watched: its health, a reflector per kind, and a periodic /version probe.</summary>
public sealed class ClusterWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly TimeProvider _time;
    private readonly HashSet<string> _watched = new(StringComparer.OrdinalIgnoreCase);
    private KubeApi? _api;

    public ClusterWatch(ClusterEndpoint endpoint, TimeProvider time)
    {
        Endpoint = endpoint;
        _time = time;
        Health = new ClusterHealth(endpoint.Name, time) { ConfigurationError = endpoint.Error };
    }

    /// <summary>Replaced only to change the labels an administrator set.</summary>
    public ClusterEndpoint Endpoint { get; set; }

    public string Name => Endpoint.Name;

    public ClusterHealth Health { get; }

    /// <summary>The cluster's API client (null while it has no usable configuration): for reads beyond the watches.</summary>
    public KubeApi? Api => _api;

    public Uri? Server => _api?.BaseUri ?? (Endpoint.Config?.Host is { } host ? new Uri(host) : null);

    public void Start(FleetStore store, Interner interner, IEnumerable<WatchedKind> kinds, ReflectorOptions options, TimeSpan probeInterval,
        UsageStore usage, TimeSpan usageInterval)
    {
        if (Endpoint.Config is null)
        {
            return; // nothing to watch: the configuration error is what the screens show
        }

        try
        {
            _api = new KubeApi(new Kubernetes(Endpoint.Config));
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or UriFormatException or InvalidOperationException
                                      or System.Security.Cryptography.CryptographicException)
        {
            Health.ConfigurationError = $"{Endpoint.Source} cannot be used: {e.Message}";
            return;
        }

        _tasks.Add(ProbeAsync(probeInterval, _stop.Token));
        var poller = new UsagePoller(Name, _api, usage, Health, usageInterval, _time);
        _tasks.Add(Task.Run(() => poller.RunAsync(_stop.Token)));
        foreach (var kind in kinds)
        {
            Watch(kind, store, interner, options);
        }
    }

    /// <summary>Starts a list+watch of the kind in this cluster, unless one runs already.</summary>
    public void Watch(WatchedKind kind, FleetStore store, Interner interner, ReflectorOptions options)
    {
        lock (_watched)
        {
            if (_api is null || _stop.IsCancellationRequested || !_watched.Add(kind.Plural))
            {
                return;
            }

            var reflector = new Reflector(Name, kind, _api, store, interner, Health.Track(kind.Kind), options, _time);
            _tasks.Add(Task.Run(() => reflector.RunAsync(_stop.Token)));
        }
    }

    private async Task ProbeAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                Health.Version = await _api!.GetJsonAsync("/version", v => v.Str("gitVersion"), cancellationToken);
                Health.ProbeError = null;
                Health.Contacted(_api.LastLatency);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException or System.Text.Json.JsonException
                                          or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Health.ProbeError = e switch
                {
                    HttpRequestException { InnerException: System.Security.Authentication.AuthenticationException tls } =>
                        $"TLS with {_api!.BaseUri} failed (is the cluster's certificate authority in the kubeconfig?): {tls.Message}",
                    HttpRequestException { InnerException: { } inner } => $"{_api!.BaseUri} cannot be reached: {inner.Message}",
                    _ => e.Message,
                };
            }

            try
            {
                await Task.Delay(interval, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task[] tasks;
        lock (_watched)
        {
            tasks = [.. _tasks];
        }

        try
        {
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or KubeApiException or HttpRequestException)
        {
            // stopping: the loops end on cancellation; a last failed request is of no interest now
        }

        _api?.Dispose();
        _stop.Dispose();
    }
}
