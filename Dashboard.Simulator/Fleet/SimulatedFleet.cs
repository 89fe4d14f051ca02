using System.Globalization;
using System.Text;
using Dashboard.Simulator.Scenarios;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Simulator;

/// <summary>A fleet of simulated clusters on 127.0.0.1 plus the fault-control listener. Start it, use it, dispose it.</summary>
public sealed class SimulatedFleet : IAsyncDisposable
{
    private readonly List<SimulatedCluster> _clusters;
    private readonly FleetActivity _activity;
    private readonly LoopbackListener _control;
    private readonly TlsAuthority _tls;

    private SimulatedFleet(List<SimulatedCluster> clusters, FleetActivity activity, LoopbackListener control, TlsAuthority tls)
    {
        _tls = tls;
        _clusters = clusters;
        _activity = activity;
        _control = control;
    }

    public IReadOnlyList<SimulatedCluster> Clusters => _clusters;

    /// <summary>The fault-control listener (separate from the clusters, so it stays up while a cluster is down).</summary>
    public Uri ControlUri => new($"http://127.0.0.1:{_control.Port}");

    /// <summary>Changes applied so far by load-mode churn.</summary>
    public long Churned => _activity.Churned;

    public SimulatedCluster this[string name] =>
        _clusters.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"no simulated cluster named {name}");

    public static async Task<SimulatedFleet> StartAsync(FleetOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Scenario is not ("hybrid" or "minimal"))
        {
            throw new ArgumentException($"unknown scenario '{options.Scenario}' (known: hybrid, minimal)", nameof(options));
        }

        var loggerFactory = options.Logging ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Dashboard.Simulator");
        var clusters = new List<SimulatedCluster>();
        var loadSets = new Dictionary<SimulatedCluster, List<(string, string, string)>>();
        var random = new Random(options.Seed);
        var tls = TlsAuthority.Create(options.Host);
        try
        {
            var profiles = HybridScenario.Profiles(options.Scenario);
            for (var i = 0; i < profiles.Count; i++)
            {
                var cluster = new SimulatedCluster(profiles[i], options, tls, logger);
                clusters.Add(cluster);
                HybridScenario.Build(cluster);
                var share = (options.Pods / profiles.Count) + (i < options.Pods % profiles.Count ? 1 : 0);
                loadSets[cluster] = LoadScenario.Seed(cluster, share, random);
                await cluster.StartAsync(ct);
                logger.LogInformation("cluster {Name} ({Version}) serves {Server}", cluster.Name, cluster.KubernetesVersion, cluster.Server);
            }

            var activity = new FleetActivity(clusters, loadSets, options.Seed, logger);
            var control = await LoopbackListener.StartAsync(0, new ControlApi(clusters).HandleAsync, ct);
            var fleet = new SimulatedFleet(clusters, activity, control, tls);
            activity.StartRollingUpdates(options.ActivityInterval);
            activity.StartChurn(options.ChurnPerSecond);
            return fleet;
        }
        catch
        {
            foreach (var c in clusters)
            {
                await c.DisposeAsync();
            }

            tls.Dispose();
            throw;
        }
    }

    /// <summary>Starts (or adds) load-mode churn: changes per second spread over the load pods of every cluster.</summary>
    public void StartChurn(double perSecond) => _activity.StartChurn(perSecond);

    /// <summary>Stops the churn, so a test can compare a settled fleet.</summary>
    public void StopChurn() => _activity.StopChurn();

    /// <summary>Writes a kubeconfig with one context per cluster (context name == cluster name), each with its own token.</summary>
    public void WriteKubeconfig(string path)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("apiVersion: v1");
        yaml.AppendLine("kind: Config");
        yaml.AppendLine("preferences: {}");
        yaml.AppendLine("clusters:");
        foreach (var c in _clusters)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"- name: {c.Name}");
            yaml.AppendLine("  cluster:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    server: {c.Server.ToString().TrimEnd('/')}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    certificate-authority-data: {Convert.ToBase64String(Encoding.UTF8.GetBytes(c.CertificateAuthorityPem))}");
        }

        yaml.AppendLine("contexts:");
        foreach (var c in _clusters)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"- name: {c.Name}");
            yaml.AppendLine("  context:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    cluster: {c.Name}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    user: {c.Name}-admin");
        }

        yaml.AppendLine(CultureInfo.InvariantCulture, $"current-context: {_clusters[0].Name}");
        yaml.AppendLine("users:");
        foreach (var c in _clusters)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"- name: {c.Name}-admin");
            yaml.AppendLine("  user:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    token: {c.Token}");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, yaml.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _activity.DisposeAsync();
        await _control.DisposeAsync();
        foreach (var c in _clusters)
        {
            await c.DisposeAsync();
        }

        _tls.Dispose();
    }
}
