using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Server.Clusters;
using Dashboard.Server.Watching;
using Dashboard.Shared.Actions;

namespace Dashboard.Server.Resources;

/// <summary>
/// An action on one object, in two steps so that the audit can record what it is about to change: the plan
/// reads the object's state before (its replicas, a node's schedulability), then Apply makes the change
/// through the cluster's API as kubectl does (the scale subresource, the restartedAt annotation, evictions)
/// and answers what the cluster says after.
/// </summary>
public sealed record ActionPlan(string? Before, Func<CancellationToken, Task<ActionResult>> Apply);

public sealed class ObjectActions(ClusterObjects objects, TimeProvider time)
{
    private const string MergePatch = "application/merge-patch+json";
    private const string StrategicMergePatch = "application/strategic-merge-patch+json";
    private const string JsonPatch = "application/json-patch+json";
    private const string RestartedAt = "kubectl.kubernetes.io/restartedAt";
    private const string Revision = "deployment.kubernetes.io/revision";

    /// <summary>
    /// One object an action is for: its cluster, kind, namespace (null: cluster-scoped), name and API path; and
    /// the user the cluster is to authorize its writes as, where the cluster is set to impersonate.
    /// </summary>
    public sealed record ActionTarget(ClusterWatch Cluster, WatchedKind Kind, string? Namespace, string Name, string Path, string? ImpersonateUser = null);

    public async Task<ActionPlan> PlanAsync(string action, ActionTarget target, ActionRequest request, CancellationToken cancellationToken)
    {
        if (action == ObjectActionNames.Scale)
        {
            return await ScaleAsync(target, request, cancellationToken); // reads the scale subresource, not the object
        }

        var current = await ReadAsync(target, target.Path, cancellationToken);
        return action switch
        {
            ObjectActionNames.Restart => new(TemplateAnnotation(current, RestartedAt), ct => RestartAsync(target, ct)),
            ObjectActionNames.Delete => new(Str(current, "metadata", "resourceVersion") is { } rv ? $"resourceVersion {rv}" : null, ct => DeleteAsync(target, ct)),
            ObjectActionNames.Cordon => new(Schedulable(current), ct => CordonAsync(target, true, ct)),
            ObjectActionNames.Uncordon => new(Schedulable(current), ct => CordonAsync(target, false, ct)),
            ObjectActionNames.Drain => new(Schedulable(current), ct => DrainAsync(target, ct)),
            ObjectActionNames.Undo => await UndoAsync(target, current, request, cancellationToken),
            _ => throw new ClusterCallException(StatusCodes.Status400BadRequest, $"Unknown action '{action}'."),
        };
    }

    /// <summary>
    /// Editing an object's YAML: the whole object is sent back with the resourceVersion it was read at, so a
    /// change made meanwhile is refused by the cluster (409), never overwritten. Answers the plan and the diff.
    /// </summary>
    public async Task<(ActionPlan Plan, string Diff)> PlanEditAsync(ActionTarget target, string yaml, CancellationToken cancellationToken)
    {
        JsonObject submitted;
        try
        {
            submitted = ObjectYamlReader.Read(yaml);
        }
        catch (FormatException e)
        {
            throw new ClusterCallException(StatusCodes.Status400BadRequest, e.Message);
        }

        if (Str(submitted, "metadata", "name") != target.Name || Str(submitted, "metadata", "namespace") != target.Namespace)
        {
            throw new ClusterCallException(StatusCodes.Status400BadRequest,
                $"The YAML names another object: its metadata.name and metadata.namespace must stay {target.Name}{(target.Namespace is null ? "" : $" and {target.Namespace}")}.");
        }

        if (Str(submitted, "metadata", "resourceVersion") is not { Length: > 0 } version)
        {
            throw new ClusterCallException(StatusCodes.Status400BadRequest,
                "The YAML has no metadata.resourceVersion: keep the one it was read with, so that a change made meanwhile is not overwritten.");
        }

        var current = await ReadAsync(target, target.Path, cancellationToken);
        var diff = LineDiff.Of(ObjectYaml.Write((JsonObject)current.DeepClone(), false), ObjectYaml.Write((JsonObject)submitted.DeepClone(), false));
        return (new ActionPlan($"resourceVersion {version}", async ct =>
        {
            var after = await WriteAsync(target, HttpMethod.Put, target.Path, submitted, "application/json", ct);
            var now = Str(after, "metadata", "resourceVersion");
            return new ActionResult(ObjectActionNames.Edit, $"Saved {target.Kind.Kind} {target.Name} (resourceVersion {version} -> {now}).",
                $"resourceVersion {version}", $"resourceVersion {now}", [.. diff.Split('\n').Where(l => l.Length > 0).Take(50)]);
        }), diff);
    }

