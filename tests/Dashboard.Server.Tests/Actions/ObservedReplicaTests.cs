using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Shared.Access;
using Dashboard.Shared.Actions;
using Dashboard.Shared.Audit;
using Dashboard.Simulator;
using Dashboard.Testing;

namespace Dashboard.Server.Tests.Actions;

/// <summary>
/// Two replicas on one database, each watching the same simulated fleet: a change each of them observes is
/// recorded once, and a dashboard action taken through one replica is named by the record whichever replica
/// writes it.
/// </summary>
public sealed class ObservedReplicaTests : IAsyncLifetime
{
    private const string Password = "Replica-user-pass-1";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("replicas-");
    private SimulatedFleet _fleet = null!;
    private TestDatabase _database = null!;
    private DashboardFactory _a = null!;
    private DashboardFactory _b = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _fleet = await SimulatedFleet.StartAsync(new FleetOptions());
        var kubeconfig = Path.Combine(_dir.FullName, "kubeconfig");
        _fleet.WriteKubeconfig(kubeconfig);
        _database = await TestPostgres.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = _database.ConnectionString, ["Clusters:Kubeconfigs:0"] = kubeconfig };
        _a = new DashboardFactory(settings);
        _admin = await _a.AdminClientAsync();
        _b = new DashboardFactory(settings);
        using var adminOfB = await _b.AdminClientAsync();
        foreach (var http in new[] { _admin, adminOfB })
        {
            await Network.WaitUntilAsync(async () =>
            {
                using var clusters = JsonDocument.Parse(await http.GetStringAsync("/api/clusters"));
                return clusters.RootElement.EnumerateArray().Count(c => c.GetProperty("state").GetString() == "Live") == 4;
            }, TimeSpan.FromSeconds(60), "every cluster to be Live on both replicas");
        }

        using var created = await _admin.PostAsJsonAsync("/api/admin/teams", new TeamRequest("prod-operators", null));
        var team = (await created.Content.ReadFromJsonAsync<TeamSummary>())!;
        (await _admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/bindings", new BindingRequest(TeamRole.Operator, "environment=prod", "*"))).EnsureSuccessStatusCode();
        (await _admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest("olga", Password))).EnsureSuccessStatusCode();
        (await _admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/members", new AddMemberRequest("olga"))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _database.DisposeAsync();
        await _fleet.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private async Task<List<AuditRecordView>> ObservedAsync(string action, string name) =>
        [.. (await _admin.GetFromJsonAsync<AuditPage>($"/api/audit?action={action}&name={name}&limit=100", Json))!.Items.OrderBy(r => r.Id)];

    [Fact]
    public async Task A_change_both_replicas_observe_is_recorded_once_and_names_the_action_taken_through_either()
    {
        var cluster = _fleet["onprem-prod"];
        var replicas = (int)JsonNode.Parse(cluster.GetJson("deployments", "shop", "storefront", "apps")!)!["spec"]!["replicas"]!;
        cluster.ScaleDeployment("shop", "storefront", replicas + 1); // made elsewhere

        await Network.WaitUntilAsync(async () => (await ObservedAsync("observed.scale", "storefront")).Count > 0, TimeSpan.FromSeconds(20), "the scale to be observed");

        // Through replica B, while replica A observes as well.
        using (var olga = _b.CreateClient(await _b.TokenAsync("olga", Password)))
        using (var response = await olga.PostAsJsonAsync("/api/objects/deployments/onprem-prod/shop/storefront/actions/scale", new ActionRequest(Replicas: replicas + 3)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Network.WaitUntilAsync(async () => (await ObservedAsync("observed.scale", "storefront")).Count > 1, TimeSpan.FromSeconds(20), "the dashboard's scale to be observed");
        var node = cluster.NodeNames[^1];
        cluster.FailNode(node);
        await Network.WaitUntilAsync(async () => (await ObservedAsync("observed.node", node)).Count > 0, TimeSpan.FromSeconds(30), "the node's transition to be observed");
        cluster.RecoverNode(node);
        await Task.Delay(TimeSpan.FromSeconds(3)); // both replicas have long had their chance to write

        var scales = await ObservedAsync("observed.scale", "storefront");
        Assert.Equal([(replicas.ToString(), (replicas + 1).ToString()), ((replicas + 1).ToString(), (replicas + 3).ToString())], scales.Select(r => (r.Before, r.After)));
        Assert.Null(scales[0].Parameters);
        Assert.Contains("scale by olga", scales[1].Parameters, StringComparison.Ordinal);
        Assert.Single(await ObservedAsync("observed.node", node), r => r.After == "NotReady");
    }
}
