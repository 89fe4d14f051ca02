using System.Globalization;
using Dashboard.Simulator.Store;
using Microsoft.Extensions.Logging;

namespace Dashboard.Simulator.Scenarios;

/// <summary>Keeps the fleet alive: occasional rolling updates (demo) and E changes per second on load pods (load mode).</summary>
internal sealed class FleetActivity : IAsyncDisposable
{
    private static readonly string[] ShopApps = ["storefront", "orders-api", "payments"];
    private readonly CancellationTokenSource _stop = new();
    private CancellationTokenSource? _churn;
    private readonly List<Task> _tasks = [];
    private readonly IReadOnlyList<SimulatedCluster> _clusters;
    private readonly Dictionary<SimulatedCluster, List<(string Ns, string Name, string Uid)>> _loadSets;
    private readonly Random _random;
    private readonly ILogger _logger;
    private long _churned;

    public FleetActivity(IReadOnlyList<SimulatedCluster> clusters, Dictionary<SimulatedCluster, List<(string, string, string)>> loadSets, int seed, ILogger logger)
    {
        _clusters = clusters;
        _loadSets = loadSets;
        _random = new Random(seed);
        _logger = logger;
    }

    public long Churned => Interlocked.Read(ref _churned);

    public void StartRollingUpdates(TimeSpan interval)
    {
        if (interval > TimeSpan.Zero)
        {
            _tasks.Add(Task.Run(() => RollingUpdatesAsync(interval, _stop.Token)));
        }
    }

    public void StartChurn(double perSecond)
    {
        if (perSecond > 0 && _loadSets.Values.Any(s => s.Count > 0))
        {
            StopChurn();
            _churn = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var token = _churn.Token;
            _tasks.Add(Task.Run(() => ChurnAsync(perSecond, token)));
        }
    }

    /// <summary>Ends the churn started by <see cref="StartChurn"/>; changes in flight finish first.</summary>
    public void StopChurn()
    {
        _churn?.Cancel();
        _churn = null;
    }

    private async Task RollingUpdatesAsync(TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            var cluster = _clusters[_random.Next(_clusters.Count)];
            var app = ShopApps[_random.Next(ShopApps.Length)];
            try
            {
                cluster.RestartDeployment("shop", app);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogDebug(e, "rolling update skipped");
            }
        }
    }

    private async Task ChurnAsync(double perSecond, CancellationToken ct)
    {
        var clusters = _loadSets.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key).ToList();
        var tick = TimeSpan.FromMilliseconds(50);
        using var timer = new PeriodicTimer(tick);
        var started = DateTimeOffset.UtcNow;
        long done = 0;
        while (await timer.WaitForNextTickAsync(ct))
        {
            var due = (long)((DateTimeOffset.UtcNow - started).TotalSeconds * perSecond);
            try
            {
                done = ApplyChanges(clusters, done, due);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One failed change must not stop the load; the next tick goes on.
                _logger.LogWarning(e, "churn change failed");
                done = due;
            }
        }
    }

    private long ApplyChanges(List<SimulatedCluster> clusters, long done, long due)
    {
        for (; done < due; done++)
        {
            var cluster = clusters[(int)(done % clusters.Count)];
            var sets = _loadSets[cluster];
            var (ns, _, uid) = sets[Random.Shared.Next(sets.Count)];
            var pods = cluster.Store.OwnedBy(uid);
            if (pods.Count == 0)
            {
                continue;
            }

            var pod = pods[Random.Shared.Next(pods.Count)];
            if (Random.Shared.NextDouble() < 0.1)
            {
                try
                {
                    cluster.Store.Delete(BuiltInKinds.Pod, ns, pod.Name);
                }
                catch (ApiException)
                {
                    // Raced with the controller.
                }
            }
            else
            {
                var n = Interlocked.Increment(ref _churned);
                cluster.Store.Mutate(BuiltInKinds.Pod, ns, pod.Name, p =>
                {
                    var annotations = Controllers.Nodes.Obj(p["metadata"]!, "annotations");
                    annotations["simulator.dashboard.io/churn"] = n.ToString(CultureInfo.InvariantCulture);
                    return true;
                });
            }
        }

        return done;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var t in _tasks)
        {
            try
            {
                await t;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        _stop.Dispose();
    }
}
