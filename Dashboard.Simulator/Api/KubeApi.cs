using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;
using Microsoft.AspNetCore.Http;

namespace Dashboard.Simulator.Api;

/// <summary>The Kubernetes REST API of one simulated cluster: routing, auth, CRUD, subresources, discovery and OpenAPI.</summary>
internal sealed partial class KubeApi(SimulatedCluster cluster)
{
    private ClusterStore Store => cluster.Store;

    private DateTimeOffset Now => Store.Time.GetUtcNow();

    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            var path = ctx.Request.Path.Value ?? "/";
            if (path is "/healthz" or "/livez" or "/readyz" || path.StartsWith("/healthz/", StringComparison.Ordinal)
                || path.StartsWith("/livez/", StringComparison.Ordinal) || path.StartsWith("/readyz/", StringComparison.Ordinal))
            {
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync("ok", ctx.RequestAborted);
                return;
            }

            if (!await cluster.Faults.BeforeRequestAsync(ctx))
            {
                return;
            }

            var auth = ctx.Request.Headers.Authorization.ToString();
            if (auth != "Bearer " + cluster.Token)
            {
                await Responses.WriteStatusAsync(ctx, 401, "Unauthorized", "Unauthorized");
                return;
            }

            await RouteAsync(ctx, path);
        }
        catch (ApiException e)
        {
            if (!ctx.Response.HasStarted)
            {
                await Responses.WriteStatusAsync(ctx, e.Code, e.Reason, e.Message, ErrorName(ctx), ErrorKind(ctx));
            }
        }
        catch (JsonException e)
        {
            if (!ctx.Response.HasStarted)
            {
                await Responses.WriteStatusAsync(ctx, 400, "BadRequest", "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml: " + e.Message);
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException or InvalidCastException or IndexOutOfRangeException)
        {
            // Bodies of the wrong shape (a number where a string belongs...) are the client's error, never a crash.
            if (!ctx.Response.HasStarted)
            {
                await Responses.WriteStatusAsync(ctx, 400, "BadRequest", "the request could not be processed: " + e.Message);
            }
        }
    }

    private static string? ErrorName(HttpContext ctx) => ctx.Items["name"] as string;

    private static string? ErrorKind(HttpContext ctx) => ctx.Items["plural"] as string;

    private async Task RouteAsync(HttpContext ctx, string path)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = ctx.Request.Method;
        var kinds = Store.Kinds;
        switch (segments)
        {
            case ["version"]:
                await Responses.WriteJsonAsync(ctx, 200, WriteVersion);
                return;
            case ["openapi", "v2"]:
                if (ctx.Request.Headers.Accept.ToString().Contains("protobuf", StringComparison.Ordinal))
                {
                    ctx.Response.ContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
                    await ctx.Response.Body.WriteAsync(OpenApi.V2Protobuf, ctx.RequestAborted);
                    return;
                }

                await Responses.WriteJsonAsync(ctx, 200, w => OpenApi.WriteV2(w, kinds, cluster.KubernetesVersion));
                return;
            case ["openapi", "v3"]:
                await Responses.WriteJsonAsync(ctx, 200, w => OpenApi.WriteV3Root(w, kinds));
                return;
            case ["openapi", "v3", ..]:
                var gv = string.Join('/', segments[2..]);
                var gvKinds = kinds.Where(k => OpenApi.GroupVersionPath(k.GroupVersion) == gv).ToList();
                if (gvKinds.Count == 0)
                {
                    throw new ApiException(404, "NotFound", "the server could not find the requested resource");
                }

                await Responses.WriteJsonAsync(ctx, 200, w => OpenApi.WriteV3(w, gvKinds, cluster.KubernetesVersion));
                return;
            case ["api"]:
                await DiscoveryAsync(ctx, kinds, legacy: true);
                return;
            case ["apis"]:
                await DiscoveryAsync(ctx, kinds, legacy: false);
                return;
            case ["api", var v]:
                await ResourceListAsync(ctx, kinds.Where(k => k.Group.Length == 0 && k.Version == v), v);
                return;
            case ["apis", var g]:
                var group = Discovery.Groups(kinds, legacy: false).FirstOrDefault(x => x.Key == g)
                    ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");
                await Responses.WriteJsonAsync(ctx, 200, w => Discovery.WriteGroup(w, group, withKind: true));
                return;
            case ["apis", var g, var v]:
                await ResourceListAsync(ctx, kinds.Where(k => k.Group == g && k.Version == v), g + "/" + v);
                return;
            case ["api", var v, .. var rest]:
                await ResourceAsync(ctx, method, "", v, rest);
                return;
            case ["apis", var g, var v, .. var rest]:
                await ResourceAsync(ctx, method, g, v, rest);
                return;
            default:
                throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }
    }

    private void WriteVersion(Utf8JsonWriter w)
    {
        var parts = cluster.KubernetesVersion.TrimStart('v').Split('.');
        w.WriteStartObject();
        w.WriteString("major", parts[0]);
        w.WriteString("minor", parts[1]);
        w.WriteString("gitVersion", cluster.KubernetesVersion);
        w.WriteString("gitCommit", "4a1b2c3d4e5f60718293a4b5c6d7e8f901234567");
        w.WriteString("gitTreeState", "clean");
        w.WriteString("buildDate", "2025-05-15T09:00:00Z");
        w.WriteString("goVersion", "go1.24.2");
        w.WriteString("compiler", "gc");
        w.WriteString("platform", "linux/amd64");
        w.WriteEndObject();
    }

    private static async Task DiscoveryAsync(HttpContext ctx, IReadOnlyList<ResourceKind> kinds, bool legacy)
    {
        var aggregated = Discovery.AggregatedVersion(ctx.Request.Headers.Accept);
        if (aggregated is not null)
        {
            await Responses.WriteJsonAsync(ctx, 200, w => Discovery.WriteAggregated(w, kinds, legacy, aggregated),
                $"application/json;g=apidiscovery.k8s.io;v={aggregated};as=APIGroupDiscoveryList");
            return;
        }

        if (legacy)
        {
            await Responses.WriteJsonAsync(ctx, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("kind", "APIVersions");
                w.WriteStartArray("versions");
                w.WriteStringValue("v1");
                w.WriteEndArray();
                w.WriteStartArray("serverAddressByClientCIDRs");
                w.WriteStartObject();
                w.WriteString("clientCIDR", "0.0.0.0/0");
                w.WriteString("serverAddress", ctx.Request.Host.Value);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }

        await Responses.WriteJsonAsync(ctx, 200, w => Discovery.WriteGroupList(w, kinds));
    }

    private static async Task ResourceListAsync(HttpContext ctx, IEnumerable<ResourceKind> kinds, string groupVersion)
    {
        var list = kinds.ToList();
        if (list.Count == 0)
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }

        await Responses.WriteJsonAsync(ctx, 200, w => Discovery.WriteResourceList(w, list, groupVersion));
    }

    private async Task ResourceAsync(HttpContext ctx, string method, string group, string version, string[] rest)
    {
        string? ns = null;
        if (rest.Length >= 3 && rest[0] == "namespaces" && Store.FindKind(group, rest[2]) is { Namespaced: true })
        {
            ns = rest[1];
            rest = rest[2..];
        }

        var kind = Store.FindKind(group, rest[0]);
        if (kind is null || kind.Version != version)
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }

        ctx.Items["plural"] = kind.Plural;
        var name = rest.Length > 1 ? rest[1] : null;
        var sub = rest.Length > 2 ? rest[2] : null;
        ctx.Items["name"] = name;
        if (rest.Length > 3)
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }

        var query = ctx.Request.Query;
        var dryRun = query["dryRun"].Contains("All");
        if (kind.ReadOnly)
        {
            await MetricsAsync(ctx, kind, ns, name);
            return;
        }

        switch (method, name, sub)
        {
            case ("GET", null, _):
                if (query["watch"].FirstOrDefault() is "true" or "1")
                {
                    await WatchAsync(ctx, kind, ns);
                }
                else
                {
                    await ListAsync(ctx, kind, ns);
                }

                return;
            case ("GET", not null, null or "status"):
                await Responses.WriteObjectAsync(ctx, 200, Store.GetOrThrow(kind, ns, name), Now);
                return;
            case ("GET", not null, "scale") when kind.HasScale:
                await WriteScaleAsync(ctx, Store.GetOrThrow(kind, ns, name));
                return;
            case ("GET", not null, "log") when kind == BuiltInKinds.Pod:
                await LogsAsync(ctx, ns!, name);
                return;
            case ("POST", null, _):
                await CreateAsync(ctx, kind, ns, dryRun);
                return;
            case ("POST", not null, "eviction") when kind == BuiltInKinds.Pod:
                await EvictAsync(ctx, ns!, name, dryRun);
                return;
            case ("PUT", not null, null or "status"):
                await UpdateAsync(ctx, kind, ns, name, sub, dryRun);
                return;
            case ("PATCH", not null, null or "status"):
                await PatchAsync(ctx, kind, ns, name, sub, dryRun);
                return;
            case ("PUT" or "PATCH", not null, "scale") when kind.HasScale:
                await ChangeScaleAsync(ctx, kind, ns, name, method == "PATCH", dryRun);
                return;
            case ("DELETE", not null, null):
                await DeleteAsync(ctx, kind, ns, name, dryRun);
                return;
            case ("DELETE", null, _):
                await DeleteCollectionAsync(ctx, kind, ns, dryRun);
                return;
            default:
                await Responses.WriteStatusAsync(ctx, 405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
                return;
        }
    }

    private async Task ListAsync(HttpContext ctx, ResourceKind kind, string? ns)
    {
        var query = ctx.Request.Query;
        var limit = int.TryParse(query["limit"], out var l) ? l : 0;
        var labels = Selector.Parse(query["labelSelector"]);
        var fields = Selector.Parse(query["fieldSelector"]);
        var (items, next, rv) = Store.List(kind, ns, labels, fields, limit, query["continue"]);
        if (Responses.WantsTable(ctx.Request))
        {
            var include = Responses.IncludeObject(ctx.Request);
            await Responses.WriteJsonAsync(ctx, 200, w => Responses.WriteTable(w, kind, items, next, rv, Now, include));
            return;
        }

        await Responses.WriteJsonAsync(ctx, 200, w => Responses.WriteList(w, kind, items, next, rv));
    }

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