    private async Task<JsonObject> ReadAsync(ActionTarget target, string path, CancellationToken cancellationToken)
    {
        using var document = await objects.GetAsync(target.Cluster, path, cancellationToken)
            ?? throw new ClusterCallException(StatusCodes.Status404NotFound,
                $"No {target.Kind.Kind} '{target.Name}'{(target.Namespace is null ? "" : $" in namespace '{target.Namespace}'")} in cluster '{target.Cluster.Name}'.");
        return JsonSerializer.SerializeToNode(document.RootElement) as JsonObject ?? [];
    }

    private async Task<JsonObject> WriteAsync(ActionTarget target, HttpMethod method, string path, JsonNode? body, string mediaType, CancellationToken cancellationToken)
    {
        using var document = await objects.WriteAsync(target.Cluster, method, path, body?.ToJsonString(), mediaType, cancellationToken, target.ImpersonateUser);
        return JsonSerializer.SerializeToNode(document.RootElement) as JsonObject ?? [];
    }

    private async Task<ActionPlan> ScaleAsync(ActionTarget target, ActionRequest request, CancellationToken cancellationToken)
    {
        if (request.Replicas is not (>= 0 and <= 10_000) || request.Replicas is not { } replicas)
        {
            throw new ClusterCallException(StatusCodes.Status400BadRequest, "Scale needs a number of replicas from 0 to 10000.");
        }

        var scale = await ReadAsync(target, $"{target.Path}/scale", cancellationToken);
        var before = Int(scale, "spec", "replicas") ?? 0;
        return new(Num(before), async ct =>
        {
            var after = await WriteAsync(target, HttpMethod.Patch, $"{target.Path}/scale", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }, MergePatch, ct);
            var now = Int(after, "spec", "replicas") ?? replicas;
            return new ActionResult(ObjectActionNames.Scale, $"Scaled {target.Kind.Kind} {target.Name} from {before} to {now} replicas.", Num(before), Num(now), []);
        });
    }

    private async Task<ActionResult> RestartAsync(ActionTarget target, CancellationToken cancellationToken)
    {
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var patch = new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RestartedAt] = stamp } } } },
        };
        var after = await WriteAsync(target, HttpMethod.Patch, target.Path, patch, StrategicMergePatch, cancellationToken);
        return new ActionResult(ObjectActionNames.Restart, $"Restarted {target.Kind.Kind} {target.Name}: its pods are replaced one by one.", null,
            TemplateAnnotation(after, RestartedAt) ?? stamp, []);
    }

    private async Task<ActionResult> DeleteAsync(ActionTarget target, CancellationToken cancellationToken)
    {
        // Background: the object goes now, what it owns after it (kubectl's default).
        await WriteAsync(target, HttpMethod.Delete, target.Path, new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["propagationPolicy"] = "Background" },
            "application/json", cancellationToken);
        return new ActionResult(ObjectActionNames.Delete, $"Deleted {target.Kind.Kind} {target.Name}.", null, "deleted", []);
    }

    private async Task<ActionResult> CordonAsync(ActionTarget target, bool cordon, CancellationToken cancellationToken)
    {
        var after = await WriteAsync(target, HttpMethod.Patch, target.Path, new JsonObject { ["spec"] = new JsonObject { ["unschedulable"] = cordon } }, MergePatch, cancellationToken);
        var verb = cordon ? "Cordoned" : "Uncordoned";
        return new ActionResult(cordon ? ObjectActionNames.Cordon : ObjectActionNames.Uncordon,
            $"{verb} node {target.Name}: {(cordon ? "no new pods are scheduled on it" : "new pods may be scheduled on it again")}.", null, Schedulable(after), []);
    }

    /// <summary>
    /// As kubectl drain: cordon, then evict every pod on the node through the Eviction API (so disruption
    /// budgets hold), skipping DaemonSet pods (their controller would put them straight back) and mirror pods.
    /// Pods a budget protects are reported, not forced.
    /// </summary>
    private async Task<ActionResult> DrainAsync(ActionTarget target, CancellationToken cancellationToken)
    {
        await CordonAsync(target, true, cancellationToken);
        var pods = await ReadAsync(target, $"/api/v1/pods?fieldSelector={Uri.EscapeDataString($"spec.nodeName={target.Name}")}", cancellationToken);
        var details = new List<string>();
        int evicted = 0, skipped = 0, blocked = 0;
        foreach (var pod in (pods["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var ns = Str(pod, "metadata", "namespace") ?? "";
            var name = Str(pod, "metadata", "name") ?? "";
            var owners = pod["metadata"]?["ownerReferences"] as JsonArray ?? [];
            if (owners.Any(o => o?["kind"]?.GetValue<string>() == "DaemonSet") || pod["metadata"]?["annotations"]?["kubernetes.io/config.mirror"] is not null)
            {
                skipped++;
                details.Add($"skipped {ns}/{name} (DaemonSet or mirror pod)");
                continue;
            }

            if (Str(pod, "status", "phase") is "Succeeded" or "Failed")
            {
                continue;
            }

            var eviction = new JsonObject
            {
                ["apiVersion"] = "policy/v1",
                ["kind"] = "Eviction",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            };
            try
            {
                await WriteAsync(target, HttpMethod.Post, $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods/{Uri.EscapeDataString(name)}/eviction", eviction,
                    "application/json", cancellationToken);
                evicted++;
                details.Add($"evicted {ns}/{name}");
            }
            catch (ClusterCallException e) when (e.Status == StatusCodes.Status429TooManyRequests)
            {
                blocked++;
                details.Add($"blocked {ns}/{name}: {e.Message}");
            }
            catch (ClusterCallException e) when (e.Status == StatusCodes.Status404NotFound)
            {
                // gone meanwhile: nothing left to evict
            }
        }

        var message = $"Drained node {target.Name}: cordoned, {evicted} pods evicted, {skipped} DaemonSet or mirror pods left" +
                      (blocked > 0 ? $", {blocked} pods kept by their disruption budget (drain again once they may go)." : ".");
        return new ActionResult(ObjectActionNames.Drain, message, null, $"cordoned; evicted {evicted}, skipped {skipped}, blocked {blocked}", details);
    }

    /// <summary>
    /// Rollout undo as kubectl does it: the chosen revision's ReplicaSet template (by default the one before
    /// the current) becomes the Deployment's template again.
    /// </summary>
    private async Task<ActionPlan> UndoAsync(ActionTarget target, JsonObject deployment, ActionRequest request, CancellationToken cancellationToken)
    {
        var current = long.TryParse(Annotation(deployment, Revision), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : 0;
        var uid = Str(deployment, "metadata", "uid");
        var sets = await ReadAsync(target, $"/apis/apps/v1/namespaces/{Uri.EscapeDataString(target.Namespace!)}/replicasets", cancellationToken);
        var owned = (sets["items"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(rs => (rs["metadata"]?["ownerReferences"] as JsonArray ?? []).Any(o => o?["uid"]?.GetValue<string>() == uid))
            .Select(rs => (Revision: long.TryParse(Annotation(rs, Revision), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0, Set: rs))
            .ToList();
        var wanted = request.Revision is { } revision
            ? owned.FirstOrDefault(o => o.Revision == revision)
            : owned.Where(o => o.Revision < current).MaxBy(o => o.Revision);
        if (wanted.Set is null)
        {
            throw new ClusterCallException(StatusCodes.Status400BadRequest, request.Revision is { } asked
                ? $"Deployment {target.Name} has no revision {asked}: it has {string.Join(", ", owned.Select(o => o.Revision).Order())}."
                : $"Deployment {target.Name} has no revision before {current} to go back to.");
        }

        var template = wanted.Set["spec"]?["template"]?.DeepClone() as JsonObject ?? [];
        (template["metadata"]?["labels"] as JsonObject)?.Remove("pod-template-hash");
        return new(Num(current), async ct =>
        {
            var patch = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = template });
            await WriteAsync(target, HttpMethod.Patch, target.Path, patch, JsonPatch, ct);
            return new ActionResult(ObjectActionNames.Undo, $"Rolled Deployment {target.Name} back to revision {wanted.Revision}'s template.",
                Num(current), $"template of revision {wanted.Revision}", [Images(template)]);
        });
    }

    private static string Images(JsonObject template) =>
        "images: " + string.Join(", ", (template["spec"]?["containers"] as JsonArray ?? []).Select(c => c?["image"]?.GetValue<string>() ?? ""));

    private static string? Schedulable(JsonObject node) => node["spec"]?["unschedulable"]?.GetValue<bool>() == true ? "unschedulable" : "schedulable";

    private static string? Annotation(JsonObject item, string key) => Str(item, "metadata", "annotations", key);

    private static string? TemplateAnnotation(JsonObject item, string key) => Str(item, "spec", "template", "metadata", "annotations", key);

    private static string? Str(JsonObject item, params string[] path) =>
        path.Aggregate((JsonNode?)item, (node, key) => node?[key]) is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static int? Int(JsonObject item, params string[] path) =>
        path.Aggregate((JsonNode?)item, (node, key) => node?[key]) is JsonValue v && v.TryGetValue(out int i) ? i : null;

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
