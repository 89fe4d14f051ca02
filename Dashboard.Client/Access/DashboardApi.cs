using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;

namespace Dashboard.Client.Access;

/// <summary>
/// The server's JSON API, one generic path for every endpoint: writes carry the antiforgery token of the
/// signed-in user, and a refusal becomes an <see cref="ApiException"/> whose message is the server's detail.
/// </summary>
public sealed class DashboardApi(HttpClient http, CurrentSession session)
{
    internal const string AntiforgeryHeader = "X-XSRF-TOKEN";

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken = default) =>
        SendAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    public Task<T> PostAsync<T>(string path, object body, CancellationToken cancellationToken = default) =>
        SendAsync<T>(HttpMethod.Post, path, body, cancellationToken);

    public Task PostAsync(string path, object? body = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, path, body, cancellationToken);

    public Task PutAsync(string path, object body, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, path, body, cancellationToken);

    /// <summary>A PUT of text (an object's YAML), answered as JSON.</summary>
    public async Task<T> PutTextAsync<T>(string path, string text, string mediaType, CancellationToken cancellationToken = default)
    {
        using var response = await SendCoreAsync(HttpMethod.Put, path, new StringContent(text, System.Text.Encoding.UTF8, mediaType), cancellationToken);
        return await response.Content.ReadFromJsonAsync((JsonTypeInfo<T>)TypeInfo(typeof(T)), cancellationToken)
            ?? throw new ApiException(response.StatusCode, $"The server answered PUT {path} with no content.");
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, body, cancellationToken);
        return await response.Content.ReadFromJsonAsync((JsonTypeInfo<T>)TypeInfo(typeof(T)), cancellationToken)
            ?? throw new ApiException(response.StatusCode, $"The server answered {method} {path} with no content.");
    }

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, body, cancellationToken);
    }

    private static JsonTypeInfo TypeInfo(Type type) =>
        AccessJsonContext.Default.GetTypeInfo(type)
        ?? Resources.ResourceJsonContext.Default.GetTypeInfo(type)
        ?? throw new InvalidOperationException($"{type.Name} is not listed in {nameof(AccessJsonContext)}: add it there.");

    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is HttpContent content)
        {
            request.Content = content;
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body, TypeInfo(body.GetType()));
        }

        // Pages render inside the layout only once the session is loaded, so a write always finds the token;
        // the sign-in page writes before anyone is signed in and needs none.
        if (method != HttpMethod.Get && session.User?.AntiforgeryToken is { } token)
        {
            request.Headers.Add(AntiforgeryHeader, token);
        }

        var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                session.End();
            }

            throw await ApiException.FromResponseAsync(response, cancellationToken);
        }
    }
}
