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
/// cluster of 1000 load pods changing 1000 times a second, 100 clients each holding a live view whose
/// window contains changing pods. A direct watch on the simulator stamps each change as it leaves the
/// cluster; each client stamps it as it arrives.
/// </summary>
internal sealed class LatencyBenchmark : IBenchmark
{
    public string Name => "latency";

    public string Description => "change in the simulator -> SignalR client: p50/p99/max at 1k events/s with 100 clients; memory per connection";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        var clients = int.TryParse(Environment.GetEnvironmentVariable("LATENCY_CLIENTS"), out var n) ? n : 100;
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64)); // 100 clients and a simulator share this process
        const double rate = 1000;
        var seconds = run.Quick ? 10 : 30;
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
        try
        {
            var baseUri = server.BaseUri;
            var token = await server.WaitLiveAsync(TimeSpan.FromMinutes(1), cancellationToken);
            var rssBefore = server.Rss();

            var latencies = new ConcurrentBag<double>();
            var connections = new List<HubConnection>();
            for (var i = 0; i < clients; i++)
            {
                var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(baseUri, FleetHubRoute.Path), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                    .AddMessagePackProtocol()
                    .Build();
                var shown = new Dictionary<string, string>(StringComparer.Ordinal); // the versions this client holds
                hub.On<ViewDelta>(nameof(IFleetClient.ViewChanged), delta =>
                {
                    var now = Stopwatch.GetTimestamp();
                    foreach (var row in delta.Changed)
                    {
                        // Only a change to a row the client was showing is a change it waited for; a row that
                        // scrolls into the window carries an older version and is no latency sample.
                        if (shown.TryGetValue(row.Key, out var before) && before != row.Version && leftAt.TryGetValue(row.Version, out var then))
                        {
                            var ms = Stopwatch.GetElapsedTime(then, now).TotalMilliseconds;
                            latencies.Add(ms);
                        }

                        shown[row.Key] = row.Version;
                    }

                    // A row that leaves the window is forgotten: if it comes back, it was changed while out of sight.
                    var window = delta.WindowKeys.ToHashSet(StringComparer.Ordinal);
                    foreach (var key in shown.Keys.Where(k => !window.Contains(k)).ToList())
                    {
                        shown.Remove(key);
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

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var rssWithClients = server.Rss();
            fleet.StartChurn(rate);
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken); // warm up (JIT, connection buffers), then measure
            latencies.Clear();
            var churnedBefore = fleet.Churned;
            var watch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
            var achieved = (fleet.Churned - churnedBefore) / watch.Elapsed.TotalSeconds;
            var samples = latencies.ToArray();
            Array.Sort(samples);
            double P(double q) => samples.Length == 0 ? double.NaN : samples[Math.Min(samples.Length - 1, (int)(q * samples.Length))];
            var perConnection = (rssWithClients - rssBefore) / (double)clients / 1024;
            run.Log($"{samples.Length} samples at {achieved:0} changes/s: p50 {P(0.5):0} ms, p99 {P(0.99):0} ms, max {samples.LastOrDefault():0} ms; {perConnection:0} KiB per connection");

            foreach (var hub in connections)
            {
                await hub.DisposeAsync();
            }

            return
            [
                new("changes applied in the simulator", achieved, "changes/s", "~1000", null),
                new("latency samples (changed rows received)", samples.Length, "", "", null),
                new("latency p50", P(0.5), "ms", "", null),
                new("latency p99", P(0.99), "ms", "<= 250", P(0.99) <= 250),
                new("latency max", samples.LastOrDefault(), "ms", "", null),
                new($"server memory per connection ({clients} clients, RSS)", perConnection, "KiB", "", null),
            ];
        }
        finally
        {
            await stampStop.CancelAsync();
            await stamping;
            server.Dispose();
            dir.Delete(recursive: true);
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
