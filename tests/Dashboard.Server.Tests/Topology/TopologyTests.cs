using System.Net;
using System.Net.Http.Json;
using Dashboard.Server.Tests.Access;
using Dashboard.Shared.Live;
using Dashboard.Shared.Topology;
using Dashboard.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Dashboard.Server.Tests.Topology;

/// <summary>The namespace map over real HTTP against the simulated hybrid fleet, and its scope.</summary>
public sealed class TopologyTests(AccessFleetFixture fleet) : IClassFixture<AccessFleetFixture>
{
    [Fact]
    public async Task The_shop_namespace_connects_ingress_service_pods_nodes_and_deployment_replicaset_pods()
    {
        using var sam = fleet.Factory.CreateClient(await fleet.TokenAsync("sam"));
        var graph = (await sam.GetFromJsonAsync<TopologyGraph>("/api/topology/aws-prod/shop"))!;

        var ids = graph.Nodes.Select(n => n.Id).ToHashSet();
        Assert.Contains("Deployment/storefront", ids);
        Assert.Contains("Service/storefront", ids);
        Assert.Single(graph.Nodes, n => n.Kind == "Ingress");
        var storefrontPods = graph.Nodes.Where(n => n.Kind == "Pod" && n.Name.StartsWith("storefront-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, storefrontPods.Count); // prod runs 3 replicas
        var ingress = graph.Nodes.Single(n => n.Kind == "Ingress").Id;

        Assert.Contains(graph.Edges, e => e.From == ingress && e.To == "Service/storefront" && e.Relation.EndsWith('/'));
        Assert.Contains(graph.Edges, e => e.From == ingress && e.To == "Service/payments" && e.Relation.EndsWith("/api/payments", StringComparison.Ordinal));
        foreach (var pod in storefrontPods)
        {
            Assert.Contains(graph.Edges, e => e.From == "Service/storefront" && e.To == pod.Id);
            Assert.Contains(graph.Edges, e => e.From.StartsWith("ReplicaSet/storefront-", StringComparison.Ordinal) && e.To == pod.Id);
            var node = Assert.Single(graph.Edges, e => e.From == pod.Id).To;
            Assert.Equal("Node", graph.Nodes.Single(n => n.Id == node).Kind);
        }

        Assert.Contains(graph.Edges, e => e.From == "Deployment/storefront" && e.To.StartsWith("ReplicaSet/storefront-", StringComparison.Ordinal));
        Assert.Contains(graph.Nodes, n => n.Name.StartsWith("recommendations-", StringComparison.Ordinal) && n.Kind == "Pod" && !n.Healthy); // the crash loop
        Assert.All(graph.Edges, e => Assert.True(ids.Contains(e.From) && ids.Contains(e.To)));
    }

    [Fact]
    public async Task A_watched_namespace_is_signalled_when_what_the_map_draws_changes_and_others_cannot_be_watched()
    {
        var signals = new List<NamespaceRef>();
        await using var hub = fleet.Factory.Hub(await fleet.TokenAsync("sam"));
        hub.On<NamespaceRef>(nameof(IFleetClient.NamespaceChanged), n => { lock (signals) { signals.Add(n); } });
        await hub.StartAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync(nameof(IFleetHub.WatchNamespace), "aws-prod", "kube-system"));
        Assert.Contains("No namespace 'kube-system'", refused.Message, StringComparison.Ordinal);

        await hub.InvokeAsync(nameof(IFleetHub.WatchNamespace), "gcp-staging", "shop");
        var cluster = fleet.Fleet["gcp-staging"];
        var replicas = fleet.Names("gcp-staging", "pods", "shop").Count(n => n.StartsWith("payments-", StringComparison.Ordinal));
        cluster.ScaleDeployment("shop", "payments", replicas + 1);
        try
        {
            await Network.WaitUntilAsync(() => Task.FromResult(Count() > 0), TimeSpan.FromSeconds(10), "a signal for gcp-staging/shop");
            Assert.All(Snapshot(), n => Assert.Equal(new NamespaceRef("gcp-staging", "shop"), n));
        }
        finally
        {
            cluster.ScaleDeployment("shop", "payments", replicas);
        }

        int Count()
        {
            lock (signals)
            {
                return signals.Count;
            }
        }

        List<NamespaceRef> Snapshot()
        {
            lock (signals)
            {
                return [.. signals];
            }
        }
    }

    [Theory]
    [InlineData("sam", "aws-prod", "kube-system")]
    [InlineData("victor", "gcp-staging", "shop")]
    [InlineData("nina", "aws-prod", "shop")]
    [InlineData("admin", "aws-prod", "no-such-namespace")]
    [InlineData("admin", "no-such-cluster", "shop")]
    public async Task Out_of_scope_is_not_found_like_what_does_not_exist(string user, string cluster, string ns)
    {
        using var http = fleet.Factory.CreateClient(await fleet.TokenAsync(user));
        using var response = await http.GetAsync($"/api/topology/{cluster}/{ns}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"No namespace '{ns}' in a cluster '{cluster}' that you can see.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
