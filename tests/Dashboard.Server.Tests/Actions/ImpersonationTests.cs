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
/// Clusters:Impersonate: in onprem-prod the dashboard writes as the acting user, so the simulated cluster's RBAC
/// decides as well; aws-prod is not set to impersonate and takes the dashboard's own credentials.
/// </summary>
public sealed class ImpersonationTests : IAsyncLifetime
{
    private const string Password = "Impersonate-pass-1";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("impersonation-");
    private SimulatedFleet _fleet = null!;
    private TestDatabase _database = null!;
    private DashboardFactory _factory = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _fleet = await SimulatedFleet.StartAsync(new FleetOptions());
        var kubeconfig = Path.Combine(_dir.FullName, "kubeconfig");
        _fleet.WriteKubeconfig(kubeconfig);
        _database = await TestPostgres.CreateDatabaseAsync();
        _factory = new DashboardFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = _database.ConnectionString,
            ["Clusters:Kubeconfigs:0"] = kubeconfig,
            ["Clusters:Impersonate:0"] = "onprem-*",
        });
        _admin = await _factory.AdminClientAsync();
        await Network.WaitUntilAsync(async () =>
        {
            using var clusters = JsonDocument.Parse(await _admin.GetStringAsync("/api/clusters"));
            return clusters.RootElement.EnumerateArray().Count(c => c.GetProperty("state").GetString() == "Live") == 4;
        }, TimeSpan.FromSeconds(60), "every cluster to be Live");

        using var created = await _admin.PostAsJsonAsync("/api/admin/teams", new TeamRequest("prod-operators", null));
        var team = (await created.Content.ReadFromJsonAsync<TeamSummary>())!;
        (await _admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/bindings", new BindingRequest(TeamRole.Operator, "environment=prod", "*"))).EnsureSuccessStatusCode();
        foreach (var user in new[] { "olga", "pat" })
        {
            (await _admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest(user, Password))).EnsureSuccessStatusCode();
            (await _admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/members", new AddMemberRequest(user))).EnsureSuccessStatusCode();
        }

        // In the cluster, only olga may scale in shop.
        _fleet["onprem-prod"].Rbac.Allow("olga", "patch", "deployments/scale", "shop");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
        await _fleet.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private int Replicas(string cluster, string name) =>
        (int)JsonNode.Parse(_fleet[cluster].GetJson("deployments", "shop", name, "apps")!)!["spec"]!["replicas"]!;

    private async Task<HttpResponseMessage> ScaleAsync(string user, string cluster, string name, int replicas)
    {
        using var http = _factory.CreateClient(await _factory.TokenAsync(user, Password));
        return await http.PostAsJsonAsync($"/api/objects/deployments/{cluster}/shop/{name}/actions/scale", new ActionRequest(Replicas: replicas));
    }

    [Fact]
    public async Task Writes_in_an_impersonating_cluster_are_made_as_the_user_and_its_rbac_refusal_is_shown_and_audited()
    {
        var before = Replicas("onprem-prod", "storefront");

        // Both are Operators for the dashboard; the cluster lets olga scale and refuses pat, in its own words.
        using (var olga = await ScaleAsync("olga", "onprem-prod", "storefront", before + 1))
        {
            Assert.Equal(HttpStatusCode.OK, olga.StatusCode);
        }

        Assert.Equal(before + 1, Replicas("onprem-prod", "storefront"));
        using (var pat = await ScaleAsync("pat", "onprem-prod", "storefront", before + 4))
        {
            Assert.Equal(HttpStatusCode.Forbidden, pat.StatusCode);
            Assert.Contains("deployments.apps \\\"storefront\\\" is forbidden: User \\\"pat\\\" cannot patch resource \\\"deployments/scale\\\" in API group \\\"apps\\\" in the namespace \\\"shop\\\"",
                await pat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(before + 1, Replicas("onprem-prod", "storefront"));
        var page = (await _admin.GetFromJsonAsync<AuditPage>("/api/audit?action=scale&user=pat", Json))!;
        var failed = Assert.Single(page.Items, r => r.Outcome == AuditOutcome.Failed);
        Assert.Contains("User \"pat\" cannot patch", failed.Error, StringComparison.Ordinal);
        Assert.Single(page.Items, r => r.Outcome == AuditOutcome.Requested);

        // A cluster that does not impersonate takes the dashboard's own credentials: pat's scale goes through.
        var other = Replicas("aws-prod", "storefront");
        using (var pat = await ScaleAsync("pat", "aws-prod", "storefront", other + 1))
        {
            Assert.Equal(HttpStatusCode.OK, pat.StatusCode);
        }

        Assert.Equal(other + 1, Replicas("aws-prod", "storefront"));
    }
}
