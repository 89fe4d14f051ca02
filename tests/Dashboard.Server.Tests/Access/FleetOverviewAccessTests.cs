using System.Collections.Concurrent;
using Dashboard.Server.Access;
using Dashboard.Server.Live;
using Dashboard.Shared.Live;
using Dashboard.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Access;

/// <summary>
/// The fleet page's aggregates through the real hub over the simulated hybrid fleet: each user gets the
/// problems of their scope and nothing else, whole-cluster numbers only for clusters they see whole, and
/// the pushes that follow obey the same rule.
/// </summary>
public sealed class FleetOverviewAccessTests(AccessFleetFixture fleet) : IClassFixture<AccessFleetFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static Func<string, string?, bool> Sees(string user) => user switch
    {
        "admin" => (_, _) => true,
        "olga" or "victor" => (cluster, _) => AccessFleetFixture.ProdClusters.Contains(cluster),
        "sam" => (_, ns) => ns == "shop",
        _ => (_, _) => false,
    };

    public static TheoryData<string> Users => new() { "admin", "olga", "victor", "sam", "nina" };

    private FleetAggregator Aggregator => fleet.Factory.Services.GetRequiredService<FleetAggregator>();

    /// <summary>Every cluster's crash-looping "recommendations" Deployment is unavailable: a problem in each cluster's shop namespace.</summary>
    private async Task WaitForTheShopProblemsAsync() =>
        await Network.WaitUntilAsync(() => Task.FromResult(
                AccessFleetFixture.AllClusters.All(c => Aggregator.For(AccessScope.Everything).Problems
                    .Any(p => p.Cluster == c && p.Namespace == "shop" && p.Name.StartsWith("recommendations", StringComparison.Ordinal)))),
            Patience, "the recommendations problems in every cluster");

    [Theory]
    [MemberData(nameof(Users))]
    public async Task Each_user_gets_the_problems_and_clusters_of_their_scope_and_nothing_else(string user)
    {
        await WaitForTheShopProblemsAsync();
        await using var hub = fleet.Factory.Hub(await fleet.TokenAsync(user));
        await hub.StartAsync();
        var sees = Sees(user);

        // The user's answer and the whole fleet's at the same sequence: the same problems, filtered.
        FleetAggregates mine, all;
        var attempts = 0;
        do
        {
            mine = await hub.InvokeAsync<FleetAggregates>(nameof(IFleetHub.SubscribeAggregates));
            all = Aggregator.For(AccessScope.Everything);
        }
        while (mine.Sequence != all.Sequence && ++attempts < 20);

        Assert.Equal(all.Sequence, mine.Sequence);
        Assert.True(all.ProblemsTotal <= FleetAggregator.ProblemPage, "the demo fleet has fewer problems than a page");
        Assert.Equal(all.Problems.Where(p => sees(p.Cluster, p.Namespace)).ToList(), mine.Problems);
        Assert.Equal(mine.Problems.Count, mine.ProblemsTotal);
        Assert.All(mine.Problems, p => Assert.True(sees(p.Cluster, p.Namespace), $"{user} got a problem of {p.Cluster}/{p.Namespace}/{p.Name}"));
        Assert.Equal(AccessFleetFixture.AllClusters.Where(c => sees(c, null)).Order(), mine.Clusters.Select(c => c.Cluster).Order());

        switch (user)
        {
            case "sam":
                Assert.Empty(mine.Clusters); // a namespace-limited grant: no whole-cluster counts
                Assert.Equal(AccessFleetFixture.AllClusters.Order(), mine.Problems.Select(p => p.Cluster).Distinct().Order());
                break;
            case "olga" or "victor":
                Assert.Equal(AccessFleetFixture.ProdClusters.Order(), mine.Problems.Select(p => p.Cluster).Distinct().Order());
                break;
            case "nina":
                Assert.Empty(mine.Problems);
                break;
        }
    }

    [Fact]
    public async Task Clusters_carry_their_version_support_control_plane_and_node_tallies()
    {
        await using var hub = fleet.Factory.Hub(await fleet.TokenAsync("admin"));
        await hub.StartAsync();

        var aggregates = await hub.InvokeAsync<FleetAggregates>(nameof(IFleetHub.SubscribeAggregates));

        Assert.Equal(AccessFleetFixture.AllClusters.Order(), aggregates.Clusters.Select(c => c.Cluster).Order());
        foreach (var cluster in aggregates.Clusters)
        {
            var simulated = fleet.Fleet[cluster.Cluster];
            Assert.Equal(simulated.KubernetesVersion, cluster.Version);
            Assert.Equal(
                Clusters.KubernetesReleases.IsOutOfSupport(simulated.KubernetesVersion, DateOnly.FromDateTime(DateTime.UtcNow)),
                cluster.EndOfSupport);
            Assert.Equal(cluster.NodesTotal, cluster.NodesByRuntime.Values.Sum());
            Assert.Equal(cluster.NodesTotal, cluster.NodesByKubeletVersion.Values.Sum());
            Assert.NotNull(cluster.LastContactUtc);
            Assert.NotEqual("Unreachable", cluster.ControlPlane.State);
            Assert.True(cluster.ControlPlane.ApiLatencyMs >= 0);
        }
    }

    [Fact]
    public async Task A_node_failing_is_pushed_to_those_who_see_the_cluster_whole_and_to_no_one_else()
    {
        await WaitForTheShopProblemsAsync();
        var pushes = new ConcurrentDictionary<string, FleetAggregates>(StringComparer.Ordinal);
        var hubs = new List<HubConnection>();
        try
        {
            foreach (var user in new[] { "victor", "sam", "nina" })
            {
                var hub = fleet.Factory.Hub(await fleet.TokenAsync(user));
                hubs.Add(hub);
                hub.On<FleetAggregates>(nameof(IFleetClient.AggregatesChanged), a => pushes[user] = a);
                await hub.StartAsync();
                await hub.InvokeAsync<FleetAggregates>(nameof(IFleetHub.SubscribeAggregates));
            }

            var cluster = fleet.Fleet["aws-prod"];
            var node = cluster.NodeNames.Order(StringComparer.Ordinal).Last();
            cluster.FailNode(node);
            try
            {
                await Network.WaitUntilAsync(() => Task.FromResult(
                        pushes.TryGetValue("victor", out var a) && a.Problems.Any(p => p.Type == "NodeNotReady" && p.Cluster == "aws-prod" && p.Name == node)),
                    Patience, "victor to be told that the node is not ready");

                var victor = pushes["victor"];
                var awsProd = victor.Clusters.Single(c => c.Cluster == "aws-prod");
                Assert.Equal(awsProd.NodesTotal - 1, awsProd.NodesReady);
                var problem = victor.Problems.Single(p => p.Type == "NodeNotReady" && p.Name == node);
                Assert.Equal(("Node", "nodes", (string?)null), (problem.Kind, problem.Plural, problem.Namespace));

                // The others got pushes for the same change, without the node.
                await Network.WaitUntilAsync(() => Task.FromResult(pushes.TryGetValue("sam", out var s) && s.Sequence >= victor.Sequence),
                    Patience, "sam's push of the same sequence");
                Assert.DoesNotContain(pushes["sam"].Problems, p => p.Namespace != "shop");
                Assert.Empty(pushes["sam"].Clusters);
                Assert.True(!pushes.TryGetValue("nina", out var nina) || (nina.Problems.Count == 0 && nina.Clusters.Count == 0 && nina.ProblemsTotal == 0));
            }
            finally
            {
                cluster.RecoverNode(node);
            }
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }
}
