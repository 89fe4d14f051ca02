using System.Text.Json;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Api;

/// <summary>
/// Minimal OpenAPI documents kubectl accepts: every kind's PATCH operation declares fieldValidation, so kubectl leaves
/// validation to the server; no schemas, so kubectl apply uses its built-in patch metadata.
/// </summary>
internal static class OpenApi
{
    /// <summary>A gnostic openapi_v2.Document with only swagger = "2.0" (field 1), in protobuf wire format.</summary>
    public static readonly byte[] V2Protobuf = [0x0A, 0x03, (byte)'2', (byte)'.', (byte)'0'];

    public static void WriteV2(Utf8JsonWriter w, IReadOnlyList<ResourceKind> kinds, string version)
    {
        w.WriteStartObject();
        w.WriteString("swagger", "2.0");
        w.WriteStartObject("info");
        w.WriteString("title", "Kubernetes");
        w.WriteString("version", version);
        w.WriteEndObject();
        w.WriteStartObject("paths");
        foreach (var k in kinds.Where(k => !k.ReadOnly))
        {
            WritePath(w, k, v3: false);
        }

        w.WriteEndObject();
        w.WriteStartObject("definitions");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteV3Root(Utf8JsonWriter w, IReadOnlyList<ResourceKind> kinds)
    {
        w.WriteStartObject();
        w.WriteStartObject("paths");
        foreach (var gv in kinds.Select(k => k.GroupVersion).Distinct())
        {
            var path = GroupVersionPath(gv);
            w.WriteStartObject(path);
            w.WriteString("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + kinds.Count);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteV3(Utf8JsonWriter w, IEnumerable<ResourceKind> kinds, string version)
    {
        w.WriteStartObject();
        w.WriteString("openapi", "3.0.0");
        w.WriteStartObject("info");
        w.WriteString("title", "Kubernetes");
        w.WriteString("version", version);
        w.WriteEndObject();
        w.WriteStartObject("paths");
        foreach (var k in kinds.Where(k => !k.ReadOnly))
        {
            WritePath(w, k, v3: true);
        }

        w.WriteEndObject();
        w.WriteStartObject("components");
        w.WriteStartObject("schemas");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static string GroupVersionPath(string groupVersion) => groupVersion.Contains('/', StringComparison.Ordinal) ? "apis/" + groupVersion : "api/" + groupVersion;

    private static void WritePath(Utf8JsonWriter w, ResourceKind k, bool v3)
    {
        var prefix = "/" + GroupVersionPath(k.GroupVersion) + (k.Namespaced ? "/namespaces/{namespace}/" : "/") + k.Plural;
        w.WriteStartObject(prefix);
        WriteOperation(w, "post", k, v3);
        w.WriteEndObject();
        w.WriteStartObject(prefix + "/{name}");
        WriteOperation(w, "put", k, v3);
        WriteOperation(w, "patch", k, v3);
        w.WriteEndObject();
    }

    private static void WriteOperation(Utf8JsonWriter w, string method, ResourceKind k, bool v3)
    {
        w.WriteStartObject(method);
        w.WriteString("operationId", method + k.Kind);
        w.WriteStartArray("parameters");
        foreach (var name in new[] { "dryRun", "fieldManager", "fieldValidation" })
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("in", "query");
            if (v3)
            {
                w.WriteStartObject("schema");
                w.WriteString("type", "string");
                w.WriteBoolean("uniqueItems", true);
                w.WriteEndObject();
            }
            else
            {
                w.WriteString("type", "string");
                w.WriteBoolean("uniqueItems", true);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("responses");
        w.WriteStartObject("200");
        w.WriteString("description", "OK");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("x-kubernetes-group-version-kind");
        w.WriteString("group", k.Group);
        w.WriteString("version", k.Version);
        w.WriteString("kind", k.Kind);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
