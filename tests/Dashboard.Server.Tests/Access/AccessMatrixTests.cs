using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Access;

/// <summary>
/// Role x operation x in scope / out of scope, through the real REST endpoints and the real hub: each user
/// sees exactly the rows, counts and clusters of their scope, and nothing else leaks (not a name, not a total).
/// </summary>
public sealed class AccessMatrixTests(AccessFleetFixture fleet) : IClassFixture<AccessFleetFixture>
{
    /// <summary>Who may see an object: (cluster, namespace or null for cluster-scoped objects and whole-cluster aggregates).</summary>
    private static Func<string, string?, bool> Sees(string user) => user switch
    {
        "admin" => (_, _) => true,
        "olga" or "victor" => (cluster, _) => AccessFleetFixture.ProdClusters.Contains(cluster),
        "sam" => (_, ns) => ns == "shop",
        _ => (_, _) => false,
    };

    public static TheoryData<string> Users => new() { "admin", "olga", "victor", "sam", "nina" };

    [Theory]
    [MemberData(nameof(Users))]
    public async Task Rest_rows_searches_and_totals_hold_only_what_the_scope_allows(string user)
    {
        using var http = fleet.Factory.CreateClient(await fleet.TokenAsync(user));
        var sees = Sees(user);
        var store = fleet.Factory.Services.GetRequiredService<FleetStore>();

        foreach (var (kind, plural, query) in new[] { ("Pod", "pods", ""), ("Node", "nodes", ""), ("Pod", "pods", "payments"), ("Deployment", "deployments", "") })
        {
            await AssertEventuallyAsync(async () =>
            {
                using var page = JsonDocument.Parse(await http.GetStringAsync($"/api/resources/{plural}?count=1000&q={query}"));
                var items = page.RootElement.GetProperty("items").EnumerateArray()
                    .Select(i => (Cluster: i.GetProperty("meta").GetProperty("cluster").GetString()!, Namespace: i.GetProperty("meta").GetProperty("namespace").GetString()))
                    .ToList();
                var expected = store.List(kind).Count(r => sees(r.Meta.Cluster, r.Meta.Namespace) &&
                                                          (query.Length == 0 || r.Meta.Name.Contains(query, StringComparison.Ordinal)));
                Assert.All(items, i => Assert.True(sees(i.Cluster, i.Namespace), $"{user} got {plural} of {i.Cluster}/{i.Namespace}"));
                Assert.Equal(expected, page.RootElement.GetProperty("total").GetInt32());
                Assert.Equal(expected, items.Count);
            });
        }

        // Out of scope by filter: the total is zero, not "n hidden".
        if (user != "admin")
        {
            using var other = JsonDocument.Parse(await http.GetStringAsync("/api/resources/pods?cluster=gcp-staging&namespace=kube-system"));
            Assert.Equal(0, other.RootElement.GetProperty("total").GetInt32());
        }
    }

