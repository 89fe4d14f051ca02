using System.Net;
using System.Net.Http.Json;
using Dashboard.Server.Tests.Access;
using Dashboard.Shared.Search;

namespace Dashboard.Server.Tests.Search;

/// <summary>Global search over real HTTP against the simulated hybrid fleet: names across kinds and clusters, only within the caller's scope.</summary>
public sealed class SearchTests(AccessFleetFixture fleet) : IClassFixture<AccessFleetFixture>
{
    [Fact]
    public async Task A_name_is_found_across_kinds_and_clusters_exact_names_first()
    {
        using var admin = fleet.Factory.CreateClient(await fleet.TokenAsync("admin"));
        var hits = (await admin.GetFromJsonAsync<List<SearchHit>>("/api/search?q=payments&limit=100"))!;

        Assert.Contains(hits, h => h is { Kind: "Deployment", Plural: "deployments", Namespace: "shop", Name: "payments" });
        Assert.Contains(hits, h => h is { Kind: "Service", Name: "payments" });
        Assert.Contains(hits, h => h.Kind == "Pod" && h.Name.StartsWith("payments-", StringComparison.Ordinal));
        Assert.Equal(AccessFleetFixture.AllClusters.Order(), hits.Where(h => h.Kind == "Deployment").Select(h => h.Cluster).Order());
        Assert.All(hits, h => Assert.Contains("payments", h.Name, StringComparison.OrdinalIgnoreCase));
        var firstPartial = hits.FindIndex(h => h.Name != "payments");
        Assert.True(firstPartial > 0 && hits.Skip(firstPartial).All(h => h.Name != "payments"), "exact names come first");
        Assert.DoesNotContain(hits, h => h.Kind is "Event" or "Endpoints");
    }

    [Theory]
    [InlineData("victor")]
    [InlineData("sam")]
    [InlineData("nina")]
    public async Task Nothing_out_of_scope_is_found(string user)
    {
        using var http = fleet.Factory.CreateClient(await fleet.TokenAsync(user));
        var hits = (await http.GetFromJsonAsync<List<SearchHit>>("/api/search?q=a&limit=100".Replace("q=a", "q=ap", StringComparison.Ordinal)))!;
        var nodes = (await http.GetFromJsonAsync<List<SearchHit>>("/api/search?q=node&limit=100"))!;
        Assert.All(hits.Concat(nodes), h =>
        {
            switch (user)
            {
                case "victor":
                    Assert.Contains(h.Cluster, AccessFleetFixture.ProdClusters);
                    break;
                case "sam":
                    Assert.Equal("shop", h.Namespace);
                    break;
                default:
                    Assert.Fail($"{user} found {h}");
                    break;
            }
        });
        if (user != "nina")
        {
            Assert.NotEmpty(hits);
        }
    }

    [Fact]
    public async Task A_too_short_query_is_refused_and_an_anonymous_caller_too()
    {
        using var admin = fleet.Factory.CreateClient(await fleet.TokenAsync("admin"));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/search?q=p")).StatusCode);
        using var anonymous = fleet.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/search?q=payments")).StatusCode);
    }
}
