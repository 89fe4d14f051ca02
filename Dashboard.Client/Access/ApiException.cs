using System.Net;
using System.Text.Json;

namespace Dashboard.Client.Access;

/// <summary>The server refused or failed a call; the message is the server's own explanation, fit to show a user.</summary>
public sealed class ApiException : Exception
{
    public ApiException()
    {
    }

    public ApiException(string message)
        : base(message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ApiException(HttpStatusCode status, string message)
        : base(message) => Status = status;

    public HttpStatusCode? Status { get; }

    /// <summary>Reads a failed answer: RFC 7807 problem details when the server sent them, else a plain description.</summary>
    public static async Task<ApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var message = await ReadProblemAsync(response, cancellationToken) ?? DefaultMessage(response.StatusCode);
        return new ApiException(response.StatusCode, message);
    }

    private static async Task<string?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var problem = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            if (problem.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (Text(problem.RootElement, "detail") is { } detail)
            {
                return detail;
            }

            // Validation problems list their failures per field rather than in a detail.
            if (problem.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                var failures = errors.EnumerateObject()
                    .SelectMany(field => field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray() : Enumerable.Empty<JsonElement>())
                    .Where(failure => failure.ValueKind == JsonValueKind.String)
                    .Select(failure => failure.GetString())
                    .ToList();
                if (failures.Count > 0)
                {
                    return string.Join(" ", failures);
                }
            }

            return Text(problem.RootElement, "title");
        }
        catch (JsonException)
        {
            return null; // not problem details (a proxy's HTML page, an empty body)
        }
    }

    private static string? Text(JsonElement problem, string name) =>
        problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;

    private static string DefaultMessage(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "You are not signed in.",
        HttpStatusCode.Forbidden => "You are not allowed to do this.",
        HttpStatusCode.NotFound => "The server does not know this item (it may have been removed meanwhile).",
        _ => $"The server answered {(int)status} ({status}).",
    };
}
