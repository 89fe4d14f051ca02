using System.Net;
using System.Text.Json;
using Dashboard.Server.Clusters;
using Dashboard.Server.Watching;

namespace Dashboard.Server.Resources;

/// <summary>A request to a cluster failed; <see cref="Status"/> is what the dashboard answers its caller.</summary>
public sealed class ClusterCallException(int status, string message, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;
}

/// <summary>
/// Reads single objects and pod logs from the clusters on demand (the store holds only slim projections), through
/// each cluster's own <see cref="KubeApi"/>: the client and credentials its watches use, one connection pool.
/// </summary>
public sealed class ClusterObjects(FleetWatcher fleet)
{
    /// <summary>How long a GET may take; logs that follow are bounded by the browser staying, not by this.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The cluster's watch, or null when no such cluster is registered.</summary>
    public ClusterWatch? Find(string cluster) => fleet.Clusters.FirstOrDefault(c => c.Name == cluster);

    /// <summary>GET of one object: the whole document, or null when the cluster has no such object.</summary>
    public async Task<JsonDocument?> GetAsync(ClusterWatch cluster, string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await SendAsync(cluster, path, HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            await ThrowUnlessSuccessAsync(cluster, response, timeout.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            return await JsonDocument.ParseAsync(stream, default, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClusterCallException(StatusCodes.Status503ServiceUnavailable,
                $"Cluster '{cluster.Name}' did not answer within {RequestTimeout.TotalSeconds:0} seconds.", e);
        }
        catch (JsonException e)
        {
            throw new ClusterCallException(StatusCodes.Status502BadGateway, $"Cluster '{cluster.Name}' answered with something that is not JSON.", e);
        }
    }

    /// <summary>Opens a streamed GET (pod logs): the response, headers read; null when the cluster has no such object.</summary>
    public async Task<HttpResponseMessage?> OpenStreamAsync(ClusterWatch cluster, string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        HttpResponseMessage response;
        try
        {
            // The timeout covers the wait for the headers only: a followed log may then run for hours.
            response = await SendAsync(cluster, path, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClusterCallException(StatusCodes.Status503ServiceUnavailable,
                $"Cluster '{cluster.Name}' did not answer within {RequestTimeout.TotalSeconds:0} seconds.", e);
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return null;
        }

        try
        {
            await ThrowUnlessSuccessAsync(cluster, response, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A write (POST, PUT, PATCH or DELETE with a JSON body of the given media type): the cluster's answer as
    /// a document. A refusal keeps the cluster's status where it means something to the caller: 404 gone,
    /// 409 changed meanwhile, 422 invalid, 429 a disruption budget.
    /// </summary>
    public async Task<JsonDocument> WriteAsync(ClusterWatch cluster, HttpMethod method, string path, string? body, string mediaType,
        CancellationToken cancellationToken, string? impersonateUser = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, mediaType);
            if (content is not null)
            {
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
            }

            using var response = await SendAsync(cluster, path, HttpCompletionOption.ResponseContentRead, timeout.Token, method, content, impersonateUser);
            if ((int)response.StatusCode is 404 or 409 or 422 or 429 || (impersonateUser is not null && response.StatusCode == HttpStatusCode.Forbidden))
            {
                throw new ClusterCallException((int)response.StatusCode,
                    $"Cluster '{cluster.Name}' refused ({(int)response.StatusCode}): {await KubeApi.StatusMessageAsync(response, timeout.Token)}");
            }

            await ThrowUnlessSuccessAsync(cluster, response, timeout.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            return await JsonDocument.ParseAsync(stream, default, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClusterCallException(StatusCodes.Status503ServiceUnavailable,
                $"Cluster '{cluster.Name}' did not answer within {RequestTimeout.TotalSeconds:0} seconds: whether it did it is not known.", e);
        }
        catch (JsonException e)
        {
            throw new ClusterCallException(StatusCodes.Status502BadGateway, $"Cluster '{cluster.Name}' answered with something that is not JSON.", e);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(ClusterWatch cluster, string path, HttpCompletionOption completion, CancellationToken cancellationToken,
        HttpMethod? method = null, HttpContent? content = null, string? impersonateUser = null)
    {
        if (cluster.Api is not { } api)
        {
            throw new ClusterCallException(StatusCodes.Status503ServiceUnavailable,
                $"Cluster '{cluster.Name}' is not connected: {cluster.Endpoint.Error ?? cluster.Health.ConfigurationError ?? "it has no configuration"}");
        }

        try
        {
            var response = await api.SendAsync(method ?? HttpMethod.Get, path, content, cancellationToken, impersonateUser);
            if (completion == HttpCompletionOption.ResponseContentRead)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
            }

            return response;
        }
        catch (HttpRequestException e)
        {
            var why = e.InnerException switch
            {
                System.Security.Authentication.AuthenticationException tls => $"TLS failed: {tls.Message}",
                { } inner => inner.Message,
                null => e.Message,
            };
            throw new ClusterCallException(StatusCodes.Status502BadGateway, $"Cluster '{cluster.Name}' cannot be reached: {why}", e);
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or InvalidOperationException)
        {
            // an exec plugin or token file that fails: the cluster's credentials, not the caller's request
            throw new ClusterCallException(StatusCodes.Status503ServiceUnavailable, $"Cluster '{cluster.Name}' has no usable credentials: {e.Message}", e);
        }
    }

    /// <summary>The cluster's refusal in the dashboard's words: its 400s are the caller's (a bad container), the rest the cluster's.</summary>
    private static async Task ThrowUnlessSuccessAsync(ClusterWatch cluster, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var message = await KubeApi.StatusMessageAsync(response, cancellationToken);
        var code = (int)response.StatusCode;
        throw code switch
        {
            400 => new ClusterCallException(StatusCodes.Status400BadRequest, $"Cluster '{cluster.Name}' refused: {message}"),
            401 or 403 => new ClusterCallException(StatusCodes.Status502BadGateway,
                $"Cluster '{cluster.Name}' refused the dashboard's credentials ({code}): {message}"),
            429 or 503 => new ClusterCallException(StatusCodes.Status503ServiceUnavailable, $"Cluster '{cluster.Name}' is busy ({code}): {message}"),
            _ => new ClusterCallException(StatusCodes.Status502BadGateway, $"Cluster '{cluster.Name}' answered {code}: {message}"),
        };
    }

}
