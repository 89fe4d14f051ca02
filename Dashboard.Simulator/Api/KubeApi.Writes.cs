using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;
using Microsoft.AspNetCore.Http;

namespace Dashboard.Simulator.Api;

/// <summary>The writing verbs: create, update, patch, delete, and the scale subresource.</summary>
internal sealed partial class KubeApi
{
    private static async Task<JsonObject> ReadBodyAsync(HttpContext ctx, ResourceKind kind)
    {
        if (ctx.Request.ContentType?.Contains("protobuf", StringComparison.Ordinal) == true)
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
            return Protobuf.Decode(buffer.ToArray(), kind);
        }

        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ctx.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ApiException.BadRequest("the body of the request is empty");
        }

        var node = Yaml.ParseBody(ctx.Request.ContentType, text) as JsonObject ?? throw ApiException.BadRequest("the body of the request must be an object");
        CheckKind(node, kind);
        return node;
    }

    private static void CheckKind(JsonObject node, ResourceKind kind)
    {
        var bodyKind = (string?)node["kind"];
        var bodyVersion = (string?)node["apiVersion"];
        if (bodyKind is not null && bodyKind != kind.Kind)
        {
            throw ApiException.BadRequest($"the kind in the body ({bodyKind}) does not match the kind of the path ({kind.Kind})");
        }

        if (bodyVersion is not null && bodyVersion != kind.ApiVersion)
        {
            throw ApiException.BadRequest($"the API version in the data ({bodyVersion}) does not match the expected API version ({kind.ApiVersion})");
        }
    }

    private static JsonObject Metadata(JsonObject node)
    {
        if (node["metadata"] is JsonObject m)
        {
            return m;
        }

        var created = new JsonObject();
        node["metadata"] = created;
        return created;
    }

    private async Task CreateAsync(HttpContext ctx, ResourceKind kind, string? ns, bool dryRun)
    {
        var body = await ReadBodyAsync(ctx, kind);
        FieldValidation.Check(ctx.Request.Query["fieldValidation"], kind, body);
        var metadata = Metadata(body);
        ctx.Items["name"] = (string?)metadata["name"];
        if (kind.Namespaced)
        {
            var bodyNs = (string?)metadata["namespace"];
            if (ns is null)
            {
                throw ApiException.BadRequest("the namespace of the object must be given in the path");
            }

            if (bodyNs is not null && bodyNs != ns)
            {
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            metadata["namespace"] = ns;
        }

        metadata.Remove("resourceVersion");
        metadata.Remove("uid");
        if (kind.HasStatus && kind != BuiltInKinds.Node && kind != BuiltInKinds.Pod)
        {
            body.Remove("status");
        }

        var created = Store.Create(kind, body, dryRun);
        await Responses.WriteObjectAsync(ctx, 201, created, Now);
    }

    private async Task UpdateAsync(HttpContext ctx, ResourceKind kind, string? ns, string name, string? sub, bool dryRun)
    {
        var body = await ReadBodyAsync(ctx, kind);
        FieldValidation.Check(ctx.Request.Query["fieldValidation"], kind, body);
        var metadata = Metadata(body);
        if ((string?)metadata["name"] is { } bodyName && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        metadata["name"] = name;
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        var current = Store.GetOrThrow(kind, ns, name);
        KeepOtherHalf(kind, body, current.ToNode(), sub);
        var updated = Store.Update(kind, body, dryRun);
        await Responses.WriteObjectAsync(ctx, 200, updated, Now);
    }

    /// <summary>The main resource does not change status, and the status subresource does not change anything else.</summary>
    private static void KeepOtherHalf(ResourceKind kind, JsonObject body, JsonObject current, string? sub)
    {
        if (!kind.HasStatus)
        {
            return;
        }

        if (sub == "status")
        {
            foreach (var (key, value) in current.ToList())
            {
                if (key is not "status" and not "metadata")
                {
                    body[key] = value?.DeepClone();
                }
            }
        }
        else if (kind != BuiltInKinds.CustomResourceDefinition)
        {
            body["status"] = current["status"]?.DeepClone();
            if (body["status"] is null)
            {
                body.Remove("status");
            }
        }
    }

    private async Task PatchAsync(HttpContext ctx, ResourceKind kind, string? ns, string name, string? sub, bool dryRun)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ctx.RequestAborted);
        var patch = Yaml.ParseBody(ctx.Request.ContentType, text) ?? throw ApiException.BadRequest("empty patch");
        var contentType = ctx.Request.ContentType;
        var applyPatch = contentType?.StartsWith("application/apply-patch", StringComparison.Ordinal) == true;
        if (applyPatch && Store.Get(kind, ns, name) is null && patch is JsonObject applied)
        {
            // Server-side apply creates what does not exist yet.
            CheckKind(applied, kind);
            var meta = Metadata(applied);
            meta["name"] = name;
            if (ns is not null)
            {
                meta["namespace"] = ns;
            }

            await Responses.WriteObjectAsync(ctx, 201, Store.Create(kind, applied, dryRun), Now);
            return;
        }

        var current = Store.GetOrThrow(kind, ns, name);
        var node = Patches.Apply(contentType, current.ToNode(), patch) as JsonObject
            ?? throw ApiException.BadRequest("the patch did not produce an object");
        FieldValidation.Check(ctx.Request.Query["fieldValidation"], kind, node);
        CheckKind(node, kind);
        var metadata = Metadata(node);
        metadata["name"] = name;
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        if (patch is JsonObject po && po["metadata"]?["resourceVersion"] is null)
        {
            // A patch without a resourceVersion applies to whatever is current.
            metadata["resourceVersion"] = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        }

        KeepOtherHalf(kind, node, current.ToNode(), sub);
        var updated = Store.Update(kind, node, dryRun);
        await Responses.WriteObjectAsync(ctx, 200, updated, Now);
    }

    private async Task DeleteAsync(HttpContext ctx, ResourceKind kind, string? ns, string name, bool dryRun)
    {
        string? uid = null;
        if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(ctx.RequestAborted);
            if (!string.IsNullOrWhiteSpace(text))
            {
                var options = JsonNode.Parse(text);
                uid = (string?)options?["preconditions"]?["uid"];
                dryRun |= options?["dryRun"] is JsonArray a && a.Any(x => (string?)x == "All");
            }
        }

        var deleted = Store.Delete(kind, ns, name, dryRun, uid);
        await Responses.WriteObjectAsync(ctx, 200, deleted, Now);
    }

    private async Task DeleteCollectionAsync(HttpContext ctx, ResourceKind kind, string? ns, bool dryRun)
    {
        var labels = Selector.Parse(ctx.Request.Query["labelSelector"]);
        var fields = Selector.Parse(ctx.Request.Query["fieldSelector"]);
        var (items, _, _) = Store.List(kind, ns, labels, fields, 0, null);
        foreach (var o in items)
        {
            try
            {
                Store.Delete(kind, o.Namespace, o.Name, dryRun);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Already gone through garbage collection.
            }
        }

        await Responses.WriteJsonAsync(ctx, 200, w => Responses.WriteList(w, kind, items, null, Store.CurrentVersion));
    }

    private static async Task WriteScaleAsync(HttpContext ctx, StoredObject o, int code = 200)
    {
        using var doc = JsonDocument.Parse(o.Json);
        var root = doc.RootElement;
        await Responses.WriteJsonAsync(ctx, code, w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "Scale");
            w.WriteString("apiVersion", "autoscaling/v1");
            w.WriteStartObject("metadata");
            w.WriteString("name", o.Name);
            w.WriteString("namespace", o.Namespace);
            w.WriteString("uid", o.Uid);
            w.WriteString("resourceVersion", o.ResourceVersion.ToString(CultureInfo.InvariantCulture));
            w.WriteString("creationTimestamp", TableColumns.Str(root, "metadata", "creationTimestamp"));
            w.WriteEndObject();
            w.WriteStartObject("spec");
            w.WriteNumber("replicas", TableColumns.Int(root, "spec", "replicas"));
            w.WriteEndObject();
            w.WriteStartObject("status");
            w.WriteNumber("replicas", TableColumns.Int(root, "status", "replicas"));
            var selector = root.TryGetProperty("spec", out var spec) && spec.TryGetProperty("selector", out var s) && s.TryGetProperty("matchLabels", out var ml)
                ? string.Join(',', ml.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}"))
                : "";
            w.WriteString("selector", selector);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private async Task ChangeScaleAsync(HttpContext ctx, ResourceKind kind, string? ns, string name, bool patch, bool dryRun)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ctx.RequestAborted);
        var body = JsonNode.Parse(text) ?? throw ApiException.BadRequest("empty body");
        var current = Store.GetOrThrow(kind, ns, name);
        var currentNode = current.ToNode();
        var scale = new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["resourceVersion"] = current.ResourceVersion.ToString(CultureInfo.InvariantCulture) },
            ["spec"] = new JsonObject { ["replicas"] = currentNode["spec"]?["replicas"]?.DeepClone() ?? 1 },
        };
        var result = patch ? Patches.Apply(ctx.Request.ContentType, scale, body) : body;
        var replicas = result["spec"]?["replicas"] is JsonValue v && v.TryGetValue<int>(out var r) ? r : throw ApiException.Invalid("spec.replicas: Required value");
        if (replicas < 0)
        {
            throw ApiException.Invalid($"Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0");
        }

        currentNode["spec"]!["replicas"] = replicas;
        currentNode["metadata"]!["resourceVersion"] = (string?)result["metadata"]?["resourceVersion"] ?? "";
        var updated = Store.Update(kind, currentNode, dryRun);
        await WriteScaleAsync(ctx, updated);
    }
}
