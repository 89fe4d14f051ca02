using Dashboard.Server.Access;
using Dashboard.Server.Clusters;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Server.Tests.Fleet;
using Dashboard.Shared.Access;
using Dashboard.Shared.Fleet;
using Dashboard.Shared.Live;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Server.Tests.Live;

/// <summary>
/// The fleet page's aggregates over a store filled by hand (the clusters are registered but not watched):
/// what counts as a problem, in which order, and what each scope gets.
/// </summary>
public sealed class FleetAggregatorTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly FleetStore _store = new();
    private readonly Interner _interner = new();
    private FleetWatcher _watcher = null!;
    private ClusterDirectory _clusters = null!;
    private FleetAggregator _aggregator = null!;
    private int _uid;

    public Task InitializeAsync()
    {
        _watcher = new FleetWatcher(_store, _interner, new ConfigurationBuilder().Build(), _time, [], NullLogger<FleetWatcher>.Instance);
        _clusters = new ClusterDirectory(_watcher, _time);
        _aggregator = new FleetAggregator(_store, _clusters, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _watcher.DisposeAsync();

    private static AccessScope Scope(string clusters, string namespaces) => AccessScope.From([new Grant(TeamRole.Viewer, clusters, namespaces)]);

    private ClusterWatch Cluster(string name, string provider, string environment)
    {
        var watch = _watcher.Add(new ClusterEndpoint(name, null, new ClusterLabels(provider, environment, ""), "test", "not watched in this test"));
        _clusters.Refresh();
        return watch;
    }

    /// <summary>The cluster answers and every kind is watched: Live, with a version and an API latency.</summary>
    private void Live(ClusterWatch watch, string version)
    {
        watch.Health.ConfigurationError = null;
        watch.Health.Version = version;
        watch.Health.Track("Pod").Watching();
        watch.Health.Contacted(TimeSpan.FromMilliseconds(12));
        _clusters.Refresh();
    }

    private void Put(string cluster, string plural, string json) => _store.Upsert(Objects.Project(plural, json, _interner, cluster));

    private string Uid() => $"uid-{++_uid}";

    private void Pod(string cluster, string ns, string name, string? waitingReason = null, int restarts = 0, string ownerUid = "rs-1", string node = "node-1", bool? ready = null) =>
        Put(cluster, "pods", Objects.PodJson(name, Uid(), node: node, ready: ready ?? waitingReason is null, ownerUid: ownerUid, waitingReason: waitingReason, restarts: restarts)
            .Replace("\"namespace\":\"prod\"", $"\"namespace\":\"{ns}\"", StringComparison.Ordinal));

    private void Node(string cluster, string name, bool ready = true, bool controlPlane = false, string kubelet = "v1.31.4", string runtime = "containerd://1.7.27") =>
        Put(cluster, "nodes", Objects.Fill("""
            {"metadata":{"name":"@name@","uid":"@uid@","resourceVersion":"1","creationTimestamp":"2026-11-01T00:00:00Z","labels":{@labels@}},
             "spec":{},
             "status":{"conditions":[{"type":"Ready","status":"@ready@"}],"nodeInfo":{"kubeletVersion":"@kubelet@","containerRuntimeVersion":"@runtime@"}}}
            """, new()
        {
            ["name"] = name, ["uid"] = Uid(), ["labels"] = controlPlane ? "\"node-role.kubernetes.io/control-plane\":\"\"" : "",
            ["ready"] = ready ? "True" : "False", ["kubelet"] = kubelet, ["runtime"] = runtime,
        }));

    private void Deployment(string cluster, string ns, string name, int desired, int available, string plural = "deployments") =>
        Put(cluster, plural, Objects.Fill("""
            {"metadata":{"name":"@name@","namespace":"@ns@","uid":"@uid@","resourceVersion":"1","creationTimestamp":"2026-11-02T00:00:00Z"},
             "spec":{"replicas":@desired@,"selector":{"matchLabels":{"app":"@name@"}},"template":{"spec":{"containers":[]}}},
             "status":{"readyReplicas":@available@,"availableReplicas":@available@}}
            """, new() { ["name"] = name, ["ns"] = ns, ["uid"] = Uid(), ["desired"] = $"{desired}", ["available"] = $"{available}" }));

    private void DaemonSet(string cluster, string ns, string name, string uid, int desired, int ready) =>
        Put(cluster, "daemonsets", Objects.Fill("""
            {"metadata":{"name":"@name@","namespace":"@ns@","uid":"@uid@","resourceVersion":"1","creationTimestamp":"2026-11-02T00:00:00Z"},
             "spec":{"selector":{"matchLabels":{"app":"@name@"}},"template":{"spec":{"containers":[]}}},
             "status":{"desiredNumberScheduled":@desired@,"numberReady":@ready@,"numberAvailable":@ready@}}
            """, new() { ["name"] = name, ["ns"] = ns, ["uid"] = uid, ["desired"] = $"{desired}", ["ready"] = $"{ready}" }));

    private void Claim(string cluster, string ns, string name, string phase = "Pending", string created = "2026-11-03T00:00:00Z") =>
        Put(cluster, "persistentvolumeclaims", Objects.Fill("""
            {"metadata":{"name":"@name@","namespace":"@ns@","uid":"@uid@","resourceVersion":"1","creationTimestamp":"@created@"},
             "spec":{"storageClassName":"fast","accessModes":["ReadWriteOnce"]},"status":{"phase":"@phase@"}}
            """, new() { ["name"] = name, ["ns"] = ns, ["uid"] = Uid(), ["created"] = created, ["phase"] = phase }));

    /// <summary>One of each problem in onprem-prod, and healthy objects that must not be listed.</summary>
    private void TroubledCluster(string name = "onprem-prod", string provider = "onprem", string environment = "prod")
    {
        Cluster(name, provider, environment);
        Node(name, "node-1", controlPlane: true);
        Node(name, "node-2");
        Node(name, "node-3", ready: false);
        Pod(name, "shop", "recommendations-1", waitingReason: "CrashLoopBackOff", restarts: 7);
        Pod(name, "shop", "storefront-1");
        Pod(name, "shop", "legacy-1", restarts: 25);
        Pod(name, "data", "loader-1", waitingReason: "ImagePullBackOff");
        Deployment(name, "shop", "recommendations", desired: 2, available: 0);
        Deployment(name, "shop", "storefront", desired: 3, available: 3);
        Deployment(name, "data", "postgres", desired: 3, available: 2, plural: "statefulsets");
        DaemonSet(name, "logging", "fluent-bit", "ds-fluent", desired: 3, ready: 2);
        Pod(name, "logging", "fluent-bit-a", ownerUid: "ds-fluent", node: "node-1");
        Pod(name, "logging", "fluent-bit-b", ownerUid: "ds-fluent", node: "node-2");
        Claim(name, "data", "postgres-data-2");
        Claim(name, "data", "postgres-data-0", phase: "Bound");
    }

    [Fact]
    public void Every_kind_of_problem_is_listed_most_severe_first_and_healthy_objects_are_not()
    {
        TroubledCluster();

        var aggregates = _aggregator.For(AccessScope.Everything);

        // Most severe first; within a severity the newest (pods by start, others by creation), then by place.
        Assert.Equal(
            [
                ("Unavailable", "shop", "recommendations"), ("CrashLoop", "shop", "recommendations-1"), ("NodeNotReady", null, "node-3"),
                ("Unavailable", "data", "postgres"), ("DaemonSetMissingNodes", "logging", "fluent-bit"), ("ImagePull", "data", "loader-1"),
                ("PendingClaim", "data", "postgres-data-2"), ("Restarts", "shop", "legacy-1"),
            ],
            aggregates.Problems.Select(p => (p.Type, p.Namespace, p.Name)));
        Assert.Equal(aggregates.Problems.OrderByDescending(p => p.Severity).Select(p => p.Severity), aggregates.Problems.Select(p => p.Severity));
        Assert.Equal(8, aggregates.ProblemsTotal);
        Assert.Equal("no pod on node node-3", aggregates.Problems.Single(p => p.Type == "DaemonSetMissingNodes").Detail);
        Assert.StartsWith("CrashLoopBackOff, ", aggregates.Problems.Single(p => p.Type == "CrashLoop").Detail, StringComparison.Ordinal);
        Assert.Equal("0 of 2 replicas available", aggregates.Problems.Single(p => p.Name == "recommendations").Detail);
        var node = aggregates.Problems.Single(p => p.Type == "NodeNotReady");
        Assert.Equal(("Node", "nodes", "onprem-prod"), (node.Kind, node.Plural, node.Cluster));
        Assert.Equal("persistentvolumeclaims", aggregates.Problems.Single(p => p.Type == "PendingClaim").Plural);

        var cluster = Assert.Single(aggregates.Clusters);
        Assert.Equal(8, cluster.Problems);
        Assert.Equal((2, 3), (cluster.NodesReady, cluster.NodesTotal));
        Assert.Equal(3, cluster.UnavailableWorkloads); // recommendations, postgres, fluent-bit
    }

    [Fact]
    public void A_crash_looping_pod_stays_listed_while_it_runs_between_two_back_offs()
    {
        Cluster("aws-prod", "aws", "prod");
        Pod("aws-prod", "shop", "between-back-offs", restarts: 3, ready: false);
        Pod("aws-prod", "shop", "just-started", restarts: 0, ready: false);

        var problem = Assert.Single(_aggregator.For(AccessScope.Everything).Problems);

        Assert.Equal(("CrashLoop", "between-back-offs"), (problem.Type, problem.Name));
        Assert.Equal("restarting, not ready, 4 restarts", problem.Detail); // the sidecar's restart counts too
    }

    [Fact]
    public void Newer_problems_come_before_older_ones_of_the_same_severity()
    {
        Cluster("aws-prod", "aws", "prod");
        Claim("aws-prod", "data", "old", created: "2026-10-01T00:00:00Z");
        Claim("aws-prod", "data", "new", created: "2026-11-20T00:00:00Z");
        Claim("aws-prod", "data", "middle", created: "2026-11-01T00:00:00Z");

        Assert.Equal(["new", "middle", "old"], _aggregator.For(AccessScope.Everything).Problems.Select(p => p.Name));
    }

    [Fact]
    public void A_scope_of_some_namespaces_gets_their_problems_but_no_whole_cluster_counts_and_no_node_problems()
    {
        TroubledCluster();

        var aggregates = _aggregator.For(Scope("*", "shop"));

        Assert.Empty(aggregates.Clusters);
        Assert.Equal(["legacy-1", "recommendations", "recommendations-1"], aggregates.Problems.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(aggregates.Problems, p => Assert.Equal("shop", p.Namespace));
        Assert.Equal(3, aggregates.ProblemsTotal);
    }

    [Fact]
    public void A_prod_only_scope_gets_nothing_of_other_clusters_not_even_a_count()
    {
        TroubledCluster();
        TroubledCluster("gcp-staging", "gcp", "staging");
        Cluster("azure-dev", "azure", "dev");
        Claim("azure-dev", "shop", "cache");

        var prod = _aggregator.For(Scope("environment=prod", "*"));
        var everything = _aggregator.For(AccessScope.Everything);

        Assert.Equal(["onprem-prod"], prod.Clusters.Select(c => c.Cluster));
        Assert.All(prod.Problems, p => Assert.Equal("onprem-prod", p.Cluster));
        Assert.Equal(8, prod.ProblemsTotal);
        Assert.Equal(17, everything.ProblemsTotal);
        Assert.Equal(["azure-dev", "gcp-staging", "onprem-prod"], everything.Clusters.Select(c => c.Cluster));
        Assert.Empty(_aggregator.For(AccessScope.Nothing).Problems);
        Assert.Equal(0, _aggregator.For(AccessScope.Nothing).ProblemsTotal);
    }

    [Fact]
    public void The_list_holds_a_page_of_problems_and_counts_the_rest()
    {
        Cluster("gcp-staging", "gcp", "staging");
        for (var i = 0; i < 70; i++)
        {
            Claim("gcp-staging", "data", $"claim-{i:D2}");
        }

        var aggregates = _aggregator.For(AccessScope.Everything);

        Assert.Equal(FleetAggregator.ProblemPage, aggregates.Problems.Count);
        Assert.Equal(70, aggregates.ProblemsTotal);
        Assert.Equal(70, aggregates.Clusters.Single().Problems);
    }

    [Fact]
    public void Users_with_equal_grants_share_one_answer_until_the_fleet_changes()
    {
        TroubledCluster();
        var first = _aggregator.For(Scope("environment=prod", "*"));

        Assert.Same(first, _aggregator.For(Scope("environment=prod", "*")));

        Claim("onprem-prod", "data", "another");
        _time.Advance(TimeSpan.FromSeconds(1));
        var next = _aggregator.For(Scope("environment=prod", "*"));

        Assert.True(next.Sequence > first.Sequence);
        Assert.Equal(first.ProblemsTotal + 1, next.ProblemsTotal);
    }

    [Fact]
    public void The_store_is_read_again_at_most_twice_a_second()
    {
        TroubledCluster();
        var first = _aggregator.For(AccessScope.Everything);

        Claim("onprem-prod", "data", "another");
        Assert.Same(first, _aggregator.For(AccessScope.Everything));

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(first.ProblemsTotal + 1, _aggregator.For(AccessScope.Everything).ProblemsTotal);
    }

    [Fact]
    public void A_cluster_shows_its_version_support_control_plane_runtimes_and_kubelet_versions()
    {
        var watch = Cluster("onprem-prod", "onprem", "prod");
        Node("onprem-prod", "cp-1", controlPlane: true, kubelet: "v1.29.3");
        Node("onprem-prod", "cp-2", controlPlane: true, ready: false, kubelet: "v1.29.3");
        Node("onprem-prod", "worker-1", runtime: "cri-o://1.29.1", kubelet: "v1.28.9");
        Live(watch, "v1.29.3");

        var cluster = _aggregator.For(AccessScope.Everything).Clusters.Single();

        Assert.Equal(("Live", "v1.29.3", true), (cluster.State, cluster.Version, cluster.EndOfSupport)); // 1.29 ended 2025-02-28
        Assert.Equal(new ControlPlaneStatus("Degraded", 12, 1, 2, null), cluster.ControlPlane);
        Assert.Equal(new Dictionary<string, int> { ["containerd://1.7.27"] = 2, ["cri-o://1.29.1"] = 1 }, cluster.NodesByRuntime);
        Assert.Equal(new Dictionary<string, int> { ["v1.29.3"] = 2, ["v1.28.9"] = 1 }, cluster.NodesByKubeletVersion);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, cluster.LastContactUtc);
    }

    [Fact]
    public void An_unreachable_cluster_keeps_its_counts_and_says_when_it_last_answered()
    {
        var watch = Cluster("aws-prod", "aws", "prod");
        Node("aws-prod", "node-1");
        Live(watch, "v1.35.0");
        var contact = _time.GetUtcNow().UtcDateTime;
        var live = _aggregator.For(AccessScope.Everything);

        _time.Advance(TimeSpan.FromMinutes(5));
        watch.Health.Track("Pod").Failed("connection refused", TimeSpan.FromSeconds(30));
        _clusters.Refresh();
        var down = _aggregator.For(AccessScope.Everything);

        Assert.True(down.Sequence > live.Sequence, "a change of health is news without any object changing");
        var cluster = down.Clusters.Single();
        Assert.Equal(("Unreachable", "Unreachable", contact), (cluster.State, cluster.ControlPlane.State, cluster.LastContactUtc));
        Assert.Equal((1, 1), (cluster.NodesReady, cluster.NodesTotal));
        Assert.False(cluster.EndOfSupport);
    }
}
