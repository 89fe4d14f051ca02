using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Api;

/// <summary>
/// fieldValidation=Strict (what kubectl sends) for built-in kinds, at the depth the simulator knows: top-level fields and
/// object metadata. Unknown fields deeper down are accepted (the simulator has no schemas).
/// </summary>
internal static class FieldValidation
{
    private static readonly HashSet<string> MetadataFields =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ];

    private static readonly Dictionary<string, string[]> TopLevel = new(StringComparer.Ordinal)
    {
        ["ConfigMap"] = ["data", "binaryData", "immutable"],
        ["Secret"] = ["data", "stringData", "type", "immutable"],
        ["ServiceAccount"] = ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
        ["Endpoints"] = ["subsets"],
        ["EndpointSlice"] = ["addressType", "endpoints", "ports"],
        ["Event"] = ["involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "series", "action", "related", "reportingComponent", "reportingInstance"],
        ["Role"] = ["rules"],
        ["ClusterRole"] = ["rules", "aggregationRule"],
        ["RoleBinding"] = ["subjects", "roleRef"],
        ["ClusterRoleBinding"] = ["subjects", "roleRef"],
        ["StorageClass"] = ["provisioner", "parameters", "reclaimPolicy", "mountOptions", "allowVolumeExpansion", "volumeBindingMode", "allowedTopologies"],
    };

    public static void Check(string? mode, ResourceKind kind, JsonObject body)
    {
        if (mode != "Strict" || !BuiltInKinds.All.Contains(kind))
        {
            return;
        }

        var allowed = TopLevel.TryGetValue(kind.Kind, out var fields) ? fields : ["spec", "status"];
        var unknown = body.Select(kv => kv.Key).Where(k => k is not ("apiVersion" or "kind" or "metadata") && !allowed.Contains(k))
            .Concat((body["metadata"] as JsonObject)?.Select(kv => kv.Key).Where(k => !MetadataFields.Contains(k)).Select(k => "metadata." + k) ?? [])
            .ToList();
        if (unknown.Count > 0)
        {
            throw ApiException.BadRequest("strict decoding error: " + string.Join(", ", unknown.Select(u => $"unknown field \"{u}\"")));
        }
    }
}
