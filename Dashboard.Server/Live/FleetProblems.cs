using Dashboard.Server.State;
using Dashboard.Shared.Fleet;
using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>
/// What is wrong in a cluster, object by object: crash-looping pods, NotReady nodes, unavailable workloads,
/// DaemonSets missing nodes and pending claims. Read from the store; filtering by scope is the caller's job.
/// </summary>
public static class FleetProblems
{
    /// <summary>Restarts from which a pod is listed even when it is up at the moment.</summary>
    public const int ManyRestarts = 10;

    /// <summary>Restarts from which a running pod that is not ready counts as crash-looping even between back-offs.</summary>
    public const int CrashLoopRestarts = 3;

    private static readonly HashSet<string> ImagePullReasons = new(["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError"], StringComparer.Ordinal);

    /// <summary>The problems of one cluster, unordered (its pods and nodes passed in: the caller has them already).</summary>
    public static IEnumerable<FleetProblem> In(FleetStore store, string cluster, IReadOnlyList<Resource> pods, IReadOnlyList<Resource> nodes)
    {
        foreach (var pod in pods)
        {
            if (pod.Spec is PodSpecInfo spec && Pod(pod, spec) is { } problem)
            {
                yield return problem;
            }
        }

        foreach (var node in nodes)
        {
            if (node.Spec is NodeSpecInfo { Ready: false } spec)
            {
                var detail = spec.Unschedulable ? "NotReady, cordoned" : "NotReady";
                yield return Problem("NodeNotReady", 3, node, "nodes", detail, node.Meta.CreatedUtc);
            }
        }

        foreach (var (kind, plural) in new[] { ("Deployment", "deployments"), ("StatefulSet", "statefulsets") })
        {
            foreach (var workload in store.List(kind, cluster))
            {
                if (workload.Spec is WorkloadSpecInfo spec && spec.Available < spec.Desired)
                {
                    yield return Problem("Unavailable", spec.Available == 0 ? 3 : 2, workload, plural,
                        $"{spec.Available} of {spec.Desired} replicas available", workload.Meta.CreatedUtc);
                }
            }
        }

        foreach (var daemonSet in store.List("DaemonSet", cluster))
        {
            // The controller's own count says whether pods are missing; the store says on which nodes. A
            // DaemonSet meant for some nodes only (a node selector) has all its pods and is not listed.
            if (daemonSet.Spec is WorkloadSpecInfo spec && spec.Ready < spec.Desired && store.DaemonSetMissingNodes(daemonSet) is { Count: > 0 } missing)
            {
                var detail = missing.Count == 1 ? $"no pod on node {missing[0].Meta.Name}" : $"no pod on {missing.Count} nodes";
                yield return Problem("DaemonSetMissingNodes", 2, daemonSet, "daemonsets", detail, daemonSet.Meta.CreatedUtc);
            }
        }

        foreach (var claim in store.List("PersistentVolumeClaim", cluster))
        {
            if (claim.Spec is VolumeClaimSpecInfo { Phase: "Pending" } spec)
            {
                var detail = spec.StorageClass is { } storageClass ? $"Pending (storage class {storageClass})" : "Pending";
                yield return Problem("PendingClaim", 1, claim, "persistentvolumeclaims", detail, claim.Meta.CreatedUtc);
            }
        }
    }

    /// <summary>Most severe first, then newest, then by place (a stable order for equal problems).</summary>
    public static IOrderedEnumerable<FleetProblem> Ordered(IEnumerable<FleetProblem> problems) =>
        problems.OrderByDescending(p => p.Severity)
            .ThenByDescending(p => p.SinceUtc ?? DateTime.MinValue)
            .ThenBy(p => p.Cluster, StringComparer.Ordinal)
            .ThenBy(p => p.Namespace, StringComparer.Ordinal)
            .ThenBy(p => p.Kind, StringComparer.Ordinal)
            .ThenBy(p => p.Name, StringComparer.Ordinal);

    private static FleetProblem? Pod(Resource pod, PodSpecInfo spec)
    {
        var since = spec.StartedUtc ?? pod.Meta.CreatedUtc;
        var restarts = spec.Restarts == 1 ? "1 restart" : $"{spec.Restarts} restarts";
        if (spec.Reason == "CrashLoopBackOff")
        {
            return Problem("CrashLoop", 3, pod, "pods", $"CrashLoopBackOff, {restarts}", since);
        }

        // Between two back-offs a crash-looping container runs for a moment, not ready: still the same loop.
        if (spec is { Phase: "Running", Ready: false } && spec.Restarts >= CrashLoopRestarts)
        {
            return Problem("CrashLoop", 3, pod, "pods", $"restarting, not ready, {restarts}", since);
        }

        if (spec.Reason is { } reason && ImagePullReasons.Contains(reason))
        {
            return Problem("ImagePull", 2, pod, "pods", reason, since);
        }

        return spec.Restarts >= ManyRestarts && spec.Phase is not ("Succeeded" or "Failed")
            ? Problem("Restarts", 1, pod, "pods", spec.Ready ? $"{restarts}, ready now" : restarts, since)
            : null;
    }

    private static FleetProblem Problem(string type, int severity, Resource resource, string plural, string detail, DateTime? since) =>
        new(type, severity, resource.Kind, plural, resource.Meta.Cluster, resource.Meta.Namespace, resource.Meta.Name, detail, since);
}
