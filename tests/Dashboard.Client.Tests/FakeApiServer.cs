using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dashboard.Client.Tests;

/// <summary>Stands in for the server's HTTP API in component tests: routes by method and path, records every request.</summary>
internal sealed class FakeApiServer : HttpMessageHandler
{
    /// <summary>What the real server speaks (web defaults, enums as strings), independent of the client's own serializer.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly Dictionary<(HttpMethod, string), Func<RecordedRequest, HttpResponseMessage>> _routes = [];

    public List<RecordedRequest> Requests { get; } = [];

    public FakeApiServer On(HttpMethod method, string path, Func<RecordedRequest, HttpResponseMessage> answer)
    {
        _routes[(method, path.TrimStart('/'))] = answer;
        return this;
    }

    public FakeApiServer OnGet(string path, object body) => On(HttpMethod.Get, path, _ => Answer(body));

    public FakeApiServer OnGet(string path, Func<object> body) => On(HttpMethod.Get, path, _ => Answer(body()));

    public IEnumerable<RecordedRequest> Writes => Requests.Where(r => r.Method != HttpMethod.Get);

    public RecordedRequest Single(HttpMethod method, string path) =>
        Assert.Single(Requests, r => r.Method == method && r.Path == path.TrimStart('/'));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var uri = request.RequestUri!;
        var recorded = new RecordedRequest(
            request.Method,
            uri.AbsolutePath.TrimStart('/'),
            uri.Query,
            request.Headers.TryGetValues("X-XSRF-TOKEN", out var tokens) ? tokens.Single() : null,
            body);
        Requests.Add(recorded);
        return _routes.TryGetValue((request.Method, recorded.Path), out var answer)
            ? answer(recorded)
            : Problem(HttpStatusCode.NotFound, $"The fake server has no route for {request.Method} /{recorded.Path}.");
    }

    public static HttpResponseMessage Answer(object body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), Json), Encoding.UTF8, "application/json") };

    public static HttpResponseMessage NoContent() => new(HttpStatusCode.NoContent);

    public static HttpResponseMessage Problem(HttpStatusCode status, string detail)
    {
        var problem = new { type = "https://tools.ietf.org/html/rfc9110", title = status.ToString(), status = (int)status, detail };
        var content = new StringContent(JsonSerializer.Serialize(problem, Json), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/problem+json");
        return new HttpResponseMessage(status) { Content = content };
    }
}

internal sealed record RecordedRequest(HttpMethod Method, string Path, string Query, string? Antiforgery, string? Body)
{
    public T BodyAs<T>() => JsonSerializer.Deserialize<T>(Body ?? throw new InvalidOperationException("no body"), FakeApiServer.Json)!;

    public JsonElement BodyJson => JsonDocument.Parse(Body ?? "null").RootElement;
}
