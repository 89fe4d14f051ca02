using Dashboard.Simulator;

namespace Dashboard.Simulator.Tests;

/// <summary>
/// A simulator that serves other machines (the compose demo: --address 0.0.0.0 --advertise simulator) names
/// itself by that host in the kubeconfig and in its server certificate. kubectl is the referee.
/// </summary>
public sealed class AdvertisedHostTests
{
    [Fact]
    public async Task A_fleet_advertised_under_a_host_name_writes_it_into_the_kubeconfig_and_its_certificate()
    {
        await using var fleet = await SimulatedFleet.StartAsync(new FleetOptions { Scenario = "minimal", Host = "simulator.example", ActivityInterval = TimeSpan.Zero });
        var cluster = fleet.Clusters[0];
        using var kubectl = new Kubectl(fleet, "1.33");

        Assert.Equal("simulator.example", cluster.Server.Host);
        Assert.Contains($"server: https://simulator.example:{cluster.Server.Port}", await File.ReadAllTextAsync(kubectl.Kubeconfig), StringComparison.Ordinal);

        // The name resolves nowhere here: connect to loopback (where a test's listener is) and have kubectl verify the certificate for that name.
        var (code, output, errors) = await kubectl.RunAsync(cluster.Name,
            $"--server https://127.0.0.1:{cluster.Server.Port} --tls-server-name simulator.example get namespaces -o name");
        Assert.True(code == 0, errors);
        Assert.Contains("namespace/default", output, StringComparison.Ordinal);

        var (refused, _, refusal) = await kubectl.RunAsync(cluster.Name,
            $"--server https://127.0.0.1:{cluster.Server.Port} --tls-server-name elsewhere.example get namespaces -o name");
        Assert.NotEqual(0, refused);
        Assert.Contains("elsewhere.example", refusal, StringComparison.Ordinal);
    }
}
