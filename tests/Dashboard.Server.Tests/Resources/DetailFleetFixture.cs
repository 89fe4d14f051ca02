using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Shared.Access;
using Dashboard.Simulator;
using Dashboard.Testing;

namespace Dashboard.Server.Tests.Resources;

/// <summary>
/// A server watching the simulated fleet through a kubeconfig, an admin client, and "sally", a viewer of the shop
/// namespace of every cluster (made through the admin API).
/// </summary>
public sealed class DetailFleetFixture : IAsyncLifetime
{
    public const string Password = "Detail-user-pass-1";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detail-");
    private TestDatabase _database = null!;

    public SimulatedFleet Fleet { get; private set; } = null!;

    public DashboardFactory Factory { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

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

        (await Admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest("sally", Password))).EnsureSuccessStatusCode();
        using var created = await Admin.PostAsJsonAsync("/api/admin/teams", new TeamRequest("shop-viewers", null));
        var team = (await created.Content.ReadFromJsonAsync<TeamSummary>())!;
        (await Admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/members", new AddMemberRequest("sally"))).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/bindings", new BindingRequest(TeamRole.Viewer, "*", "shop"))).EnsureSuccessStatusCode();
        ShopViewer = Factory.CreateClient(await Factory.TokenAsync("sally", Password));
    }

    /// <summary>The names of a kind's objects in one namespace of a simulated cluster, straight from the simulator.</summary>
    public IReadOnlyList<string> Names(string cluster, string plural, string? @namespace, string group = "") =>
        Fleet[cluster].ListJson(plural, @namespace, group)
            .Select(j => JsonDocument.Parse(j).RootElement.GetProperty("metadata").GetProperty("name").GetString()!)
            .Order(StringComparer.Ordinal)
            .ToList();

    public async Task DisposeAsync()
    {
        ShopViewer.Dispose();
        Admin.Dispose();
        await Factory.DisposeAsync();
        await _database.DisposeAsync();
        await Fleet.DisposeAsync();
        _dir.Delete(recursive: true);
    }
}

/// <summary>The detail tests share one fleet and one server.</summary>
[CollectionDefinition(Name)]
public sealed class DetailFleetCollection : ICollectionFixture<DetailFleetFixture>
{
    public const string Name = "detail fleet";
}
