using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dashboard.Simulator.Controllers;
using Dashboard.Simulator.Store;
using Microsoft.AspNetCore.Http;

namespace Dashboard.Simulator.Api;

/// <summary>The streaming and synthesised parts of the API: watch, pod logs, eviction, metrics.</summary>
internal sealed partial class KubeApi
{
    private static readonly byte[] MalformedLine = Encoding.UTF8.GetBytes("{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\n");

    private async Task WatchAsync(HttpContext ctx, ResourceKind kind, string? ns)
    {
        var query = ctx.Request.Query;
        var labels = Selector.Parse(query["labelSelector"]);
        var fields = Selector.Parse(query["fieldSelector"]);
        long? from = long.TryParse(query["resourceVersion"], CultureInfo.InvariantCulture, out var rv) ? rv : null;
        var bookmarks = query["allowWatchBookmarks"].FirstOrDefault() is "true" or "1";
        var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : cluster.Options.MaxWatchDuration;
        var table = Responses.WantsTable(ctx.Request);
        var include = Responses.IncludeObject(ctx.Request);
        var buffer = new ArrayBufferWriter<byte>(8192);

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.StartAsync(ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);

        if (cluster.Faults.TakeExpired())
        {
            await WriteErrorEventAsync(ctx, buffer, $"too old resource version: {from ?? 0} ({Store.CurrentVersion})");
            return;
        }

        Watcher watcher;
        try
        {
            watcher = Store.Watch(kind, ns, from);
        }
        catch (ApiException e) when (e.Code == 410)
        {
            await WriteErrorEventAsync(ctx, buffer, e.Message);
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, watcher.Cut.Token);
        cts.CancelAfter(timeout);
        var token = cts.Token;
        try
        {
            foreach (var e in watcher.Replay)
            {
                Append(buffer, e, kind, labels, fields, table, include);
                if (buffer.WrittenCount > 64 * 1024)
                {
                    await FlushAsync(ctx, buffer, ctx.RequestAborted);
                }
            }

            watcher.Replay.Clear();
            await FlushAsync(ctx, buffer, ctx.RequestAborted);
            var bookmarkDue = Store.Time.GetUtcNow() + cluster.Options.BookmarkInterval;
            while (!token.IsCancellationRequested)
            {
                var wait = watcher.Reader.WaitToReadAsync(token).AsTask();
                if (bookmarks)
                {
                    var delay = bookmarkDue - Store.Time.GetUtcNow();
                    await Task.WhenAny(wait, Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, token));
                }
                else
                {
                    await wait;
                }

                var bookmarkVersion = bookmarks && Store.Time.GetUtcNow() >= bookmarkDue ? Store.CurrentVersion : -1;
                while (watcher.Reader.TryRead(out var e))
                {
                    if (e is null)
                    {
                        buffer.Write(MalformedLine);
                        continue;
                    }

                    Append(buffer, e, kind, labels, fields, table, include);
                }

                if (bookmarkVersion >= 0)
                {
                    WriteBookmark(buffer, kind, bookmarkVersion);
                    bookmarkDue = Store.Time.GetUtcNow() + cluster.Options.BookmarkInterval;
                }

                // Writes are never cancelled half-way by the timeout or a cut: that would tear a TLS record.
                await FlushAsync(ctx, buffer, ctx.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, a cut (fault) or the client left: the stream ends.
        }
        finally
        {
            Store.StopWatch(watcher);
        }
    }

    private static async Task FlushAsync(HttpContext ctx, ArrayBufferWriter<byte> buffer, CancellationToken token)
    {
        if (buffer.WrittenCount == 0)
        {
            return;
        }

        await ctx.Response.Body.WriteAsync(buffer.WrittenMemory, token);
        await ctx.Response.Body.FlushAsync(token);
        buffer.ResetWrittenCount();
    }

    private void Append(ArrayBufferWriter<byte> buffer, WatchEvent e, ResourceKind kind, Selector labels, Selector fields, bool table, string include)
    {
        var o = e.Object;
        var type = e.Type;
        if (!labels.IsEmpty || !fields.IsEmpty)
        {
            // Like the API server's watch cache: an object entering the selection is ADDED, one leaving it DELETED.
            bool Selected(StoredObject x) => labels.MatchesLabels(x.Labels) && fields.Matches(x.Field);
            var now = Selected(o);
            var before = e.Previous is not null && Selected(e.Previous);
            switch (type)
            {
                case "MODIFIED" when now && !before && e.Previous is not null:
                    type = "ADDED";
                    break;
                case "MODIFIED" when !now && before:
                    type = "DELETED";
                    break;
                case var _ when !now:
                    return;
            }
        }

        using (var w = new Utf8JsonWriter(buffer, JsonDefaults.Writer))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WritePropertyName("object");
            if (table)
            {
                Responses.WriteTable(w, kind, [o], null, o.ResourceVersion, Now, include);
            }
            else
            {
                w.WriteRawValue(o.Json, skipInputValidation: true);
            }

            w.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }

    private static void WriteBookmark(ArrayBufferWriter<byte> buffer, ResourceKind kind, long version)
    {
        using (var w = new Utf8JsonWriter(buffer, JsonDefaults.Writer))
        {
            w.WriteStartObject();
            w.WriteString("type", "BOOKMARK");
            w.WriteStartObject("object");
            w.WriteString("kind", kind.Kind);
            w.WriteString("apiVersion", kind.ApiVersion);
            w.WriteStartObject("metadata");
            w.WriteString("resourceVersion", version.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }

    private static async Task WriteErrorEventAsync(HttpContext ctx, ArrayBufferWriter<byte> buffer, string message)
    {
        using (var w = new Utf8JsonWriter(buffer, JsonDefaults.Writer))
        {
            w.WriteStartObject();
            w.WriteString("type", "ERROR");
            w.WritePropertyName("object");
            Responses.WriteStatus(w, 410, "Expired", message);
            w.WriteEndObject();
        }

        buffer.Write("\n"u8);
        await FlushAsync(ctx, buffer, ctx.RequestAborted);
    }

    private async Task LogsAsync(HttpContext ctx, string ns, string name)
    {
        var query = ctx.Request.Query;
        var pod = Store.GetOrThrow(BuiltInKinds.Pod, ns, name);
        using var doc = JsonDocument.Parse(pod.Json);
        var root = doc.RootElement;
        var containers = root.GetProperty("spec").GetProperty("containers").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
        var container = query["container"].FirstOrDefault() ?? containers[0];
        if (!containers.Contains(container))
        {
            throw ApiException.BadRequest($"container {container} is not valid for pod {name}");
        }

        if (TableColumns.Str(root, "spec", "nodeName") is null || TableColumns.Str(root, "status", "phase") == "Pending")
        {
            throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating");
        }

        var previous = query["previous"].FirstOrDefault() is "true" or "1";
        var restarts = root.TryGetProperty("status", out var status) && status.TryGetProperty("containerStatuses", out var statuses)
            ? statuses.EnumerateArray().Where(s => s.GetProperty("name").GetString() == container).Select(s => TableColumns.Int(s, "restartCount")).FirstOrDefault()
            : 0;
        if (previous && restarts == 0)
        {
            throw ApiException.BadRequest($"previous terminated container \"{container}\" in pod \"{name}\" not found");
        }

        var tail = int.TryParse(query["tailLines"], CultureInfo.InvariantCulture, out var t) ? t : 20;
        var timestamps = query["timestamps"].FirstOrDefault() is "true";
        var crashing = PodLogs.IsCrashing(root);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain";
        var start = DateTimeOffset.Parse(TableColumns.Str(root, "status", "startTime") ?? TableColumns.Str(root, "metadata", "creationTimestamp")!, CultureInfo.InvariantCulture);
        var interval = cluster.Options.LogLineInterval;
        var now = Store.Time.GetUtcNow();
        var produced = (int)Math.Max(1, Math.Min(1000, (now - start) / interval));
        var sb = new StringBuilder();
        for (var i = Math.Max(0, produced - tail); i < produced; i++)
        {
            sb.Append(PodLogs.Line(name, container, i, start + (interval * i), timestamps, crashing, previous)).Append('\n');
        }

        await ctx.Response.WriteAsync(sb.ToString(), ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        if (!(query["follow"].FirstOrDefault() is "true" or "1") || previous)
        {
            return;
        }

        var index = produced;
        while (!ctx.RequestAborted.IsCancellationRequested)
        {
            await Task.Delay(interval, ctx.RequestAborted);
            var current = Store.Get(BuiltInKinds.Pod, ns, name);
            if (current is null || current.Uid != pod.Uid)
            {
                return;
            }

            await ctx.Response.WriteAsync(PodLogs.Line(name, container, index, Store.Time.GetUtcNow(), timestamps, crashing, previous: false) + "\n", ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            index++;
        }
    }

    private async Task EvictAsync(HttpContext ctx, string ns, string name, bool dryRun)
    {
        var pod = Store.GetOrThrow(BuiltInKinds.Pod, ns, name);
        foreach (var pdb in Store.All(BuiltInKinds.PodDisruptionBudget, ns))
        {
            var allowed = Disruption.Allowed(Store, pdb, pod);
            if (allowed is < 1)
            {
                await Responses.WriteJsonAsync(ctx, 429, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("kind", "Status");
                    w.WriteString("apiVersion", "v1");
                    w.WriteStartObject("metadata");
                    w.WriteEndObject();
                    w.WriteString("status", "Failure");
                    w.WriteString("message", "Cannot evict pod as it would violate the pod's disruption budget.");
                    w.WriteString("reason", "TooManyRequests");
                    w.WriteStartObject("details");
                    w.WriteStartArray("causes");
                    w.WriteStartObject();
                    w.WriteString("reason", "DisruptionBudget");
                    w.WriteString("message", $"The disruption budget {pdb.Name} needs {Disruption.Needed(pdb)} healthy pods and has {Disruption.Healthy(Store, pdb)} currently");
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteEndObject();
                    w.WriteNumber("code", 429);
                    w.WriteEndObject();
                });
                return;
            }
        }

        Store.Delete(BuiltInKinds.Pod, ns, name, dryRun);
        await Responses.WriteStatusAsync(ctx, 201, "", "", null, null);
    }

    private async Task MetricsAsync(HttpContext ctx, ResourceKind kind, string? ns, string? name)
    {
        var now = Store.Time.GetUtcNow();
        var labels = Selector.Parse(ctx.Request.Query["labelSelector"]);
        List<StoredObject> sources = kind == BuiltInKinds.NodeMetrics
            ? Store.All(BuiltInKinds.Node)
            : Store.All(BuiltInKinds.Pod, ns).Where(p => p.Field("status.phase") == "Running").ToList();
        sources = sources.Where(o => labels.MatchesLabels(o.Labels) && (name is null || o.Name == name)).ToList();
        if (name is not null && sources.Count == 0)
        {
            throw ApiException.NotFound(kind, name);
        }

        var stamp = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var nodeUsage = kind == BuiltInKinds.NodeMetrics ? Usage.Nodes(Store, now) : null;
        void WriteOne(Utf8JsonWriter w, StoredObject o)
        {
            w.WriteStartObject();
            w.WriteString("kind", kind.Kind);
            w.WriteString("apiVersion", kind.ApiVersion);
            w.WriteStartObject("metadata");
            w.WriteString("name", o.Name);
            if (o.Namespace is not null)
            {
                w.WriteString("namespace", o.Namespace);
            }

            w.WriteString("creationTimestamp", stamp);
            w.WriteStartObject("labels");
            foreach (var (k, v) in o.Labels)
            {
                w.WriteString(k, v);
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("timestamp", stamp);
            w.WriteString("window", "10.5s");
            if (kind == BuiltInKinds.NodeMetrics)
            {
                var (cpu, memory) = nodeUsage!.GetValueOrDefault(o.Name, (120, 900));
                WriteUsage(w, cpu, memory);
            }
            else
            {
                w.WriteStartArray("containers");
                using var doc = JsonDocument.Parse(o.Json);
                var i = 0;
                foreach (var c in doc.RootElement.GetProperty("spec").GetProperty("containers").EnumerateArray())
                {
                    var (cpu, memory) = Usage.Container(o.Uid, i++, now);
                    w.WriteStartObject();
                    w.WriteString("name", c.GetProperty("name").GetString());
                    WriteUsage(w, cpu, memory);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        await Responses.WriteJsonAsync(ctx, 200, w =>
        {
            if (name is not null)
            {
                WriteOne(w, sources[0]);
                return;
            }

            w.WriteStartObject();
            w.WriteString("kind", kind.ListKind);
            w.WriteString("apiVersion", kind.ApiVersion);
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            w.WriteStartArray("items");
            foreach (var o in sources)
            {
                WriteOne(w, o);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteUsage(Utf8JsonWriter w, long cpuMilli, long memoryMi)
    {
        w.WriteStartObject("usage");
        w.WriteString("cpu", (cpuMilli * 1_000_000).ToString(CultureInfo.InvariantCulture) + "n");
        w.WriteString("memory", (memoryMi * 1024).ToString(CultureInfo.InvariantCulture) + "Ki");
        w.WriteEndObject();
    }
}
