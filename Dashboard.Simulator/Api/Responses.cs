using System.Text.Json;
using Dashboard.Simulator.Store;
using Microsoft.AspNetCore.Http;

namespace Dashboard.Simulator.Api;

/// <summary>Writes API responses: raw stored JSON, lists, Tables and Status objects.</summary>
internal static class Responses
{
    public const string TableAccept = "as=Table";

    public static bool WantsTable(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains(TableAccept, StringComparison.Ordinal);

    /// <summary>
    /// Writes straight into the response pipe (pooled segments): a 1 MB page of pods never becomes a large-object-heap
    /// buffer, which at 150k stored pods would mean a full collection per page.
    /// </summary>
    public static async Task WriteJsonAsync(HttpContext ctx, int code, Action<Utf8JsonWriter> write, string contentType = "application/json")
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = contentType;
        var pipe = ctx.Response.BodyWriter;
        using (var w = new Utf8JsonWriter(pipe, JsonDefaults.Writer))
        {
            write(w);
        }

        await pipe.FlushAsync(ctx.RequestAborted);
    }

    public static Task WriteStatusAsync(HttpContext ctx, int code, string reason, string message, string? name = null, string? kind = null) =>
        WriteJsonAsync(ctx, code, w => WriteStatus(w, code, reason, message, name, kind));

    public static void WriteStatus(Utf8JsonWriter w, int code, string reason, string message, string? name = null, string? kind = null)
    {
        w.WriteStartObject();
        w.WriteString("kind", "Status");
        w.WriteString("apiVersion", "v1");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteString("status", code < 400 ? "Success" : "Failure");
        w.WriteString("message", message);
        w.WriteString("reason", reason);
        if (name is not null || kind is not null)
        {
            w.WriteStartObject("details");
            if (name is not null)
            {
                w.WriteString("name", name);
            }

            if (kind is not null)
            {
                w.WriteString("kind", kind);
            }

            w.WriteEndObject();
        }

        w.WriteNumber("code", code);
        w.WriteEndObject();
    }

    public static Task WriteObjectAsync(HttpContext ctx, int code, StoredObject o, DateTimeOffset now)
    {
        if (WantsTable(ctx.Request))
        {
            return WriteJsonAsync(ctx, code, w => WriteTable(w, o.Kind, [o], null, o.ResourceVersion, now, IncludeObject(ctx.Request)));
        }

        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = o.Json.Length;
        return ctx.Response.Body.WriteAsync(o.Json, ctx.RequestAborted).AsTask();
    }

    public static string IncludeObject(HttpRequest request) => request.Query["includeObject"].FirstOrDefault() ?? "Metadata";

    public static void WriteList(Utf8JsonWriter w, ResourceKind kind, IReadOnlyList<StoredObject> items, string? continueToken, long resourceVersion)
    {
        w.WriteStartObject();
        w.WriteString("kind", kind.ListKind);
        w.WriteString("apiVersion", kind.ApiVersion);
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (continueToken is not null)
        {
            w.WriteString("continue", continueToken);
        }

        w.WriteEndObject();
        w.WriteStartArray("items");
        foreach (var o in items)
        {
            w.WriteRawValue(o.Json, skipInputValidation: true);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteTable(Utf8JsonWriter w, ResourceKind kind, IReadOnlyList<StoredObject> items, string? continueToken, long resourceVersion, DateTimeOffset now, string includeObject)
    {
        var columns = TableColumns.For(kind.Kind);
        w.WriteStartObject();
        w.WriteString("kind", "Table");
        w.WriteString("apiVersion", "meta.k8s.io/v1");
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (continueToken is not null)
        {
            w.WriteString("continue", continueToken);
        }

        w.WriteEndObject();
        w.WriteStartArray("columnDefinitions");
        foreach (var c in columns)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("type", c.Type);
            w.WriteString("format", c.Format);
            w.WriteString("description", c.Description);
            w.WriteNumber("priority", c.Priority);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("rows");
        foreach (var o in items)
        {
            using var doc = JsonDocument.Parse(o.Json);
            var root = doc.RootElement;
            w.WriteStartObject();
            w.WriteStartArray("cells");
            foreach (var c in columns)
            {
                switch (c.Cell(root, now))
                {
                    case null:
                        w.WriteStringValue("");
                        break;
                    case int i:
                        w.WriteNumberValue(i);
                        break;
                    case bool b:
                        w.WriteBooleanValue(b);
                        break;
                    case var x:
                        w.WriteStringValue(x.ToString());
                        break;
                }
            }

            w.WriteEndArray();
            if (includeObject == "Object")
            {
                w.WritePropertyName("object");
                root.WriteTo(w);
            }
            else if (includeObject != "None")
            {
                w.WriteStartObject("object");
                w.WriteString("kind", "PartialObjectMetadata");
                w.WriteString("apiVersion", "meta.k8s.io/v1");
                w.WritePropertyName("metadata");
                root.GetProperty("metadata").WriteTo(w);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