    [Theory]
    [MemberData(nameof(Users))]
    public async Task Clusters_list_shows_the_clusters_in_scope_and_counts_only_of_whole_clusters(string user)
    {
        using var http = fleet.Factory.CreateClient(await fleet.TokenAsync(user));
        using var clusters = JsonDocument.Parse(await http.GetStringAsync("/api/clusters"));
        var names = clusters.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()!).Order().ToList();
        var expected = user switch
        {
            "admin" or "sam" => AccessFleetFixture.AllClusters,
            "olga" or "victor" => AccessFleetFixture.ProdClusters,
            _ => [],
        };
        Assert.Equal(expected.Order(), names);
        foreach (var cluster in clusters.RootElement.EnumerateArray())
        {
            var counts = cluster.GetProperty("counts").EnumerateObject().Count();
            Assert.Equal(Sees(user)(cluster.GetProperty("name").GetString()!, null), counts > 0);
        }
    }

    [Theory]
    [MemberData(nameof(Users))]
    public async Task Hub_subscriptions_searches_and_aggregates_hold_only_what_the_scope_allows(string user)
    {
        await using var hub = fleet.Factory.Hub(await fleet.TokenAsync(user));
        await hub.StartAsync();
        var sees = Sees(user);
        var store = fleet.Factory.Services.GetRequiredService<FleetStore>();

        // A Namespace object counts as inside itself: the shop viewer sees that the namespace shop exists, and no other.
        foreach (var query in new[] { new ViewQuery("pods", Count: 500), new ViewQuery("pods", Text: "payments", Count: 500), new ViewQuery("nodes", Count: 500), new ViewQuery("namespaces", Count: 500) })
        {
            await AssertEventuallyAsync(async () =>
            {
                var snapshot = await hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), query);
                await hub.InvokeAsync(nameof(IFleetHub.Unsubscribe), snapshot.SubscriptionId);
                var kind = query.Kind switch { "pods" => "Pod", "nodes" => "Node", _ => "Namespace" };
                string? Where(string? @namespace, string name) => kind == "Namespace" ? name : @namespace;
                var expected = store.List(kind).Count(r => sees(r.Meta.Cluster, Where(r.Meta.Namespace, r.Meta.Name)) &&
                                                          (query.Text is null || r.Meta.Name.Contains(query.Text, StringComparison.Ordinal)));
                Assert.All(snapshot.Rows, r => Assert.True(sees(r.Cluster, Where(r.Namespace, r.Name)), $"{user} got {r.Cluster}/{r.Namespace}/{r.Name}"));
                Assert.Equal(expected, snapshot.Total);
                if (user == "sam" && kind == "Namespace")
                {
                    Assert.Equal(AccessFleetFixture.AllClusters.Length, snapshot.Rows.Count(r => r.Name == "shop"));
                }
            });
        }

        // Asking for a cluster out of scope by name answers nothing, the same as a cluster that does not exist.
        var targeted = await hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), new ViewQuery("pods", Clusters: ["gcp-staging"], Namespaces: ["kube-system"]));
        Assert.Equal(user == "admin" ? store.List("Pod", "gcp-staging", "kube-system").Count : 0, targeted.Total);

        var aggregates = await hub.InvokeAsync<FleetAggregates>(nameof(IFleetHub.SubscribeAggregates));
        Assert.Equal(
            AccessFleetFixture.AllClusters.Where(c => sees(c, null)).Order(),
            aggregates.Clusters.Select(a => a.Cluster).Order());
    }

    [Theory]
    [MemberData(nameof(Users))]
    public async Task Administration_and_metrics_are_for_fleet_admins_only(string user)
    {
        using var http = fleet.Factory.CreateClient(await fleet.TokenAsync(user));
        var expected = user == "admin" ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
        foreach (var path in new[] { "/api/admin/users", "/api/admin/teams", "/api/admin/clusters", "/metrics" })
        {
            Assert.Equal(expected, (await http.GetAsync(path)).StatusCode);
        }

        var write = await http.PostAsJsonAsync("/api/admin/teams", new Dashboard.Shared.Access.TeamRequest($"made-by-{user}", null));
        Assert.Equal(user == "admin" ? HttpStatusCode.OK : HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task A_browser_session_cookie_on_the_hub_gets_the_same_scope_as_a_token()
    {
        using var browser = fleet.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        using var signIn = await browser.PostAsJsonAsync("/api/auth/signin", new Dashboard.Shared.Access.SignInRequest("victor", AccessFleetFixture.Password));
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dashboard.session=", StringComparison.Ordinal)).Split(';')[0];

        await using var hub = fleet.Factory.WebSocketHub(null, cookie);
        await hub.StartAsync();
        var snapshot = await hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), new ViewQuery("pods", Count: 500));
        var store = fleet.Factory.Services.GetRequiredService<FleetStore>();
        Assert.NotEmpty(snapshot.Rows);
        Assert.All(snapshot.Rows, r => Assert.Contains(r.Cluster, AccessFleetFixture.ProdClusters));
        Assert.Equal(store.List("Pod").Count(p => AccessFleetFixture.ProdClusters.Contains(p.Meta.Cluster)), snapshot.Total);
    }

    [Fact]
    public async Task Signing_in_is_the_only_thing_a_user_without_a_team_can_do()
    {
        using var http = fleet.Factory.CreateClient(await fleet.TokenAsync("nina"));
        var me = await http.GetFromJsonAsync<Dashboard.Shared.Access.CurrentUser>("/api/me");
        Assert.Empty(me!.Grants);
        Assert.False(me.IsAdmin);
    }

    /// <summary>The fleet keeps living (crash-looping pods restart): compare again when a change fell between the two reads.</summary>
    private static async Task AssertEventuallyAsync(Func<Task> check)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await check();
                return;
            }
            catch (Xunit.Sdk.XunitException) when (attempt < 3)
            {
                await Task.Delay(200);
            }
        }
    }
}
