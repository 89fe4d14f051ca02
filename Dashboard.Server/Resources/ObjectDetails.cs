using System.Text.Json;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Resources;

/// <summary>The parts of an object's detail that its own document holds: summary, conditions, metadata, containers.</summary>
public static class ObjectDetails
{
    /// <summary>Annotations whose value repeats a Secret's data (kubectl apply keeps the whole applied object there).</summary>
    internal const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    public static ObjectSummary Summary(JsonElement item, WatchedKind kind, string cluster, object? projection)
    {
        var meta = item.Get("metadata");
        return new ObjectSummary(
            item.Str("kind") ?? kind.Kind,
            kind.Plural,
            item.Str("apiVersion") ?? (kind.Group.Length == 0 ? kind.Version : $"{kind.Group}/{kind.Version}"),
            cluster,
            meta.Str("namespace"),
            meta.Str("name") ?? "",
            meta.Str("uid") ?? "",
            meta.Str("resourceVersion"),
            meta.Time("creationTimestamp"),
            meta.Time("deletionTimestamp"),
            projection);
    }

    public static IReadOnlyList<ObjectCondition> Conditions(JsonElement item) =>
        item.Get("status").Items("conditions")
            .Select(c => new ObjectCondition(
                c.Str("type") ?? "",
                c.Str("status") ?? "Unknown",
                c.Str("reason"),
                c.Str("message"),
                c.Time("lastTransitionTime") ?? c.Time("lastUpdateTime") ?? c.Time("lastHeartbeatTime")))
            .ToList();

    public static IReadOnlyDictionary<string, string> Labels(JsonElement item) => Map(item.Get("metadata"), "labels");

    /// <summary>The annotations; a Secret's last applied configuration is hidden, it carries the values.</summary>
    public static IReadOnlyDictionary<string, string> Annotations(JsonElement item, bool isSecret)
    {
        var annotations = Map(item.Get("metadata"), "annotations");
        if (isSecret && annotations.ContainsKey(LastApplied))
        {
            var copy = new Dictionary<string, string>(annotations, StringComparer.Ordinal) { [LastApplied] = SecretRedaction.Placeholder };
            return copy;
        }

        return annotations;
    }

    public static IReadOnlyList<OwnerReference> Owners(JsonElement item, string cluster, string? @namespace) =>
        item.Get("metadata").Items("ownerReferences")
            .Select(o =>
            {
                var kind = o.Str("kind") ?? "";
                var plural = PluralOf(kind);
                // an owner is in the object's namespace, or cluster-scoped (a Node owns its mirror pods)
                var ownerNamespace = plural is not null && WatchedKinds.ByPlural.TryGetValue(plural, out var k) && !k.Namespaced ? null : @namespace;
                return new OwnerReference(new ObjectLink(kind, plural, cluster, ownerNamespace, o.Str("name") ?? ""), o.Str("uid") ?? "", o.Bool("controller"));
            })
            .ToList();

    /// <summary>A pod's containers with their status, or a workload's pod template's containers.</summary>
    public static IReadOnlyList<ContainerDetail> Containers(JsonElement item, string kind)
    {
        if (kind == "Pod")
        {
            var status = item.Get("status");
            var spec = item.Get("spec");
            return [.. PodContainers(spec.Items("initContainers"), status.Items("initContainerStatuses"), init: true),
                .. PodContainers(spec.Items("containers"), status.Items("containerStatuses"), init: false)];
        }

        var template = kind == "CronJob" ? item.Path("spec.jobTemplate.spec.template.spec") : item.Path("spec.template.spec");
        return [.. template.Items("initContainers").Select(c => Template(c, init: true)),
            .. template.Items("containers").Select(c => Template(c, init: false))];
    }

    private static ContainerDetail Template(JsonElement container, bool init) =>
        new(container.Str("name") ?? "", container.Str("image") ?? "", init, null, null, null, null, null, null, null);

    private static IEnumerable<ContainerDetail> PodContainers(IEnumerable<JsonElement> specs, IEnumerable<JsonElement> statuses, bool init)
    {
        var byName = statuses.Where(s => s.Str("name") is not null).DistinctBy(s => s.Str("name")).ToDictionary(s => s.Str("name")!, StringComparer.Ordinal);
        foreach (var container in specs)
        {
            var name = container.Str("name") ?? "";
            if (!byName.TryGetValue(name, out var status))
            {
                yield return new ContainerDetail(name, container.Str("image") ?? "", init, false, 0, "Waiting", "ContainerCreating", null, null, null);
                continue;
            }

            var state = status.Get("state");
            var (stateName, reason, started) = state switch
            {
                _ when state.Get("running").ValueKind == JsonValueKind.Object => ("Running", null, state.Get("running").Time("startedAt")),
                _ when state.Get("terminated").ValueKind == JsonValueKind.Object =>
                    ("Terminated", state.Get("terminated").Str("reason"), state.Get("terminated").Time("startedAt")),
                _ when state.Get("waiting").ValueKind == JsonValueKind.Object => ("Waiting", state.Get("waiting").Str("reason"), (DateTime?)null),
                _ => ("Unknown", null, null),
            };
            var last = status.Get("lastState").Get("terminated");
            yield return new ContainerDetail(
                name,
                status.Str("image") ?? container.Str("image") ?? "",
                init,
                status.Bool("ready"),
                status.Int("restartCount"),
                stateName,
                reason,
                started,
                last.Str("reason"),
                last.ValueKind == JsonValueKind.Object ? last.IntOrNull("exitCode") : null);
        }
    }

    /// <summary>The plural of a built-in kind, for links; null for a kind the dashboard does not know by name.</summary>
    public static string? PluralOf(string kind) => PluralsByKind.GetValueOrDefault(kind);

    private static readonly Dictionary<string, string> PluralsByKind =
        WatchedKinds.All.ToDictionary(k => k.Kind, k => k.Plural, StringComparer.Ordinal);

    private static Dictionary<string, string> Map(JsonElement meta, string name) =>
        meta.Pairs(name)?.DistinctBy(p => p.Key).ToDictionary(StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal);
}
