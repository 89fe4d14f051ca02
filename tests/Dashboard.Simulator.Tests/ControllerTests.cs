using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Tests;

/// <summary>Controllers make the cluster behave: rollouts, sets, jobs, scheduling, crash loops, node failures, endpoints, HPA.</summary>
public sealed class ControllerTests : IAsyncLifetime
{
    private SimulatedFleet _fleet = null!;

    private SimulatedCluster Cluster => _fleet.Clusters[0];

    public async Task InitializeAsync() =>
        _fleet = await SimulatedFleet.StartAsync(Fast.Options("minimal") with { HpaInterval = TimeSpan.FromMilliseconds(200) });

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    private void Namespace(string ns) => Cluster.Apply("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"NS"}}""".Replace("NS", ns, StringComparison.Ordinal));

    private void Deployment(string ns, string name, int replicas, string image, string extraSpec = "") => Cluster.Apply(
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME","namespace":"NS"},"spec":{EXTRA"replicas":REPLICAS,"selector":{"matchLabels":{"app":"NAME"}},"template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"main","image":"IMAGE","resources":{"requests":{"cpu":"100m"}}}]}}}}"""
            .Replace("NAME", name, StringComparison.Ordinal).Replace("NS", ns, StringComparison.Ordinal).Replace("IMAGE", image, StringComparison.Ordinal)
            .Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("EXTRA", extraSpec, StringComparison.Ordinal));

    private IEnumerable<JsonObject> Pods(string ns) => Fast.Objects(Cluster, "pods", ns);

    private static string Image(JsonObject pod) => (string)pod["spec"]!["containers"]![0]!["image"]!;

    [Fact]
    public async Task RollingUpdate_ReplacesPodsWithinSurgeAndUnavailabilityBounds_AndRecordsRevisions()
    {
        Namespace("roll");
        Deployment("roll", "web", 4, "web:1", "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":1,\"maxUnavailable\":0}},");
        await Fast.UntilAsync(() => Pods("roll").Count(Fast.Ready) == 4, "4 ready pods of web:1");
        var maxPods = 0;
        var minReady = int.MaxValue;
        Cluster.SetImage("roll", "web", "main", "web:2");
        await Fast.UntilAsync(() =>
        {
            var pods = Pods("roll").ToList();
            maxPods = Math.Max(maxPods, pods.Count);
            minReady = Math.Min(minReady, pods.Count(Fast.Ready));
            return pods.Count == 4 && pods.All(p => Image(p) == "web:2" && Fast.Ready(p));
        }, "all pods on web:2");
        Assert.True(maxPods <= 5, $"maxSurge 1 exceeded: {maxPods} pods");
        Assert.True(minReady >= 3, $"fewer ready pods than allowed: {minReady}");
        var sets = Fast.Objects(Cluster, "replicasets", "roll", "apps").ToList();
        Assert.Equal(2, sets.Count);
        Assert.Contains(sets, r => (string?)r["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"] == "2" && (int)r["spec"]!["replicas"]! == 4);
        Assert.Contains(sets, r => (string?)r["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"] == "1" && (int)r["spec"]!["replicas"]! == 0);
        await Fast.UntilAsync(() => (int?)JsonNode.Parse(Cluster.GetJson("deployments", "roll", "web", "apps")!)!["status"]?["updatedReplicas"] == 4, "status updated");
        Assert.Contains(Fast.Objects(Cluster, "events", "roll"), e => (string?)e["reason"] == "ScalingReplicaSet" && ((string)e["message"]!).Contains("Scaled down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DaemonSet_FollowsNodesComingAndGoing()
    {
        int FluentBitPods() => Fast.Objects(Cluster, "pods", "logging").Count(Fast.Ready);
        await Fast.UntilAsync(() => FluentBitPods() == Cluster.NodeNames.Count, "one log pod per node");
        var node = JsonNode.Parse(Cluster.GetJson("nodes", null, Cluster.NodeNames[1])!)!.AsObject();
        node["metadata"]!["name"] = "extra-node";
        node["metadata"]!["labels"]!["kubernetes.io/hostname"] = "extra-node";
        node["metadata"]!.AsObject().Remove("uid");
        Cluster.Apply(node.ToJsonString());
        await Fast.UntilAsync(() => Fast.Objects(Cluster, "pods", "logging").Any(p => (string?)p["spec"]!["nodeName"] == "extra-node" && Fast.Ready(p)), "log pod on the new node");
        Cluster.Delete("nodes", null, "extra-node");
        await Fast.UntilAsync(() => Fast.Objects(Cluster, "pods", "logging").All(p => (string?)p["spec"]!["nodeName"] != "extra-node"), "log pod removed with the node");
    }

    [Fact]
    public async Task StatefulSet_CreatesOrdinalPodsWithBoundClaims()
    {
        await Fast.UntilAsync(() => Fast.Objects(Cluster, "pods", "data").Count(Fast.Ready) == 3, "postgres-0..2 ready");
        Assert.Equal(["postgres-0", "postgres-1", "postgres-2"], Fast.Objects(Cluster, "pods", "data").Select(p => (string)p["metadata"]!["name"]!).Order());
        await Fast.UntilAsync(() => Fast.Objects(Cluster, "persistentvolumeclaims", "data").Count(c => (string?)c["status"]!["phase"] == "Bound") == 3, "claims bound");
        var claim = Fast.Objects(Cluster, "persistentvolumeclaims", "data").First();
        Assert.Equal("data-postgres-0", (string?)claim["metadata"]!["name"]);
        Assert.NotNull(Cluster.GetJson("persistentvolumes", null, (string)claim["spec"]!["volumeName"]!));
    }

    [Fact]
    public async Task CrashLoopingWorkload_RestartsAndBacksOff()
    {
        await Fast.UntilAsync(() => Fast.PodsOf(Cluster, "shop", "recommendations").Any(p =>
            (int?)p["status"]?["containerStatuses"]?[0]?["restartCount"] >= 2), "two restarts");
        await Fast.UntilAsync(() => Fast.PodsOf(Cluster, "shop", "recommendations").Any(p =>
            (string?)p["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"] == "CrashLoopBackOff"), "CrashLoopBackOff");
        Assert.Contains(Fast.Objects(Cluster, "events", "shop"), e => (string?)e["reason"] == "BackOff" && (string?)e["type"] == "Warning");
        Assert.All(Fast.PodsOf(Cluster, "shop", "recommendations"), p => Assert.False(Fast.Ready(p)));
    }

    [Fact]
    public async Task NodeFailure_MakesItNotReady_AndEvictsItsPodsWhichComeBackElsewhere()
    {
        Namespace("failover");
        Deployment("failover", "api", 6, "api:1");
        await Fast.UntilAsync(() => Pods("failover").Count(Fast.Ready) == 6, "6 ready");
        var node = Pods("failover").GroupBy(p => (string)p["spec"]!["nodeName"]!).OrderByDescending(g => g.Count()).First().Key;
        Cluster.FailNode(node);
        var status = JsonNode.Parse(Cluster.GetJson("nodes", null, node)!)!["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!;
        Assert.Equal("Unknown", (string?)status["status"]);
        Assert.Contains(Pods("failover"), p => (string?)p["spec"]!["nodeName"] == node && !Fast.Ready(p));
        await Fast.UntilAsync(() => Pods("failover").All(p => (string?)p["spec"]!["nodeName"] != node) && Pods("failover").Count(Fast.Ready) == 6,
            "pods evicted and running elsewhere", TimeSpan.FromSeconds(20));
        Assert.Contains(Fast.Objects(Cluster, "events", "failover"), e => (string?)e["reason"] == "TaintManagerEviction");
        Cluster.RecoverNode(node);
        Assert.Contains("\"KubeletReady\"", Cluster.GetJson("nodes", null, node)!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scheduler_LeavesCordonedNodesAlone()
    {
        Namespace("cordon");
        var workers = Cluster.NodeNames.Where(n => !Cluster.GetJson("nodes", null, n)!.Contains("control-plane", StringComparison.Ordinal)).ToList();
        foreach (var n in workers.Skip(1))
        {
            Cluster.CordonNode(n);
        }

        try
        {
            Deployment("cordon", "pinned", 3, "pinned:1");
            await Fast.UntilAsync(() => Pods("cordon").Count(Fast.Ready) == 3, "3 ready");
            Assert.All(Pods("cordon"), p => Assert.Equal(workers[0], (string?)p["spec"]!["nodeName"]));
        }
        finally
        {
            foreach (var n in workers.Skip(1))
            {
                Cluster.CordonNode(n, cordon: false);
            }
        }
    }

    [Fact]
    public async Task Endpoints_AndEndpointSlices_FollowReadyPods()
    {
        JsonNode? Endpoints() => Cluster.GetJson("endpoints", "shop", "orders-api") is { } json ? JsonNode.Parse(json) : null;
        await Fast.UntilAsync(() => Endpoints()?["subsets"]?[0]?["addresses"]?.AsArray().Count == 3, "3 addresses");
        Assert.Equal(8081, (int)Endpoints()!["subsets"]![0]!["ports"]![0]!["port"]!);
        var slice = Fast.Objects(Cluster, "endpointslices", "shop", "discovery.k8s.io").Single(s => (string?)s["metadata"]!["labels"]!["kubernetes.io/service-name"] == "orders-api");
        Assert.Equal(3, slice["endpoints"]!.AsArray().Count);
        Cluster.ScaleDeployment("shop", "orders-api", 1);
        await Fast.UntilAsync(() => Endpoints()?["subsets"]?[0]?["addresses"]?.AsArray().Count == 1, "1 address after scaling down");
        Cluster.ScaleDeployment("shop", "orders-api", 3);
        var external = JsonNode.Parse(Cluster.GetJson("endpoints", "shop", "orders-db-external")!)!;
        Assert.Equal("192.168.50.20", (string?)external["subsets"]![0]!["addresses"]![0]!["ip"]);
    }

    [Fact]
    public async Task Job_RunsToCompletion_AndCronJobCreatesJobsOnSchedule()
    {
        Namespace("jobs");
        Cluster.Apply("""{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"once","namespace":"jobs"},"spec":{"completions":2,"template":{"spec":{"containers":[{"name":"run","image":"busybox:1.36"}]}}}}""");
        await Fast.UntilAsync(() => JsonNode.Parse(Cluster.GetJson("jobs", "jobs", "once", "batch")!)!["status"]?["succeeded"]?.GetValue<int>() == 2, "2 completions");
        Assert.Contains("\"Complete\"", Cluster.GetJson("jobs", "jobs", "once", "batch")!, StringComparison.Ordinal);
        Assert.All(Pods("jobs"), p => Assert.Equal("Succeeded", (string?)p["status"]!["phase"]));

        Cluster.Apply("""{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"tick","namespace":"jobs"},"spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"run","image":"busybox:1.36"}]}}}}}}""");
        Cluster.Store.Mutate(BuiltInKinds.CronJob, "jobs", "tick", c =>
        {
            c["status"] = new JsonObject { ["lastScheduleTime"] = DateTime.UtcNow.AddMinutes(-3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) };
            return true;
        });
        await Fast.UntilAsync(() => Fast.Objects(Cluster, "jobs", "jobs", "batch").Any(j => ((string)j["metadata"]!["name"]!).StartsWith("tick-", StringComparison.Ordinal)), "a job from the cron job");
    }

    [Fact]
    public async Task Hpa_ScalesTheDeploymentFromTheLoadSignal()
    {
        Namespace("hpa");
        Deployment("hpa", "busy", 1, "busy:1");
        Cluster.Apply("""{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"busy","namespace":"hpa"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"busy"},"minReplicas":1,"maxReplicas":4,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":1}}}]}}""");
        await Fast.UntilAsync(() => Pods("hpa").Count(Fast.Ready) == 4, "scaled out to maxReplicas");
        var hpa = JsonNode.Parse(Cluster.GetJson("horizontalpodautoscalers", "hpa", "busy", "autoscaling")!)!;
        Assert.Equal(4, (int)hpa["status"]!["desiredReplicas"]!);
        Assert.Contains(Fast.Objects(Cluster, "events", "hpa"), e => (string?)e["reason"] == "SuccessfulRescale");
    }
}
