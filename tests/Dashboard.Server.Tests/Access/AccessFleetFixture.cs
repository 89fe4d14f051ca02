using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Shared.Access;
using Dashboard.Simulator;
using Dashboard.Testing;

namespace Dashboard.Server.Tests.Access;

/// <summary>
/// A server watching the simulated hybrid fleet (onprem-prod, aws-prod, gcp-staging, azure-dev), with teams
/// and users made through the admin API: a prod operator, a prod viewer, a viewer of the shop namespace
/// everywhere, and a user in no team.
/// </summary>
public sealed class AccessFleetFixture : IAsyncLifetime
{
    public const string Password = "Fleet-user-pass-1";
    public static readonly string[] ProdClusters = ["onprem-prod", "aws-prod"];
    public static readonly string[] AllClusters = ["onprem-prod", "aws-prod", "gcp-staging", "azure-dev"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("access-");
    private TestDatabase _database = null!;

    public SimulatedFleet Fleet { get; private set; } = null!;

    public DashboardFactory Factory { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>"sam", a viewer of the shop namespace of every cluster.</summary>
    public HttpClient ShopViewer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fleet = await SimulatedFleet.StartAsync(new FleetOptions());
        var kubeconfig = Path.Combine(_dir.FullName, "kubeconfig");
        Fleet.WriteKubeconfig(kubeconfig);
        _database = await TestPostgres.CreateDatabaseAsync();
        Factory = new DashboardFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = _database.ConnectionString,
            ["Clusters:Kubeconfigs:0"] = kubeconfig,
        });
        Admin = await Factory.AdminClientAsync();
        await Network.WaitUntilAsync(async () =>
        {
            using var clusters = JsonDocument.Parse(await Admin.GetStringAsync("/api/clusters"));
            return clusters.RootElement.GetArrayLength() == 4 &&
                   clusters.RootElement.EnumerateArray().All(c => c.GetProperty("state").GetString() == "Live");
        }, TimeSpan.FromSeconds(60), "every cluster to be Live");

        await TeamAsync("prod-operators", "olga", new BindingRequest(TeamRole.Operator, "environment=prod", "*"));
        await TeamAsync("prod-viewers", "victor", new BindingRequest(TeamRole.Viewer, "environment=prod", "*"));
        await TeamAsync("shop", "sam", new BindingRequest(TeamRole.Viewer, "*", "shop"));
        await UserAsync("nina");
        ShopViewer = Factory.CreateClient(await TokenAsync("sam"));
    }

    /// <summary>The names of a kind's objects in one namespace of a simulated cluster, straight from the simulator.</summary>
    public IReadOnlyList<string> Names(string cluster, string plural, string? @namespace, string group = "") =>
        Fleet[cluster].ListJson(plural, @namespace, group)
            .Select(j => JsonDocument.Parse(j).RootElement.GetProperty("metadata").GetProperty("name").GetString()!)
            .Order(StringComparer.Ordinal)
            .ToList();

    public async Task UserAsync(string name) =>
        (await Admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest(name, Password))).EnsureSuccessStatusCode();

    public async Task<TeamSummary> TeamAsync(string team, string member, BindingRequest binding)
    {
        await UserAsync(member);
        using var created = await Admin.PostAsJsonAsync("/api/admin/teams", new TeamRequest(team, null));
        var summary = (await created.Content.ReadFromJsonAsync<TeamSummary>())!;
        (await Admin.PostAsJsonAsync($"/api/admin/teams/{summary.Id}/members", new AddMemberRequest(member))).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync($"/api/admin/teams/{summary.Id}/bindings", binding)).EnsureSuccessStatusCode();
        return summary;
    }

    public async Task<string> TokenAsync(string user) =>
        user == "admin" ? await Factory.TokenAsync() : await Factory.TokenAsync(user, Password);

    public async Task DisposeAsync()
    {
        ShopViewer?.Dispose();
        Admin.Dispose();
        await Factory.DisposeAsync();
        await _database.DisposeAsync();
        await Fleet.DisposeAsync();
        _dir.Delete(recursive: true);
    }
}
