using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Dashboard.Shared.Live;
using Dashboard.Simulator;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Benchmarks;

/// <summary>
/// Change in the simulator -> received by SignalR clients: the real server process watching a simulated
/// cluster of 1000 load pods, clients each holding a live view whose window contains changing pods. A direct
/// watch on the simulator stamps each change as it leaves the cluster; each client stamps it as it arrives.
/// Measured as a matrix (100, 1k and 5k changes/s with 10, 100 and 1000 clients), then the fan-out: clients
/// added at 1k changes/s for as long as p99 stays within 250 ms.
/// </summary>
internal sealed class LatencyBenchmark : IBenchmark
{
    private const double GoalMs = 250;

    public string Name => "latency";

    public string Description =>
        "change in the simulator -> SignalR client: p50/p99/max at 100, 1k and 5k changes/s with 10, 100 and 1000 clients; " +
        "fan-out (clients held at 1k changes/s with p99 within 250 ms); memory per connection";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64)); // the clients and a simulator share this process
        int[] levels = run.Quick ? [10, 100] : [10, 100, 1000];
        int[] fanOut = run.Quick ? [] : [2000, 3000, 4000];
        double[] rates = [100, 1000, 5000];
        var seconds = run.Quick ? 2 : 8;
        await using var fleet = await SimulatedFleet.StartAsync(
            new FleetOptions { Scenario = "minimal", Pods = 1000, ActivityInterval = TimeSpan.Zero }, cancellationToken);
        var cluster = fleet.Clusters[0];
        var dir = Directory.CreateTempSubdirectory("latency-");
        var kubeconfig = Path.Combine(dir.FullName, "kubeconfig");
        fleet.WriteKubeconfig(kubeconfig);

        // When each change left the cluster, seen by a watch of our own in this process.
        var leftAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var stampStop = new CancellationTokenSource();
        var stamping = StampAsync(cluster, leftAt, stampStop.Token);

        var server = BenchmarkServer.Start(kubeconfig, dir.FullName, ["pods"]);
        var connections = new List<HubConnection>();
        try
        {
            var token = await server.WaitLiveAsync(TimeSpan.FromMinutes(1), cancellationToken);
            var rssBefore = server.Rss();
            var samples = new ConcurrentBag<double>();
            var results = new List<Measurement>();

            async Task<(double Achieved, double[] Sorted)> MeasureAsync(double rate)
            {
                fleet.StartChurn(rate);
                await Task.Delay(TimeSpan.FromSeconds(run.Quick ? 1 : 2), cancellationToken); // warm up, then measure
                samples.Clear();
                var churnedBefore = fleet.Churned;
                var watch = Stopwatch.StartNew();
                await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
                var achieved = (fleet.Churned - churnedBefore) / watch.Elapsed.TotalSeconds;
                var sorted = samples.ToArray();
                fleet.StopChurn();
                Array.Sort(sorted);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken); // let the last batches drain
                return (achieved, sorted);
            }

            foreach (var level in levels)
            {
                await ConnectAsync(server.BaseUri, token, connections, level, leftAt, samples, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                if (level == 100)
                {
                    var perConnection = (server.Rss() - rssBefore) / (double)connections.Count / 1024;
                    results.Add(new($"server memory per connection ({connections.Count} clients, RSS)", perConnection, "KiB", "", null));
                }

                foreach (var rate in rates)
                {
                    var (achieved, sorted) = await MeasureAsync(rate);
                    var (p50, p99, max) = (P(sorted, 0.5), P(sorted, 0.99), sorted.LastOrDefault());
                    run.Log($"{rate:0}/s ({achieved:0} achieved), {level} clients: {sorted.Length} samples, p50 {p50:0} ms, p99 {p99:0} ms, max {max:0} ms");
                    var cell = $"{Rate(rate)} changes/s, {level} clients";
                    var goal = rate == 1000 && level == 100; // the live-push issue's goal
                    results.Add(new($"{cell}: changes applied", achieved, "changes/s", "", null));
                    results.Add(new($"{cell}: latency p50 ({sorted.Length} samples)", p50, "ms", "", null, new("Latency p50 by change rate and clients", $"{Rate(rate)}/s", $"{level} clients")));
                    results.Add(new($"{cell}: latency p99", p99, "ms", goal ? "<= 250" : "", goal ? p99 <= GoalMs : null,
                        new("Latency p99 by change rate and clients", $"{Rate(rate)}/s", $"{level} clients")));
                    results.Add(new($"{cell}: latency max", max, "ms", "", null));
                }
            }

            // Fan-out: the most clients held at 1k changes/s with p99 within the goal. The matrix's cells first;
            // while every level holds, more clients (full run); once one does not, halve the gap between the
            // most held and the fewest not held, down to a step of 50 clients (or a tenth).
            var p99At = levels.ToDictionary(level => level,
                level => results.Single(m => m.What.StartsWith($"1k changes/s, {level} clients: latency p99", StringComparison.Ordinal)).Value);
            async Task<double> FanOutAsync(int level)
            {
                while (connections.Count > level)
                {
                    await connections[^1].DisposeAsync();
                    connections.RemoveAt(connections.Count - 1);
                }

                await ConnectAsync(server.BaseUri, token, connections, level, leftAt, samples, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                for (var attempt = 1; ; attempt++)
                {
                    var (achieved, sorted) = await MeasureAsync(1000);
                    run.Log($"fan-out: {level} clients at {achieved:0} changes/s: p99 {P(sorted, 0.99):0} ms");
                    // A churn still catching up on an overloaded cell before runs faster than asked: not this cell's figure.
                    if (Math.Abs(achieved - 1000) <= 200 || attempt == 3)
                    {
                        return p99At[level] = P(sorted, 0.99);
                    }
                }
            }

            foreach (var level in fanOut.TakeWhile(_ => p99At.Values.All(p => p <= GoalMs)))
            {
                await FanOutAsync(level);
            }

            int Held() => p99At.Where(p => p.Value <= GoalMs).Select(p => p.Key).DefaultIfEmpty(0).Max();
            int? NotHeld() => p99At.Where(p => p.Value > GoalMs).Select(p => (int?)p.Key).Min();
            while (NotHeld() is { } over && over - Held() > Math.Max(50, over / 10))
            {
                await FanOutAsync((Held() + over) / 2 / 10 * 10);
            }

            foreach (var (level, p99) in p99At.OrderBy(p => p.Key))
            {
                results.Add(new($"fan-out: {level} clients at 1k changes/s, latency p99", p99, "ms", "", null, new("Fan-out: latency p99 at 1k changes/s", $"{level} clients")));
            }

            // Clients and simulator share this process and the machine's two cores with the server, so this is a floor.
            results.Insert(0, new($"fan-out: most clients held at 1k changes/s with p99 <= 250 ms (tried {string.Join(", ", p99At.Keys.Order())}; " +
                "the clients run on the same 2 cores as the server)", Held(), "clients", ">= 100", Held() >= 100));
            return results;
        }
        finally
        {
            foreach (var hub in connections)
            {
                await hub.DisposeAsync();
            }

            await stampStop.CancelAsync();
            await stamping;
            server.Dispose();
            dir.Delete(recursive: true);
        }
    }

    private static string Rate(double rate) => rate >= 1000 ? $"{rate / 1000:0.#}k" : $"{rate:0}";

    private static double P(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    /// <summary>Connects clients until there are <paramref name="count"/>, each holding a 50-row window of the load pods.</summary>
    private static async Task ConnectAsync(Uri baseUri, string token, List<HubConnection> connections, int count,
        ConcurrentDictionary<string, long> leftAt, ConcurrentBag<double> samples, CancellationToken cancellationToken)
    {
        while (connections.Count < count)
        {
            var i = connections.Count;
            var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(baseUri, FleetHubRoute.Path), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .AddMessagePackProtocol()
                .Build();
            var shown = new Dictionary<string, string>(StringComparer.Ordinal); // the versions this client holds
            hub.On<ViewDelta>(nameof(IFleetClient.ViewChanged), delta =>
            {
                var now = Stopwatch.GetTimestamp();
                lock (shown)
                {
                    foreach (var row in delta.Changed)
                    {
                        // Only a change to a row the client was showing is a change it waited for; a row that
                        // scrolls into the window carries an older version and is no latency sample.
                        if (shown.TryGetValue(row.Key, out var before) && before != row.Version && leftAt.TryGetValue(row.Version, out var then))
                        {
                            samples.Add(Stopwatch.GetElapsedTime(then, now).TotalMilliseconds);
                        }

                        shown[row.Key] = row.Version;
                    }

                    // A row that leaves the window is forgotten: if it comes back, it was changed while out of sight.
                    var window = delta.WindowKeys.ToHashSet(StringComparer.Ordinal);
                    foreach (var key in shown.Keys.Where(k => !window.Contains(k)).ToList())
                    {
                        shown.Remove(key);
                    }
                }
            });
            await hub.StartAsync(cancellationToken);
            var snapshot = await hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe),
                new ViewQuery("pods", Text: "load-app", Sort: "Name", Offset: (i % 4) * 25, Count: 50), cancellationToken);
            lock (shown)
            {
                foreach (var row in snapshot.Rows)
                {
                    shown.TryAdd(row.Key, row.Version);
                }
            }

            connections.Add(hub);
        }
    }

    private static async Task StampAsync(SimulatedCluster cluster, ConcurrentDictionary<string, long> leftAt, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(cluster.CreateHandler()) { BaseAddress = cluster.Server, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new("Bearer", cluster.Token);
        try
        {
            using var list = JsonDocument.Parse(await http.GetStringAsync("/api/v1/pods?limit=1", cancellationToken));
            var rv = list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();
            await using var stream = await http.GetStreamAsync($"/api/v1/pods?watch=true&resourceVersion={rv}", cancellationToken);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var now = Stopwatch.GetTimestamp();
                using var e = JsonDocument.Parse(line);
                if (e.RootElement.GetProperty("object").GetProperty("metadata").TryGetProperty("resourceVersion", out var version))
                {
                    leftAt[version.GetString()!] = now;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
