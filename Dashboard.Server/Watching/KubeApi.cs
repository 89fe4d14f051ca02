using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using k8s;

namespace Dashboard.Server.Watching;

/// <summary>The API server answered with an error (a Status object), or not at all as expected.</summary>
public sealed class KubeApiException(HttpStatusCode? status, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool IsGone => Status == HttpStatusCode.Gone;
}

/// <summary>
/// Lists and watches over KubernetesClient's authenticated HttpClient (every auth kind it supports, exec
/// plugins included), reading the bytes straight into JsonDocuments: the typed client decodes each watch line
/// twice into whole objects, which costs more than this product's slim projections need.
/// </summary>
public sealed class KubeApi(IKubernetes client) : IDisposable
{
    private readonly Kubernetes _client = (Kubernetes)client;

    public Uri BaseUri => _client.BaseUri;

    /// <summary>GETs a path; the body is handed to <paramref name="read"/> as a parsed document.</summary>
    public async Task<T> GetJsonAsync<T>(string pathAndQuery, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(pathAndQuery, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
        return read(document.RootElement);
    }

    /// <summary>
    /// One watch request: hands each non-blank line of the stream to <paramref name="onLine"/> until the server
    /// ends it (decoding is the caller's: see <see cref="WatchDecoders"/>). <paramref name="onOpened"/> runs once
    /// the server has accepted the watch.
    /// </summary>
    public async Task WatchAsync(string pathAndQuery, Action<ReadOnlySequence<byte>> onLine, Action? onOpened, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(pathAndQuery, cancellationToken);
        onOpened?.Invoke();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (!IsBlank(line))
                    {
                        onLine(line);
                    }
                }

                if (result.IsCompleted)
                {
                    if (!IsBlank(buffer))
                    {
                        onLine(buffer);
                    }

                    reader.AdvanceTo(buffer.End);
                    return;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var position = buffer.PositionOf((byte)'\n');
        if (position is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, position.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        return true;
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\r' or (byte)'\t'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>How long the last successful request took to answer its headers.</summary>
    public TimeSpan? LastLatency { get; private set; }

    /// <summary>
    /// A GET with the cluster's credentials, answered as soon as its headers are in, whatever its status
    /// (the caller decides what a 404 means). For one object or a pod's log; watches use <see cref="WatchAsync"/>.
    /// </summary>
    public Task<HttpResponseMessage> OpenAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, pathAndQuery, null, cancellationToken);

    /// <summary>
    /// Any request with the cluster's credentials (a write carries its JSON or patch body), answered as soon as
    /// its headers are in, whatever its status. With <paramref name="impersonateUser"/> the cluster authorizes it
    /// as that user (Impersonate-User, as kubectl --as), so its own RBAC applies as well.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken cancellationToken,
        string? impersonateUser = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_client.BaseUri, pathAndQuery)) { Content = content };
        request.Headers.Accept.ParseAdd("application/json");
        if (impersonateUser is not null)
        {
            request.Headers.Add("Impersonate-User", impersonateUser);
        }

        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        var response = await _client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            LastLatency = Stopwatch.GetElapsedTime(started);
        }

        return response;
    }

    /// <summary>The message of a refusal: the Status object's, else the body's text, shortened.</summary>
    public static async Task<string> StatusMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return response.ReasonPhrase ?? "no reason given";
        }

        try
        {
            using var status = JsonDocument.Parse(body);
            body = status.RootElement.Str("message") ?? body;
        }
        catch (JsonException)
        {
            // not a Status object: keep the text
        }

        return body.Length <= 300 ? body : body[..300] + "…";
    }

    private async Task<HttpResponseMessage> SendAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var response = await OpenAsync(pathAndQuery, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var message = await StatusMessageAsync(response, cancellationToken);
            var retryAfter = response.Headers.RetryAfter?.Delta ??
                             (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            throw new KubeApiException(response.StatusCode,
                $"{(int)response.StatusCode} {response.ReasonPhrase} from {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path)}: {message}",
                retryAfter);
        }
    }

    public void Dispose() => _client.Dispose();
}
