using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Shared.Actions;
using Dashboard.Shared.Audit;
using Dashboard.Simulator;
using Dashboard.Testing;

namespace Dashboard.Server.Tests.Actions;

/// <summary>
/// PostgreSQL stopped in the middle of a run: an action is refused with a clear error and never reaches the
/// cluster; once PostgreSQL is back nothing audited before is lost, the chain holds, and actions work again.
/// </summary>
public sealed class ActionAuditDownTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("actions-down-");
    private PrivatePostgres _postgres = null!;
    private SimulatedFleet _fleet = null!;
    private DashboardFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PrivatePostgres.StartAsync();
        _fleet = await SimulatedFleet.StartAsync(new FleetOptions());
        var kubeconfig = Path.Combine(_dir.FullName, "kubeconfig");
        _fleet.WriteKubeconfig(kubeconfig);
        _factory = new DashboardFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = _postgres.ConnectionString,
            ["Clusters:Kubeconfigs:0"] = kubeconfig,
        });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _fleet.DisposeAsync();
        await _postgres.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private int Replicas(string cluster) =>
        (int)JsonNode.Parse(_fleet[cluster].GetJson("deployments", "shop", "payments", "apps")!)!["spec"]!["replicas"]!;

    [Fact]
    public async Task An_action_with_the_database_down_is_refused_and_nothing_reaches_the_cluster()
    {
        using var http = await _factory.AdminClientAsync();
        const string cluster = "aws-prod";
        var path = $"/api/objects/deployments/{cluster}/shop/payments/actions/scale";
        await Network.WaitUntilAsync(async () => (await http.PostAsJsonAsync(path, new ActionRequest(Replicas: Replicas(cluster)))).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60), "the cluster to be watched");
        var before = Replicas(cluster);
        using (var first = await http.PostAsJsonAsync(path, new ActionRequest(Replicas: before + 1)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await _postgres.StopAsync();
        using (var refused = await http.PostAsJsonAsync(path, new ActionRequest(Replicas: before + 5)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Matches("(audit history|database) (cannot be written|is not reachable)", problem.GetProperty("detail").GetString()!);
        }

        Assert.Equal(before + 1, Replicas(cluster)); // nothing reached the cluster

        await _postgres.StartAgainAsync();
        await Network.WaitUntilAsync(async () => (await http.GetAsync("/api/audit?action=scale")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "the database to answer again");
        using (var again = await http.PostAsJsonAsync(path, new ActionRequest(Replicas: before + 2)))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        var page = await http.GetFromJsonAsync<AuditPage>("/api/audit?action=scale&limit=100",
            new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } });
        var succeeded = page!.Items.Where(r => r.Outcome == AuditOutcome.Succeeded).Select(r => r.After).ToList();
        Assert.Contains((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), succeeded);
        Assert.Contains((before + 2).ToString(System.Globalization.CultureInfo.InvariantCulture), succeeded);
        Assert.DoesNotContain(page.Items, r => r.After == (before + 5).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var verified = await http.GetFromJsonAsync<AuditVerification>("/api/admin/audit/verify");
        Assert.True(verified!.Intact);
    }
}
