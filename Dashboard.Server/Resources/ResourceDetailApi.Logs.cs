using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Dashboard.Server.Resources;

/// <summary>What a browser asks of a pod's log (the pods/log subresource's parameters).</summary>
internal sealed record LogRequest(string? Container, bool Previous, bool Follow, int? TailLines, bool Download);

public static partial class ResourceDetailApi
{
    private const int MaxTailLines = 100_000;

    /// <summary>
    /// Streams a pod's log from its cluster as text/plain, chunk by chunk as the cluster sends it, until the cluster
    /// ends it or the browser goes away. Problems are answered before the first byte; after it, a failure ends the text.
    /// </summary>
    private static async Task<IResult> StreamLogsAsync(ObjectAddress address, Caller caller, ClusterObjects objects, HttpContext context, LogRequest log)
    {
        var aborted = context.RequestAborted;
        var located = await LocateAsync(address, caller, objects, aborted);
        if (located.Problem is { } problem)
        {
            return problem;
        }

        var target = located.Target!;
        if (target.Kind.Kind != "Pod" || target.Kind.Group.Length != 0)
        {
            return TypedResults.Problem($"Logs exist for pods only, not for {target.Kind.Kind} objects.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        HttpResponseMessage? response;
        try
        {
            response = await objects.OpenStreamAsync(target.Cluster, target.Path + "/log" + LogQuery(log), aborted);
        }
        catch (ClusterCallException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.Status);
        }

        if (response is null)
        {
            return target.NotFound();
        }

        using (response)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.Headers.XContentTypeOptions = "nosniff"; // never sniffed into HTML: the text is the cluster's
            context.Response.Headers.CacheControl = "no-store";
            if (log.Download)
            {
                context.Response.Headers.ContentDisposition = Attachment(target.Name, log);
            }

            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                await context.Response.StartAsync(aborted); // the headers go now: a quiet followed log still shows as open
                await using var source = await response.Content.ReadAsStreamAsync(aborted);
                int read;
                while ((read = await source.ReadAsync(buffer, aborted)) > 0)
                {
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), aborted);
                    await context.Response.Body.FlushAsync(aborted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
                // the browser went away, or the cluster ended the stream mid-way: the text simply ends
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return TypedResults.Empty;
    }

    private static string LogQuery(LogRequest log)
    {
        var query = new StringBuilder("?");
        if (!string.IsNullOrEmpty(log.Container))
        {
            query.Append("container=").Append(Uri.EscapeDataString(log.Container)).Append('&');
        }

        if (log.Previous)
        {
            query.Append("previous=true&");
        }
        else if (log.Follow)
        {
            query.Append("follow=true&"); // a previous container's log is complete: nothing to follow
        }

        if (log.TailLines is { } tail)
        {
            query.Append("tailLines=").Append(Math.Clamp(tail, 1, MaxTailLines).ToString(CultureInfo.InvariantCulture)).Append('&');
        }

        return query.ToString().TrimEnd('&', '?');
    }

    private static string Attachment(string pod, LogRequest log)
    {
        var name = $"{pod}{(string.IsNullOrEmpty(log.Container) ? "" : "-" + log.Container)}{(log.Previous ? "-previous" : "")}.log";
        var ascii = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_')]);
        return new ContentDispositionHeaderValue("attachment") { FileName = $"\"{ascii}\"", FileNameStar = name }.ToString();
    }
}
