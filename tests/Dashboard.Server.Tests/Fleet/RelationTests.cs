using Dashboard.Server.State;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Tests.Fleet;

public sealed class RelationTests
{
    private readonly FleetStore _store = new();
    private readonly Interner _interner = new();

    private Resource Add(string plural, string json)
    {
        var resource = Objects.Project(plural, json, _interner);
        _store.Upsert(resource);
        return resource;
    }

    private void Node(string name, bool unschedulable = false) => Add("nodes", Objects.Fill("""
        {"metadata":{"name":"@name@","uid":"n-@name@","resourceVersion":"1","labels":{"topology.kubernetes.io/region":"eu-west-1"}},
         "spec":{"providerID":"aws:///eu-west-1a/i-@name@","unschedulable":@unschedulable@},
         "status":{"conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"v1.31.2","containerRuntimeVersion":"containerd://1.7.2"}}}
        """, new() { ["name"] = name, ["unschedulable"] = unschedulable ? "true" : "false" }));

    [Fact]
    public void Deployment_to_replica_sets_to_pods()
    {
        var deployment = Add("deployments", """{"metadata":{"name":"shop","namespace":"prod","uid":"d1","resourceVersion":"1"},"spec":{"replicas":2}}""");
        Add("replicasets", """
            {"metadata":{"name":"shop-new","namespace":"prod","uid":"rs-new","resourceVersion":"1","creationTimestamp":"2026-11-02T00:00:00Z",
              "ownerReferences":[{"kind":"Deployment","name":"shop","uid":"d1","controller":true}]}}
            """);
        Add("replicasets", """
            {"metadata":{"name":"shop-old","namespace":"prod","uid":"rs-old","resourceVersion":"1","creationTimestamp":"2026-11-01T00:00:00Z",
              "ownerReferences":[{"kind":"Deployment","name":"shop","uid":"d1","controller":true}]}}
            """);
        _store.Upsert(Objects.Pod("shop-new-1", "p1", ownerUid: "rs-new", interner: _interner));
        _store.Upsert(Objects.Pod("shop-new-2", "p2", ownerUid: "rs-new", interner: _interner));

        var tree = _store.DeploymentTree(deployment);

        Assert.Equal(["shop-new", "shop-old"], tree.Select(t => t.ReplicaSet.Meta.Name));
        Assert.Equal(["shop-new-1", "shop-new-2"], tree[0].Pods.Select(p => p.Meta.Name).Order());
        Assert.Empty(tree[1].Pods);
    }

    [Fact]
    public void Ingress_routes_to_service_to_ready_and_unready_pods_to_nodes()
    {
        Node("node-1");
        Node("node-2");
        _store.Upsert(Objects.Pod("shop-1", "p1", node: "node-1", interner: _interner));
        _store.Upsert(Objects.Pod("shop-2", "p2", node: "node-2", ready: false, interner: _interner));
        _store.Upsert(Objects.Pod("other", "p3", node: "node-2", app: "other", interner: _interner));
        Add("services", """{"metadata":{"name":"shop","namespace":"prod","uid":"s1","resourceVersion":"1"},"spec":{"type":"ClusterIP","selector":{"app":"shop"},"ports":[{"port":80,"targetPort":8080}]}}""");
        var ingress = Add("ingresses", """
            {"metadata":{"name":"shop","namespace":"prod","uid":"i1","resourceVersion":"1"},
             "spec":{"ingressClassName":"nginx","rules":[{"host":"shop.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"shop","port":{"number":80}}}}]}}]}}
            """);

        var route = Assert.Single(_store.IngressRoutes(ingress));

        Assert.Equal(new IngressRule("shop.example.com", "/", "shop", "80"), route.Rule);
        Assert.Equal("shop", route.Service?.Meta.Name);
        Assert.Equal(["shop-1"], route.Backends!.ReadyPods.Select(p => p.Meta.Name));
        Assert.Equal(["shop-2"], route.Backends.UnreadyPods.Select(p => p.Meta.Name));
        Assert.Equal(["node-1", "node-2"], route.Nodes.Select(n => n.Meta.Name).Order());
    }

    [Fact]
    public void Selectorless_service_is_backed_by_its_endpoints()
    {
        var service = Add("services", """{"metadata":{"name":"legacy-db","namespace":"prod","uid":"s2","resourceVersion":"1"},"spec":{"ports":[{"port":5432}]}}""");
        Add("endpoints", """{"metadata":{"name":"legacy-db","namespace":"prod","uid":"e2","resourceVersion":"1"},"subsets":[{"addresses":[{"ip":"192.0.2.10"}],"ports":[{"port":5432}]}]}""");

        var backends = _store.ServiceBackends(service);

        Assert.Empty(backends.ReadyPods);
        Assert.Equal(["192.0.2.10"], backends.ExternalAddresses);
    }

    [Fact]
    public void Daemon_set_lacks_schedulable_nodes_without_its_pod()
    {
        Node("node-1");
        Node("node-2");
        Node("node-3", unschedulable: true);
        var ds = Add("daemonsets", """{"metadata":{"name":"logs","namespace":"kube-system","uid":"ds1","resourceVersion":"1"},"spec":{"selector":{"matchLabels":{"app":"logs"}}}}""");
        _store.Upsert(Objects.Pod("logs-a", "l1", node: "node-1", ownerUid: "ds1", app: "logs", interner: _interner));

        Assert.Equal(["node-2"], _store.DaemonSetMissingNodes(ds).Select(n => n.Meta.Name));
    }

    [Fact]
    public void Claim_to_volume_and_autoscaler_to_target()
    {
        Add("persistentvolumes", """{"metadata":{"name":"pv-1","uid":"v1","resourceVersion":"1"},"spec":{"capacity":{"storage":"10Gi"},"claimRef":{"namespace":"prod","name":"data-db-0"}},"status":{"phase":"Bound"}}""");
        var claim = Add("persistentvolumeclaims", """{"metadata":{"name":"data-db-0","namespace":"prod","uid":"c1","resourceVersion":"1"},"spec":{"volumeName":"pv-1","storageClassName":"fast"},"status":{"phase":"Bound"}}""");
        Add("deployments", """{"metadata":{"name":"shop","namespace":"prod","uid":"d1","resourceVersion":"1"},"spec":{"replicas":2}}""");
        var hpa = Add("horizontalpodautoscalers", """{"metadata":{"name":"shop","namespace":"prod","uid":"h1","resourceVersion":"1"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"shop"},"maxReplicas":10}}""");

        Assert.Equal("pv-1", _store.ClaimedVolume(claim)?.Meta.Name);
        Assert.Equal("shop", _store.AutoscalerTarget(hpa)?.Meta.Name);
    }
}
