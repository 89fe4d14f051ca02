using Dashboard.Client.Pages;
using Dashboard.Shared.Live;

namespace Dashboard.Client.Tests;

public sealed class FleetPageTests : AccessTestContext
{
    private static ClusterAggregate Cluster(string name, string provider, string environment, string state = "Live", string version = "v1.35.1",
        bool endOfSupport = false, DateTime? lastContact = null, int nodesReady = 3, int nodesTotal = 3, int running = 10, int pending = 0, int problems = 0,
        string runtime = "containerd://1.7.27", string kubelet = "v1.35.1") =>
        new(name, provider, environment, state, nodesReady, nodesTotal,
            new Dictionary<string, int> { ["Running"] = running, ["Pending"] = pending },
            UnavailableWorkloads: 1, Warnings: 2, version, endOfSupport, lastContact ?? Now,
            new ControlPlaneStatus(state == "Unreachable" ? "Unreachable" : "Healthy", 12.5, provider == "onprem" ? 3 : 0, provider == "onprem" ? 3 : 0, null),
            new Dictionary<string, int> { [runtime] = nodesTotal }, new Dictionary<string, int> { [kubelet] = nodesTotal }, problems);

    private static FleetProblem Problem(string type, string plural, string cluster, string? ns, string name, int severity = 3) =>
        new(type, severity, plural == "nodes" ? "Node" : "Pod", plural, cluster, ns, name, "detail of " + name, Now.AddMinutes(-3));

    private static readonly FleetAggregates Hybrid = new(1,
        [
            Cluster("aws-prod", "aws", "prod", nodesTotal: 5, nodesReady: 4, running: 40, pending: 2, problems: 2),
            Cluster("azure-dev", "azure", "dev", version: "v1.29.3", endOfSupport: true, kubelet: "v1.29.3"),
            Cluster("gcp-staging", "gcp", "staging", state: "Unreachable", lastContact: Now.AddMinutes(-5), runtime: "cri-o://1.29.1"),
            Cluster("onprem-prod", "onprem", "prod", running: 20),
        ],
        [
            Problem("CrashLoop", "pods", "aws-prod", "shop", "recommendations-7c9"),
            Problem("NodeNotReady", "nodes", "onprem-prod", null, "node-3"),
        ],
        2);

    private IRenderedComponent<Home> RenderPage(FleetAggregates aggregates)
    {
        Connection.Server = (method, _) => method == nameof(IFleetHub.SubscribeAggregates) ? aggregates : throw new InvalidOperationException(method);
        return Render<Home>();
    }

    private static IReadOnlyList<string?> Rows(IRenderedComponent<Home> page) =>
        page.FindAll("[data-testid=cluster-table] tbody tr").Select(r => r.GetAttribute("data-cluster")).ToList();

