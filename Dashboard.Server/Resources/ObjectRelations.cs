using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Resources;

/// <summary>
/// An object's links to others, from the fleet store (<see cref="Relations"/>): its owner chain up, what it owns down,
/// and what each kind points at. Only objects the caller may see are named.
/// </summary>
public static class ObjectRelations
{
    private const int MaxOwnerDepth = 8;

    public static IReadOnlyList<RelatedObject> Of(FleetStore store, Resource resource, Func<string?, bool> visible)
    {
        var related = new List<RelatedObject>();
        void Add(string relation, Resource target, string? detail = null)
        {
            if (visible(target.Meta.Namespace))
            {
                related.Add(new RelatedObject(relation, Link(target), detail));
            }
        }

        OwnerChain(store, resource, r => Add("Owner", r));

        switch (resource.Spec)
        {
            case WorkloadSpecInfo when resource.Kind == "Deployment":
                foreach (var (replicaSet, pods) in store.DeploymentTree(resource))
                {
                    Add("ReplicaSet", replicaSet, (replicaSet.Spec as WorkloadSpecInfo) is { } rs ? $"{rs.Ready}/{rs.Desired} ready" : null);
                    foreach (var pod in pods)
                    {
                        Add("Pod", pod, PodDetail(pod, $"from {replicaSet.Meta.Name}"));
                    }
                }

                break;
            case ServiceSpecInfo:
                Backends(store.ServiceBackends(resource), Add, related, null);
                break;
            case IngressSpecInfo:
                foreach (var route in store.IngressRoutes(resource))
                {
                    var path = $"{route.Rule.Host ?? "*"}{route.Rule.Path} → {route.Rule.ServiceName}{(route.Rule.ServicePort is { } port ? ":" + port : "")}";
                    if (route.Service is { } service)
                    {
                        Add("Route", service, path);
                    }
                    else
                    {
                        related.Add(new RelatedObject("Route", null, path + " (no such service)"));
                    }

                    if (route.Backends is { } backends)
                    {
                        Backends(backends, Add, related, route.Rule.ServiceName);
                    }
                }

                break;
            case PodSpecInfo pod:
                if (pod.Node is { } nodeName && store.Get(resource.Meta.Cluster, "Node", null, nodeName) is { } node)
                {
                    Add("Node", node);
                }

                foreach (var service in store.List("Service", resource.Meta.Cluster, resource.Meta.Namespace)
                             .Where(s => s.Spec is ServiceSpecInfo { Selector: { Count: > 0 } selector } && Relations.Matches(selector, resource.Meta.Labels)))
                {
                    Add("Service", service);
                }

                break;
            case NodeSpecInfo:
                foreach (var pod in store.PodsOnNode(resource.Meta.Cluster, resource.Meta.Name)
                             .OrderBy(p => p.Meta.Namespace, StringComparer.Ordinal).ThenBy(p => p.Meta.Name, StringComparer.Ordinal))
                {
                    Add("Pod", pod, PodDetail(pod, pod.Meta.Namespace));
                }

                break;
            case VolumeClaimSpecInfo:
                if (store.ClaimedVolume(resource) is { } volume)
                {
                    Add("Volume", volume, (volume.Spec as VolumeSpecInfo)?.Capacity);
                }

                break;
            case VolumeSpecInfo { ClaimName: { } claimName } pv:
                if (store.Get(resource.Meta.Cluster, "PersistentVolumeClaim", pv.ClaimNamespace, claimName) is { } claim)
                {
                    Add("Claim", claim);
                }

                break;
            case AutoscalerSpecInfo:
                if (store.AutoscalerTarget(resource) is { } target)
                {
                    Add("Scale target", target);
                }

                break;
        }

        Owned(store, resource, Add);
        if (resource.Meta.Namespace is not null && resource.Kind is "Deployment" or "StatefulSet" or "ReplicaSet")
        {
            foreach (var autoscaler in store.List("HorizontalPodAutoscaler", resource.Meta.Cluster, resource.Meta.Namespace)
                         .Where(h => h.Spec is AutoscalerSpecInfo a && a.TargetKind == resource.Kind && a.TargetName == resource.Meta.Name))
            {
                Add("Autoscaler", autoscaler);
            }
        }

        // A Deployment's pods are named under their ReplicaSets already.
        return related.DistinctBy(r => (r.Relation, r.Target, r.Detail)).ToList();
    }

    public static ObjectLink Link(Resource r) =>
        new(r.Kind, ObjectDetails.PluralOf(r.Kind), r.Meta.Cluster, r.Meta.Namespace, r.Meta.Name);

    private static void OwnerChain(FleetStore store, Resource resource, Action<Resource> add)
    {
        var current = resource;
        for (var depth = 0; depth < MaxOwnerDepth && current.Meta.Owner is { } owner; depth++)
        {
            var ownerNamespace = ObjectDetails.PluralOf(owner.Kind) is { } plural && WatchedKinds.ByPlural[plural] is { Namespaced: false } ? null : current.Meta.Namespace;
            var found = store.Get(current.Meta.Cluster, owner.Kind, ownerNamespace, owner.Name);
            if (found is null || found.Meta.Uid != owner.Uid)
            {
                return;
            }

            add(found);
            current = found;
        }
    }

    /// <summary>Objects whose controlling owner this is, of any kind the store holds (a Deployment's are listed with their pods).</summary>
    private static void Owned(FleetStore store, Resource resource, Action<string, Resource, string?> add)
    {
        if (resource.Kind == "Deployment")
        {
            return;
        }

        foreach (var kind in WatchedKinds.All.Where(k => k.Namespaced))
        {
            foreach (var child in store.OwnedBy(resource.Meta.Cluster, kind.Kind, resource.Meta.Uid)
                         .OrderBy(c => c.Meta.Name, StringComparer.Ordinal))
            {
                add("Owned", child, child.Spec is PodSpecInfo ? PodDetail(child, null) : null);
            }
        }
    }

    private static void Backends(ServiceBackends backends, Action<string, Resource, string?> add, List<RelatedObject> related, string? via)
    {
        var suffix = via is null ? "" : $"via {via}";
        foreach (var pod in backends.ReadyPods)
        {
            add("Ready pod", pod, PodDetail(pod, suffix));
        }

        foreach (var pod in backends.UnreadyPods)
        {
            add("Unready pod", pod, PodDetail(pod, suffix));
        }

        foreach (var address in backends.ExternalAddresses)
        {
            related.Add(new RelatedObject("Address", null, address));
        }
    }

    private static string PodDetail(Resource pod, string? more)
    {
        var text = pod.Spec is PodSpecInfo p ? $"{p.Reason ?? p.Phase} · {p.ReadyContainers}/{p.TotalContainers} ready" : "";
        return string.IsNullOrEmpty(more) ? text : $"{text} · {more}";
    }
}
