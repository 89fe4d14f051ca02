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

            if (cluster.Rbac.Refusal(ctx, path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries)) is { } forbidden)
            {
                await Responses.WriteStatusAsync(ctx, 403, "Forbidden", forbidden);
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
}
