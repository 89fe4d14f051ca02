using System.Text.Json;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Api;

/// <summary>Discovery documents: legacy (/api, /apis, /api/v1, /apis/G/V) and aggregated (apidiscovery.k8s.io v2 and v2beta1).</summary>
internal static class Discovery
{
    /// <summary>Which aggregated version the Accept header asks for first, or null for legacy discovery.</summary>
    public static string? AggregatedVersion(string? accept)
    {
        foreach (var part in (accept ?? "").Split(','))
        {
            var p = part.Replace(" ", "", StringComparison.Ordinal);
            if (p.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal) && p.StartsWith("application/json", StringComparison.Ordinal))
            {
                if (p.Contains("v=v2beta1", StringComparison.Ordinal))
                {
                    return "v2beta1";
                }

                if (p.Contains("v=v2;", StringComparison.Ordinal) || p.EndsWith("v=v2", StringComparison.Ordinal))
                {
                    return "v2";
                }
            }
            else if (p.StartsWith("application/json", StringComparison.Ordinal) || p.StartsWith("*/*", StringComparison.Ordinal))
            {
                return null;
            }
        }

        return null;
    }

    public static IEnumerable<IGrouping<string, ResourceKind>> Groups(IReadOnlyList<ResourceKind> kinds, bool legacy) =>
        kinds.Where(k => (k.Group.Length == 0) == legacy).GroupBy(k => k.Group).OrderBy(g => Order(g.Key));

    public static void WriteAggregated(Utf8JsonWriter w, IReadOnlyList<ResourceKind> kinds, bool legacy, string version)
    {
        w.WriteStartObject();
        w.WriteString("kind", "APIGroupDiscoveryList");
        w.WriteString("apiVersion", "apidiscovery.k8s.io/" + version);
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteStartArray("items");
        foreach (var group in Groups(kinds, legacy))
        {
            w.WriteStartObject();
            w.WriteStartObject("metadata");
            if (group.Key.Length > 0)
            {
                w.WriteString("name", group.Key);
            }

            w.WriteNull("creationTimestamp");
            w.WriteEndObject();
            w.WriteStartArray("versions");
            foreach (var gv in group.GroupBy(k => k.Version))
            {
                w.WriteStartObject();
                w.WriteString("version", gv.Key);
                w.WriteStartArray("resources");
                foreach (var k in gv.OrderBy(k => k.Plural, StringComparer.Ordinal))
                {
                    w.WriteStartObject();
                    w.WriteString("resource", k.Plural);
                    w.WriteStartObject("responseKind");
                    w.WriteString("group", k.Group);
                    w.WriteString("version", k.Version);
                    w.WriteString("kind", k.Kind);
                    w.WriteEndObject();
                    w.WriteString("scope", k.Namespaced ? "Namespaced" : "Cluster");
                    w.WriteString("singularResource", k.Singular);
                    WriteStrings(w, "verbs", k.Verbs);
                    if (k.ShortNames.Length > 0)
                    {
                        WriteStrings(w, "shortNames", k.ShortNames);
                    }

                    if (k.Categories is { Length: > 0 })
                    {
                        WriteStrings(w, "categories", k.Categories);
                    }

                    var subs = Subresources(k).ToList();
                    if (subs.Count > 0)
                    {
                        w.WriteStartArray("subresources");
                        foreach (var (name, group2, version2, kind2, verbs) in subs)
                        {
                            w.WriteStartObject();
                            w.WriteString("subresource", name);
                            w.WriteStartObject("responseKind");
                            w.WriteString("group", group2);
                            w.WriteString("version", version2);
                            w.WriteString("kind", kind2);
                            w.WriteEndObject();
                            WriteStrings(w, "verbs", verbs);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteString("freshness", "Current");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteGroupList(Utf8JsonWriter w, IReadOnlyList<ResourceKind> kinds)
    {
        w.WriteStartObject();
        w.WriteString("kind", "APIGroupList");
        w.WriteString("apiVersion", "v1");
        w.WriteStartArray("groups");
        foreach (var group in Groups(kinds, legacy: false))
        {
            WriteGroup(w, group, withKind: false);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteGroup(Utf8JsonWriter w, IGrouping<string, ResourceKind> group, bool withKind)
    {
        w.WriteStartObject();
        if (withKind)
        {
            w.WriteString("kind", "APIGroup");
            w.WriteString("apiVersion", "v1");
        }

        w.WriteString("name", group.Key);
        w.WriteStartArray("versions");
        var versions = group.Select(k => k.Version).Distinct().ToList();
        foreach (var v in versions)
        {
            w.WriteStartObject();
            w.WriteString("groupVersion", group.Key + "/" + v);
            w.WriteString("version", v);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("preferredVersion");
        w.WriteString("groupVersion", group.Key + "/" + versions[0]);
        w.WriteString("version", versions[0]);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteResourceList(Utf8JsonWriter w, IEnumerable<ResourceKind> kinds, string groupVersion)
    {
        w.WriteStartObject();
        w.WriteString("kind", "APIResourceList");
        w.WriteString("apiVersion", "v1");
        w.WriteString("groupVersion", groupVersion);
        w.WriteStartArray("resources");
        foreach (var k in kinds.OrderBy(k => k.Plural, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("name", k.Plural);
            w.WriteString("singularName", k.Singular);
            w.WriteBoolean("namespaced", k.Namespaced);
            w.WriteString("kind", k.Kind);
            WriteStrings(w, "verbs", k.Verbs);
            if (k.ShortNames.Length > 0)
            {
                WriteStrings(w, "shortNames", k.ShortNames);
            }

            if (k.Categories is { Length: > 0 })
            {
                WriteStrings(w, "categories", k.Categories);
            }

            w.WriteEndObject();
            foreach (var (name, group2, version2, kind2, verbs) in Subresources(k))
            {
                w.WriteStartObject();
                w.WriteString("name", k.Plural + "/" + name);
                w.WriteString("singularName", "");
                w.WriteBoolean("namespaced", k.Namespaced);
                if (group2 != k.Group || version2 != k.Version)
                {
                    w.WriteString("group", group2);
                    w.WriteString("version", version2);
                }

                w.WriteString("kind", kind2);
                WriteStrings(w, "verbs", verbs);
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static IEnumerable<(string Name, string Group, string Version, string Kind, string[] Verbs)> Subresources(ResourceKind k)
    {
        if (k.HasStatus && !k.ReadOnly)
        {
            yield return ("status", k.Group, k.Version, k.Kind, ["get", "patch", "update"]);
        }

        if (k.HasScale)
        {
            yield return ("scale", "autoscaling", "v1", "Scale", ["get", "patch", "update"]);
        }

        if (k == BuiltInKinds.Pod)
        {
            yield return ("log", "", "v1", "Pod", ["get"]);
            yield return ("eviction", "policy", "v1", "Eviction", ["create"]);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static int Order(string group) => group switch
    {
        "" => 0,
        "apps" => 1,
        "batch" => 2,
        "autoscaling" => 3,
        "networking.k8s.io" => 4,
        "policy" => 5,
        _ => 10,
    };
}
