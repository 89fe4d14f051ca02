using Dashboard.Server.State;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Tests.Fleet;

public sealed class ProjectionTests
{
    [Fact]
    public void Pod_keeps_what_the_screens_show()
    {
        var pod = Objects.Project("pods", Objects.PodJson("shop-abc-1", "u1", restarts: 2));

        Assert.Equal(new Meta("aws-prod", "prod", "shop-abc-1", "u1", "1", new DateTime(2026, 11, 1, 10, 0, 0, DateTimeKind.Utc),
            pod.Meta.Labels, new OwnerRef("ReplicaSet", "shop-abc", "rs-1")), pod.Meta);
        Assert.Equal("shop", pod.Meta.Labels["app"]);
        var spec = Assert.IsType<PodSpecInfo>(pod.Spec);
        Assert.Equal("Running", spec.Phase);
        Assert.Null(spec.Reason);
        Assert.Equal((2, 2, 3), (spec.ReadyContainers, spec.TotalContainers, spec.Restarts));
        Assert.Equal("node-1", spec.Node);
        Assert.Equal("10.0.0.7", spec.PodIp);
        Assert.Equal(["registry.example/shop:1.4", "envoy:1.30"], spec.Images);
        Assert.True(spec.Ready);
    }

    [Fact]
    public void Crash_looping_container_reason_is_the_pod_reason()
    {
        var pod = Objects.Project("pods", Objects.PodJson("bad", "u2", ready: false, waitingReason: "CrashLoopBackOff", restarts: 7));

        var spec = Assert.IsType<PodSpecInfo>(pod.Spec);
        Assert.Equal("CrashLoopBackOff", spec.Reason);
        Assert.Equal(1, spec.ReadyContainers);
        Assert.False(spec.Ready);
    }

    [Fact]
    public void Secret_keeps_type_and_key_count_never_a_value()
    {
        const string json = """
            {"kind":"Secret","metadata":{"name":"db","namespace":"prod","uid":"s1","resourceVersion":"3"},
             "type":"kubernetes.io/basic-auth","data":{"username":"YWRtaW4=","password":"c3VwZXJzZWNyZXQ="}}
            """;

        var secret = Objects.Project("secrets", json);

        var spec = Assert.IsType<GenericSpecInfo>(secret.Spec);
        Assert.Equal("kubernetes.io/basic-auth", spec.Fields["type"]);
        Assert.Equal("2", spec.Fields["keys"]);
        var everything = System.Text.Json.JsonSerializer.Serialize(secret);
        Assert.DoesNotContain("c3VwZXJzZWNyZXQ", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("YWRtaW4", everything, StringComparison.Ordinal);
    }

    [Fact]
    public void Pods_of_one_replica_set_share_labels_and_images()
    {
        var interner = new Interner();

        var a = Objects.Pod("shop-1", "u1", interner: interner);
        var b = Objects.Pod("shop-2", "u2", node: "node-2", interner: interner);

        Assert.Same(a.Meta.Labels, b.Meta.Labels);
        Assert.Same(((PodSpecInfo)a.Spec!).Images, ((PodSpecInfo)b.Spec!).Images);
        Assert.Same(a.Meta.Namespace, b.Meta.Namespace);
    }

    [Fact]
    public void Untrusted_fields_of_odd_types_do_not_throw()
    {
        const string json = """
            {"metadata":{"name":"<script>alert(1)</script>","uid":7,"labels":{"a":1,"b":null},"ownerReferences":"nope"},
             "spec":{"containers":"x","nodeName":{"n":1}},"status":{"containerStatuses":[{"ready":"yes","restartCount":"many"}]}}
            """;

        var pod = Objects.Project("pods", json);

        Assert.Equal("<script>alert(1)</script>", pod.Meta.Name);
        Assert.Equal("7", pod.Meta.Uid);
        Assert.Equal("1", pod.Meta.Labels["a"]);
        var spec = Assert.IsType<PodSpecInfo>(pod.Spec);
        Assert.Null(spec.Node);
        Assert.Equal("Unknown", spec.Phase);
    }
}
