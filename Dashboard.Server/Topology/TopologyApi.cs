using System.Security.Claims;
using Dashboard.Server.Access;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Shared.Fleet;
using Dashboard.Shared.Topology;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Topology;

/// <summary>
/// The map of a namespace: Ingress -> Service -> Pods -> Node, and Deployment -> ReplicaSet -> Pods, from the
/// store's relations. Out of scope answers 404, as for a namespace that does not exist.
/// </summary>
public static class TopologyApi
{
    public const int MaxPods = 300;

    public static WebApplication MapTopologyApi(this WebApplication app)
    {
        app.MapGet("/api/topology/{cluster}/{namespace}", MapAsync);
        return app;
    }

    internal static async Task<Results<Ok<TopologyGraph>, ProblemHttpResult>> MapAsync(
        string cluster, string @namespace, FleetStore store, ClusterDirectory clusters, RightsStore rights, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var scope = (await rights.ForAsync(user, cancellationToken)).Scope;
        var known = clusters.Summaries.TryGetValue(cluster, out var summary) && store.Get(cluster, "Namespace", null, @namespace) is not null;
        if (!known || !scope.Allows(cluster, summary!.Labels, @namespace))
        {
            return TypedResults.Problem($"No namespace '{@namespace}' in a cluster '{cluster}' that you can see.", statusCode: StatusCodes.Status404NotFound);
        }

        var nodes = new Dictionary<string, TopologyNode>(StringComparer.Ordinal);
        var edges = new HashSet<TopologyEdge>();
        var allPods = store.List("Pod", cluster, @namespace).OrderBy(p => p.Meta.Name, StringComparer.Ordinal).ToList();
        var pods = allPods.Take(MaxPods).Select(p => p.Meta.Uid).ToHashSet(StringComparer.Ordinal);

        string Add(Resource r, int column)
        {
            var id = $"{r.Kind}/{r.Meta.Name}";
            nodes.TryAdd(id, Describe(r, id, column));
            return id;
        }

        foreach (var pod in allPods.Where(p => pods.Contains(p.Meta.Uid)))
        {
            var podId = Add(pod, 4);
            if ((pod.Spec as PodSpecInfo)?.Node is { } nodeName && store.Get(cluster, "Node", null, nodeName) is { } node)
            {
                edges.Add(new(podId, Add(node, 5), "runs on"));
            }
        }

        foreach (var deployment in store.List("Deployment", cluster, @namespace))
        {
            var deploymentId = Add(deployment, 2);
            foreach (var (replicaSet, owned) in store.DeploymentTree(deployment))
            {
                if (replicaSet.Spec is WorkloadSpecInfo { Desired: 0 } && owned.Count == 0)
                {
                    continue; // an old revision kept for rollbacks: nothing runs there
                }

                var replicaSetId = Add(replicaSet, 3);
                edges.Add(new(deploymentId, replicaSetId, "owns"));
                foreach (var pod in owned.Where(p => pods.Contains(p.Meta.Uid)))
                {
                    edges.Add(new(replicaSetId, $"Pod/{pod.Meta.Name}", "owns"));
                }
            }
        }

        foreach (var service in store.List("Service", cluster, @namespace))
        {
            var serviceId = Add(service, 1);
            var backends = store.ServiceBackends(service);
            foreach (var pod in backends.ReadyPods.Concat(backends.UnreadyPods).Where(p => pods.Contains(p.Meta.Uid)))
            {
                edges.Add(new(serviceId, $"Pod/{pod.Meta.Name}", "routes to"));
            }
        }

        foreach (var ingress in store.List("Ingress", cluster, @namespace))
        {
            var ingressId = Add(ingress, 0);
            foreach (var route in store.IngressRoutes(ingress).Where(r => r.Service is not null))
            {
                edges.Add(new(ingressId, $"Service/{route.Service!.Meta.Name}", $"{route.Rule.Host ?? "*"}{route.Rule.Path}"));
            }
        }

        return TypedResults.Ok(new TopologyGraph(cluster, @namespace,
            nodes.Values.OrderBy(n => n.Column).ThenBy(n => n.Name, StringComparer.Ordinal).ToList(),
            edges.Where(e => nodes.ContainsKey(e.From) && nodes.ContainsKey(e.To)).ToList(),
            allPods.Count - pods.Count));
    }

    private static TopologyNode Describe(Resource r, string id, int column) => r.Spec switch
    {
        PodSpecInfo p => new(id, r.Kind, r.Meta.Name, column, p.Reason ?? p.Phase, $"{p.ReadyContainers}/{p.TotalContainers} ready, {p.Restarts} restarts",
            p.Ready && p.Reason is null),
        WorkloadSpecInfo w => new(id, r.Kind, r.Meta.Name, column, $"{w.Ready}/{w.Desired}", string.Join(", ", w.Images), w.Ready >= w.Desired),
        NodeSpecInfo n => new(id, r.Kind, r.Meta.Name, column, n.Ready ? "Ready" : "NotReady", n.KubeletVersion, n.Ready),
        ServiceSpecInfo s => new(id, r.Kind, r.Meta.Name, column, s.Type, s.ClusterIp, true),
        IngressSpecInfo i => new(id, r.Kind, r.Meta.Name, column, i.ClassName ?? "", string.Join(", ", i.Rules.Select(x => x.Host).OfType<string>().Distinct()), true),
        _ => new(id, r.Kind, r.Meta.Name, column, "", null, true),
    };
}
