using Dashboard.Shared.Fleet;

namespace Dashboard.Server.State;

public sealed record ReplicaSetPods(Resource ReplicaSet, IReadOnlyList<Resource> Pods);

public sealed record ServiceBackends(IReadOnlyList<Resource> ReadyPods, IReadOnlyList<Resource> UnreadyPods, IReadOnlyList<string> ExternalAddresses);

public sealed record IngressRoute(IngressRule Rule, Resource? Service, ServiceBackends? Backends, IReadOnlyList<Resource> Nodes);

/// <summary>The links between objects the screens draw, answered from the store's indexes.</summary>
public static class Relations
{
    /// <summary>Deployment -> ReplicaSets -> Pods, newest ReplicaSet first.</summary>
    public static IReadOnlyList<ReplicaSetPods> DeploymentTree(this FleetStore store, Resource deployment) =>
        store.OwnedBy(deployment.Meta.Cluster, "ReplicaSet", deployment.Meta.Uid)
            .OrderByDescending(rs => rs.Meta.CreatedUtc)
            .Select(rs => new ReplicaSetPods(rs, store.OwnedBy(rs.Meta.Cluster, "Pod", rs.Meta.Uid)))
            .ToList();

    /// <summary>
    /// The pods a Service sends traffic to, ready and not; a Service without a selector is backed by the
    /// addresses of its Endpoints instead (an external database, say).
    /// </summary>
    public static ServiceBackends ServiceBackends(this FleetStore store, Resource service)
    {
        if (service.Spec is ServiceSpecInfo { Selector: { Count: > 0 } selector })
        {
            var pods = store.List("Pod", service.Meta.Cluster, service.Meta.Namespace)
                .Where(p => Matches(selector, p.Meta.Labels) && p.Spec is PodSpecInfo { Phase: not ("Succeeded" or "Failed") })
                .ToList();
            return new(pods.Where(IsReady).ToList(), pods.Where(p => !IsReady(p)).ToList(), []);
        }

        var endpoints = store.Get(service.Meta.Cluster, "Endpoints", service.Meta.Namespace, service.Meta.Name);
        return new([], [], endpoints?.Spec is EndpointsSpecInfo e ? [.. e.ReadyAddresses, .. e.NotReadyAddresses] : []);
    }

    /// <summary>Ingress -> Services -> Pods -> Nodes, one route per rule.</summary>
    public static IReadOnlyList<IngressRoute> IngressRoutes(this FleetStore store, Resource ingress)
    {
        if (ingress.Spec is not IngressSpecInfo spec)
        {
            return [];
        }

        return spec.Rules.Select(rule =>
        {
            var service = store.Get(ingress.Meta.Cluster, "Service", ingress.Meta.Namespace, rule.ServiceName);
            var backends = service is null ? null : store.ServiceBackends(service);
            var nodes = backends is null
                ? []
                : backends.ReadyPods.Concat(backends.UnreadyPods)
                    .Select(p => (p.Spec as PodSpecInfo)?.Node)
                    .OfType<string>()
                    .Distinct(StringComparer.Ordinal)
                    .Select(n => store.Get(ingress.Meta.Cluster, "Node", null, n))
                    .OfType<Resource>()
                    .ToList();
            return new IngressRoute(rule, service, backends, nodes);
        }).ToList();
    }

    /// <summary>Schedulable nodes on which a DaemonSet has no pod.</summary>
    public static IReadOnlyList<Resource> DaemonSetMissingNodes(this FleetStore store, Resource daemonSet)
    {
        var covered = store.OwnedBy(daemonSet.Meta.Cluster, "Pod", daemonSet.Meta.Uid)
            .Select(p => (p.Spec as PodSpecInfo)?.Node)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        return store.List("Node", daemonSet.Meta.Cluster)
            .Where(n => n.Spec is NodeSpecInfo { Unschedulable: false } && !covered.Contains(n.Meta.Name))
            .ToList();
    }

    public static Resource? ClaimedVolume(this FleetStore store, Resource claim) =>
        claim.Spec is VolumeClaimSpecInfo { VolumeName: { } volume } ? store.Get(claim.Meta.Cluster, "PersistentVolume", null, volume) : null;

    public static Resource? AutoscalerTarget(this FleetStore store, Resource autoscaler) =>
        autoscaler.Spec is AutoscalerSpecInfo spec ? store.Get(autoscaler.Meta.Cluster, spec.TargetKind, autoscaler.Meta.Namespace, spec.TargetName) : null;

    public static bool Matches(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static bool IsReady(Resource pod) => pod.Spec is PodSpecInfo { Ready: true };
}