    [Fact]
    public void Clusters_are_grouped_by_provider_class_and_keep_the_row_hooks_with_their_state()
    {
        var page = RenderPage(Hybrid);

        Assert.Equal(["onprem", "aws", "gcp", "azure"], page.FindAll("[data-testid=cluster-table] [data-group]").Select(g => g.GetAttribute("data-group")));
        Assert.Contains("On-prem / private cloud", page.Find("[data-group=onprem]").TextContent, StringComparison.Ordinal);
        Assert.Equal(["onprem-prod", "aws-prod", "gcp-staging", "azure-dev"], Rows(page));
        Assert.Single(page.FindAll("tr[data-cluster=aws-prod]")); // browser tests find a cluster's row by this alone, problems of it or not
        Assert.Contains("Live", page.Find("[data-testid=cluster-table] tr[data-cluster=aws-prod]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Unreachable", page.Find("[data-testid=cluster-table] tr[data-cluster=gcp-staging]").TextContent, StringComparison.Ordinal);
        Assert.Equal("4 / 5", page.Find("tr[data-cluster=aws-prod] [data-testid=nodes-ready]").TextContent.Trim());
        Assert.Contains("3/3 control-plane nodes", page.Find("tr[data-cluster=onprem-prod] [data-testid=control-plane]").TextContent, StringComparison.Ordinal);
        Assert.Contains("managed", page.Find("tr[data-cluster=aws-prod] [data-testid=control-plane]").TextContent, StringComparison.Ordinal);
        Assert.Contains("2 Pending", page.Find("tr[data-cluster=aws-prod] [data-testid=pods]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Grouping_by_environment_puts_production_first()
    {
        var page = RenderPage(Hybrid);

        page.FindAll("[data-testid=group-by] button").Single(b => b.TextContent.Contains("By environment", StringComparison.Ordinal)).Click();

        Assert.Equal("environment", page.Find("[data-testid=cluster-table]").GetAttribute("data-grouping"));
        Assert.Equal(["prod", "staging", "dev"], page.FindAll("[data-testid=cluster-table] [data-group]").Select(g => g.GetAttribute("data-group")));
        Assert.Equal(["onprem-prod", "aws-prod", "gcp-staging", "azure-dev"], Rows(page));
    }

    [Fact]
    public void An_unreachable_cluster_says_how_old_its_data_is_and_the_age_moves_on()
    {
        var page = RenderPage(Hybrid);

        Assert.Equal("data from 5m ago", page.Find("tr[data-cluster=gcp-staging] [data-testid=stale-age]").TextContent.Trim());
        Assert.Empty(page.FindAll("tr[data-cluster=aws-prod] [data-testid=stale-age]"));

        Time.Advance(TimeSpan.FromMinutes(2));
        page.WaitForAssertion(() => Assert.Equal("data from 7m ago", page.Find("tr[data-cluster=gcp-staging] [data-testid=stale-age]").TextContent.Trim()));
    }

    [Fact]
    public void Only_a_release_past_its_end_of_life_gets_the_end_of_support_badge()
    {
        var page = RenderPage(Hybrid);

        Assert.Single(page.FindAll("[data-testid=end-of-support]"));
        Assert.Single(page.FindAll("tr[data-cluster=azure-dev] [data-testid=end-of-support]"));
        Assert.Contains("v1.29.3", page.Find("tr[data-cluster=azure-dev]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Fleet_totals_add_up_the_clusters()
    {
        var page = RenderPage(Hybrid);

        Assert.Contains("4", page.Find("[data-testid=total-clusters]").TextContent, StringComparison.Ordinal);
        Assert.Contains("3 live", page.Find("[data-testid=total-clusters]").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 past end of support", page.Find("[data-testid=total-clusters]").TextContent, StringComparison.Ordinal);
        Assert.Contains("13 / 14", page.Find("[data-testid=total-nodes]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Running 80", page.Find("[data-testid=total-pods] [data-phase=Running]").TextContent.Trim());
        Assert.Equal("Pending 2", page.Find("[data-testid=total-pods] [data-phase=Pending]").TextContent.Trim());
        Assert.Contains("82", page.Find("[data-testid=total-pods]").TextContent, StringComparison.Ordinal);
        Assert.Contains("2", page.Find("[data-testid=total-problems]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Charts_count_pods_by_provider_and_environment_and_nodes_by_runtime_and_version()
    {
        var page = RenderPage(Hybrid);

        string Values(string chart) => string.Join(", ", page.FindAll($"[data-testid={chart}] [data-label]").Select(v => v.TextContent.Trim()));
        Assert.Equal("On-prem / private cloud: 20, AWS: 42, Google Cloud: 10, Azure: 10", Values("chart-pods-provider"));
        Assert.Equal("Production: 62, Staging: 10, Development: 10", Values("chart-pods-environment"));
        Assert.Equal("containerd 1.7: 11, cri-o 1.29: 3", Values("chart-nodes-runtime"));
        Assert.Equal("1.29: 3, 1.35: 11", Values("chart-versions"));
        Assert.NotEmpty(page.FindAll("[data-testid=chart-pods-provider] svg"));
    }

    [Fact]
    public void Problems_link_to_their_objects_pages()
    {
        var page = RenderPage(Hybrid);

        var links = page.FindAll("[data-testid=problem-list] a[data-testid=problem-link]");
        Assert.Equal(["/resources/pods/aws-prod/shop/recommendations-7c9", "/resources/nodes/onprem-prod/-/node-3"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal("2 problems", page.Find("[data-testid=problem-count]").TextContent.Trim());
        Assert.Contains("Crash-looping pod", page.Find("tr[data-problem=CrashLoop]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_list_says_how_many_more_there_are()
    {
        var problems = Enumerable.Range(0, 50).Select(i => Problem("PendingClaim", "persistentvolumeclaims", "aws-prod", "data", $"claim-{i}", 1)).ToList();
        var page = RenderPage(Hybrid with { Problems = problems, ProblemsTotal = 73 });

        Assert.Equal(50, page.FindAll("[data-testid=problem-list] tbody tr").Count);
        Assert.Equal("50 most severe of 73: 23 more not shown", page.Find("[data-testid=problem-count]").TextContent.Trim());
    }

    [Fact]
    public void Text_from_a_cluster_is_shown_as_text_and_escaped_in_links()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        var aggregates = Hybrid with
        {
            Clusters = [Cluster("kind-<i>dev</i>", "<b>cloud</b>", "dev", version: hostile)],
            Problems = [new FleetProblem("CrashLoop", 3, "Pod", "pods", "kind-<i>dev</i>", "a/b", hostile, hostile, Now)],
            ProblemsTotal = 1,
        };
        var page = RenderPage(aggregates);

        Assert.Empty(page.FindAll("main img, [data-testid=cluster-table] img, [data-testid=cluster-table] i, [data-testid=cluster-table] b, [data-testid=problem-list] img"));
        Assert.Contains(hostile, page.Find("[data-testid=problem-list]").TextContent, StringComparison.Ordinal);
        Assert.Contains(hostile, page.Find("[data-testid=cluster-table]").TextContent, StringComparison.Ordinal);
        Assert.Equal("/resources/pods/kind-%3Ci%3Edev%3C%2Fi%3E/a%2Fb/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E",
            page.Find("a[data-testid=problem-link]").GetAttribute("href"));
    }

    [Fact]
    public void A_user_of_some_namespaces_sees_their_problems_without_cluster_numbers()
    {
        var page = RenderPage(new FleetAggregates(1, [], [Problem("CrashLoop", "pods", "aws-prod", "shop", "recommendations-7c9")], 1));

        Assert.NotNull(page.Find("[data-testid=no-whole-clusters]"));
        Assert.Empty(page.FindAll("[data-testid=cluster-table], [data-testid=fleet-totals], [data-testid=fleet-charts], [data-testid=no-clusters]"));
        Assert.Single(page.FindAll("[data-testid=problem-list] tbody tr"));
    }

    [Fact]
    public void An_empty_fleet_says_so()
    {
        var page = RenderPage(new FleetAggregates(1, [], [], 0));

        Assert.NotNull(page.Find("[data-testid=no-clusters]"));
        Assert.Empty(page.FindAll("[data-testid=problem-list]"));
    }

    [Fact]
    public void A_push_replaces_what_is_shown()
    {
        var page = RenderPage(Hybrid);

        Connection.Push(nameof(IFleetClient.AggregatesChanged), Hybrid with
        {
            Sequence = 2,
            Clusters = [.. Hybrid.Clusters.Select(c => c.Cluster == "gcp-staging" ? c with { State = "Live", ControlPlane = c.ControlPlane with { State = "Healthy" } } : c)],
            Problems = [],
            ProblemsTotal = 0,
        });

        page.WaitForAssertion(() => Assert.Contains("Live", page.Find("tr[data-cluster=gcp-staging]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=stale-age]"));
        Assert.NotNull(page.Find("[data-testid=no-problems]"));
    }

    [Fact]
    public async Task After_a_reconnect_the_page_subscribes_again()
    {
        var page = RenderPage(Hybrid);
        Connection.Server = (_, _) => new FleetAggregates(5, [Cluster("aws-prod", "aws", "prod")], [], 0);

        await Connection.RaiseReconnectedAsync();

        page.WaitForAssertion(() => Assert.Equal(["aws-prod"], Rows(page)));
        Assert.Equal(2, Connection.Calls.Count(c => c.Method == nameof(IFleetHub.SubscribeAggregates)));
    }
}
