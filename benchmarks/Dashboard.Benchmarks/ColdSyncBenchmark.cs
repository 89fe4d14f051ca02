using System.Diagnostics;
using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Simulator;
using k8s;

namespace Dashboard.Benchmarks;

/// <summary>
/// Cold sync of one simulated cluster of 50k pods: from nothing to every pod in the fleet store through the
/// product's reflector (paged list over HTTPS, then watching), beside kubectl's own `get pods -A -o name`.
/// </summary>
internal sealed class ColdSyncBenchmark : IBenchmark
{
    public string Name => "coldsync";

    public string Description => "cold sync of a 50k-pod cluster: product reflector vs kubectl get pods -A -o name";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        var pods = run.Quick ? 15_000 : 50_000;
        await using var fleet = await SimulatedFleet.StartAsync(
            new FleetOptions { Scenario = "minimal", Pods = pods, ActivityInterval = TimeSpan.Zero }, cancellationToken);
        var cluster = fleet.Clusters[0];
        var total = cluster.Count("pods");
        var dir = Directory.CreateTempSubdirectory("coldsync-");
        var kubeconfig = Path.Combine(dir.FullName, "kubeconfig");
        fleet.WriteKubeconfig(kubeconfig);
        run.Log($"{cluster.Name}: {total} pods");

        var store = new FleetStore();
        var health = new ClusterHealth(cluster.Name, TimeProvider.System);
        var tracker = health.Track("Pod");
        using var api = new KubeApi(new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, currentContext: cluster.Name)));
        var reflector = new Reflector(cluster.Name, WatchedKinds.ByPlural["pods"], api, store, new Interner(), tracker, new ReflectorOptions(), TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var running = reflector.RunAsync(stop.Token);
        while (!tracker.EverSynced)
        {
            await Task.Delay(5, cancellationToken);
        }

        watch.Stop();
        await stop.CancelAsync();
        await running;
        var synced = store.Count(cluster.Name, "Pod");
        run.Log($"product: {synced} pods in the store after {watch.Elapsed.TotalSeconds:F2} s");

        var results = new List<Measurement>
        {
            new($"product cold sync of {synced} pods (list + project + store)", watch.Elapsed.TotalSeconds, "s", "<= 5", watch.Elapsed.TotalSeconds <= 5 && synced >= pods,
                new($"Cold sync of {synced / 1000}k pods", "product")),
            new("product sync rate", synced / watch.Elapsed.TotalSeconds, "pods/s", "", null),
        };

        {
            var kubectl = Stopwatch.StartNew();
            using var process = Process.Start(new ProcessStartInfo("/usr/bin/kubectl",
                ["--kubeconfig", kubeconfig, "--context", cluster.Name, "--cache-dir", Path.Combine(dir.FullName, "cache"), "get", "pods", "-A", "-o", "name"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var lines = 0;
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is not null)
            {
                lines++;
            }

            await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
            kubectl.Stop();
            run.Log($"kubectl: {lines} names in {kubectl.Elapsed.TotalSeconds:F2} s (exit {process.ExitCode})");
            results.Add(new($"kubectl get pods -A -o name (client-go), same cluster ({lines} names)", kubectl.Elapsed.TotalSeconds, "s", "", null,
                new($"Cold sync of {synced / 1000}k pods", "kubectl get pods -A -o name")));
            results.Add(new("kubectl / product", kubectl.Elapsed.TotalSeconds / watch.Elapsed.TotalSeconds, "x", "", null));
        }

        dir.Delete(recursive: true);
        return results;
    }
}
