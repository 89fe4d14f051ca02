using Dashboard.Server.Tests.Access;
using System.Net;
using System.Text.Json;
using Dashboard.Testing;

namespace Dashboard.Server.Tests.Resources;

/// <summary>GET /api/objects/{plural}/{cluster}/{namespace}/{name} over real HTTP against the simulated fleet.</summary>
[Collection(DetailFleetCollection.Name)]
public sealed class ResourceDetailTests(AccessFleetFixture fleet)
{
    private const string Cluster = "gcp-staging";

    private async Task<JsonElement> DetailAsync(string path, HttpClient? http = null)
    {
        using var response = await (http ?? fleet.Admin).GetAsync($"/api/objects/{path}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static IEnumerable<JsonElement> Related(JsonElement detail, string relation) =>
        detail.GetProperty("relations").EnumerateArray().Where(r => r.GetProperty("relation").GetString() == relation);

    private static string? TargetName(JsonElement related) =>
        related.GetProperty("target").ValueKind == JsonValueKind.Null ? null : related.GetProperty("target").GetProperty("name").GetString();

    [Fact]
    public async Task A_crash_looping_pod_shows_its_containers_owners_node_conditions_and_events()
    {
        var pod = fleet.Names(Cluster, "pods", "shop").First(n => n.StartsWith("recommendations-", StringComparison.Ordinal));
        JsonElement detail = default;
        await Network.WaitUntilAsync(async () =>
        {
            detail = await DetailAsync($"pods/{Cluster}/shop/{pod}");
            return detail.GetProperty("containers")[0].GetProperty("restarts").GetInt32() > 0 &&
                   detail.GetProperty("events").GetArrayLength() > 0 &&
                   Related(detail, "Owner").Count() == 2;
        }, TimeSpan.FromSeconds(60), "the pod to have restarted, with events, and its owners in the store");

        var summary = detail.GetProperty("summary");
        Assert.Equal("Pod", summary.GetProperty("kind").GetString());
        Assert.Equal(pod, summary.GetProperty("name").GetString());
        Assert.Equal("shop", summary.GetProperty("namespace").GetString());
        Assert.Equal(Cluster, summary.GetProperty("cluster").GetString());
        Assert.False(string.IsNullOrEmpty(summary.GetProperty("uid").GetString()));
        Assert.NotEqual(JsonValueKind.Null, summary.GetProperty("projection").ValueKind);
        Assert.Equal("recommendations", detail.GetProperty("labels").GetProperty("app.kubernetes.io/name").GetString());

        var container = detail.GetProperty("containers")[0];
        Assert.Equal("recommendations", container.GetProperty("name").GetString());
        Assert.Contains("registry.example.com/shop/recommendations:", container.GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(container.GetProperty("lastTerminationReason").GetString()));
        Assert.Contains(detail.GetProperty("conditions").EnumerateArray(), c => c.GetProperty("type").GetString() == "Ready");

        // Owner chain up: the ReplicaSet, then the Deployment; the node it runs on.
        var owners = Related(detail, "Owner").Select(r => r.GetProperty("target")).ToList();
        Assert.Equal(["ReplicaSet", "Deployment"], owners.Select(o => o.GetProperty("kind").GetString()));
        Assert.Equal("recommendations", owners[1].GetProperty("name").GetString());
        Assert.Equal("deployments", owners[1].GetProperty("plural").GetString());
        Assert.Single(Related(detail, "Node"));
        Assert.Equal("ReplicaSet", detail.GetProperty("owners")[0].GetProperty("owner").GetProperty("kind").GetString());

        // Its events, newest first.
        var seen = detail.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("lastSeenUtc").GetDateTime()).ToList();
        Assert.Equal(seen.OrderDescending(), seen);
    }

    [Fact]
    public async Task A_deployment_lists_its_replicasets_pods_template_and_autoscaler()
    {
        var detail = await DetailAsync($"deployments/{Cluster}/shop/storefront");

        Assert.NotEmpty(Related(detail, "ReplicaSet"));
        var pods = Related(detail, "Pod").Select(TargetName).ToList();
        Assert.Equal(fleet.Names(Cluster, "pods", "shop").Where(n => n.StartsWith("storefront-", StringComparison.Ordinal)).Order(), pods.Order());
        Assert.Equal("storefront", TargetName(Assert.Single(Related(detail, "Autoscaler"))));
        var template = Assert.Single(detail.GetProperty("containers").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, template.GetProperty("ready").ValueKind); // a template runs nothing
        Assert.Contains(detail.GetProperty("conditions").EnumerateArray(), c => c.GetProperty("type").GetString() == "Available");
    }

    [Fact]
    public async Task A_service_an_ingress_a_claim_and_an_autoscaler_point_at_what_they_serve()
    {
        var service = await DetailAsync($"services/{Cluster}/shop/orders-api");
        var backends = Related(service, "Ready pod").Concat(Related(service, "Unready pod")).Select(TargetName).Order().ToList();
        Assert.Equal(fleet.Names(Cluster, "pods", "shop").Where(n => n.StartsWith("orders-api-", StringComparison.Ordinal)).Order(), backends);

        var ingress = await DetailAsync($"ingresses/{Cluster}/shop/shop");
        var routes = Related(ingress, "Route").ToList();
        Assert.Contains(routes, r => TargetName(r) == "orders-api" &&
                                     r.GetProperty("detail").GetString()!.StartsWith("shop.staging.example.com/api/orders → orders-api", StringComparison.Ordinal));
        Assert.NotEmpty(Related(ingress, "Ready pod"));

        var autoscaler = await DetailAsync($"horizontalpodautoscalers/{Cluster}/shop/storefront");
        var target = Assert.Single(Related(autoscaler, "Scale target")).GetProperty("target");
        Assert.Equal("Deployment", target.GetProperty("kind").GetString());

        var node = fleet.Fleet[Cluster].NodeNames[^1];
        var nodeDetail = await DetailAsync($"nodes/{Cluster}/-/{node}");
        Assert.Equal(JsonValueKind.Null, nodeDetail.GetProperty("summary").GetProperty("namespace").ValueKind);
        Assert.NotEmpty(Related(nodeDetail, "Pod"));
        Assert.Contains(nodeDetail.GetProperty("conditions").EnumerateArray(), c => c.GetProperty("type").GetString() == "Ready");

        var claims = fleet.Fleet[Cluster].ListJson("persistentvolumeclaims").Select(j => JsonDocument.Parse(j).RootElement)
            .Where(c => c.GetProperty("spec").TryGetProperty("volumeName", out _)).ToList();
        if (claims.Count > 0)
        {
            var meta = claims[0].GetProperty("metadata");
            var claimDetail = await DetailAsync($"persistentvolumeclaims/{Cluster}/{meta.GetProperty("namespace").GetString()}/{meta.GetProperty("name").GetString()}");
            Assert.Equal(claims[0].GetProperty("spec").GetProperty("volumeName").GetString(), TargetName(Assert.Single(Related(claimDetail, "Volume"))));
        }
    }

    [Fact]
    public async Task Unknown_clusters_kinds_and_objects_are_404_with_a_clear_problem()
    {
        using var cluster = await fleet.Admin.GetAsync("/api/objects/pods/no-such-cluster/shop/x");
        Assert.Equal(HttpStatusCode.NotFound, cluster.StatusCode);
        Assert.Contains("Unknown cluster 'no-such-cluster'", await cluster.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var kind = await fleet.Admin.GetAsync($"/api/objects/widgets/{Cluster}/shop/x");
        Assert.Equal(HttpStatusCode.NotFound, kind.StatusCode);
        Assert.Contains("Unknown kind 'widgets'", await kind.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var missing = await fleet.Admin.GetAsync($"/api/objects/pods/{Cluster}/shop/no-such-pod");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        using var dotdot = await fleet.Admin.GetAsync($"/api/objects/pods/{Cluster}/shop/%2E%2E");
        Assert.Equal(HttpStatusCode.NotFound, dotdot.StatusCode);

        using var clusterScoped = await fleet.Admin.GetAsync($"/api/objects/nodes/{Cluster}/shop/x");
        Assert.Equal(HttpStatusCode.NotFound, clusterScoped.StatusCode);
        Assert.Contains("use '-' as the namespace", await clusterScoped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Out_of_scope_objects_are_404_exactly_as_missing_ones()
    {
        var dns = fleet.Names(Cluster, "pods", "kube-system").First(n => n.StartsWith("coredns-", StringComparison.Ordinal));
        var shopPod = fleet.Names(Cluster, "pods", "shop").First(n => n.StartsWith("storefront-", StringComparison.Ordinal));

        // In scope: the shop namespace, without links to what lies outside it (the node).
        var visible = await DetailAsync($"pods/{Cluster}/shop/{shopPod}", fleet.ShopViewer);
        Assert.Empty(Related(visible, "Node"));
        Assert.NotEmpty(Related(visible, "Owner"));

        async Task<(HttpStatusCode, string)> AskAsync(string path)
        {
            using var response = await fleet.ShopViewer.GetAsync(path);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return (response.StatusCode, $"{problem.GetProperty("title").GetString()}|{problem.GetProperty("detail").GetString()}");
        }

        var hidden = await AskAsync($"/api/objects/pods/{Cluster}/kube-system/{dns}");
        var absent = await AskAsync($"/api/objects/pods/{Cluster}/kube-system/zz-no-such-pod");
        Assert.Equal(HttpStatusCode.NotFound, hidden.Item1);
        Assert.Equal(absent.Item2.Replace("zz-no-such-pod", dns, StringComparison.Ordinal), hidden.Item2);

        foreach (var path in new[]
                 {
                     $"/api/objects/pods/{Cluster}/kube-system/{dns}/yaml",
                     $"/api/objects/pods/{Cluster}/kube-system/{dns}/logs",
                     $"/api/objects/nodes/{Cluster}/-/{fleet.Fleet[Cluster].NodeNames[0]}",
                     $"/api/objects/secrets/{Cluster}/kube-system/anything/yaml",
                 })
        {
            using var response = await fleet.ShopViewer.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("level=", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var anonymous = await fleet.Factory.CreateClient().GetAsync($"/api/objects/pods/{Cluster}/shop/{shopPod}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task An_unreachable_cluster_is_a_502_saying_so()
    {
        var azure = fleet.Fleet["azure-dev"];
        var pod = fleet.Names("azure-dev", "pods", "shop")[0];
        await azure.Faults.GoDownAsync();
        try
        {
            using var response = await fleet.Admin.GetAsync($"/api/objects/pods/azure-dev/shop/{pod}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Contains("Cluster 'azure-dev' cannot be reached", body, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace

            using var logs = await fleet.Admin.GetAsync($"/api/objects/pods/azure-dev/shop/{pod}/logs");
            Assert.Equal(HttpStatusCode.BadGateway, logs.StatusCode);
        }
        finally
        {
            await azure.Faults.ComeUpAsync();
        }
    }
}
