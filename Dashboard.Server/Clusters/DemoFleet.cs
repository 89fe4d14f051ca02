using Dashboard.Simulator;
using k8s;

namespace Dashboard.Server.Clusters;

/// <summary>
/// The embedded default behind `dotnet run`: with no cluster configured at all, the simulator's hybrid fleet
/// runs in this process on loopback and is watched like any real cluster (over HTTP, with its tokens).
/// Clusters:Demo=false turns it off; Demo:Scenario, Demo:Pods and Demo:Churn shape it.
/// </summary>
public sealed class DemoFleet(IConfiguration configuration, ILogger<DemoFleet> logger) : IClusterSource, IAsyncDisposable
{
    private SimulatedFleet? _fleet;

    public SimulatedFleet? Fleet => _fleet;

    public async Task<IReadOnlyList<ClusterEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken)
    {
        if (ClusterSources.AnyConfigured(configuration) || !configuration.GetValue("Clusters:Demo", true))
        {
            return [];
        }

        _fleet = await SimulatedFleet.StartAsync(new FleetOptions
        {
            Scenario = configuration["Demo:Scenario"] ?? "hybrid",
            Pods = configuration.GetValue("Demo:Pods", 0),
            ChurnPerSecond = configuration.GetValue("Demo:Churn", 0.0),
        }, cancellationToken);
        logger.LogInformation("No clusters configured: running the simulated demo fleet ({Clusters}). Set Clusters:Kubeconfigs or KUBECONFIG to watch real clusters",
            string.Join(", ", _fleet.Clusters.Select(c => c.Name)));
        return _fleet.Clusters
            .Select(c => new ClusterEndpoint(c.Name, new KubernetesClientConfiguration
            {
                Host = c.Server.ToString(),
                AccessToken = c.Token,
                SslCaCerts = [c.CertificateAuthority],
            }, null, "embedded demo fleet"))
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (_fleet is not null)
        {
            await _fleet.DisposeAsync();
        }
    }
}
