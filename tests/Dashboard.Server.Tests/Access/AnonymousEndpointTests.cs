using System.Net;
using System.Text.RegularExpressions;
using Dashboard.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Access;

/// <summary>
/// Every endpoint the app maps, read from its endpoint data source (so a new one is covered without anyone
/// remembering), refuses an anonymous caller, except the few that must not.
/// </summary>
public sealed partial class AnonymousEndpointTests
{
    /// <summary>What may answer without a signed-in user; the client's own files aside.</summary>
    private static readonly HashSet<string> Anonymous =
    [
        "/api/auth/signin", "/api/auth/providers", "/api/auth/oidc", "/api/session", "/healthz", "/readyz", "/signin",
    ];

    [Fact]
    public async Task Every_endpoint_refuses_an_anonymous_caller_but_sign_in_health_and_the_client_files()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using var factory = new DashboardFactory(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = database.ConnectionString });
        using var anonymous = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 20, $"only {endpoints.Count} endpoints found");
        var refused = 0;
        foreach (var endpoint in endpoints)
        {
            var route = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var open = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (IsClientFile(route))
            {
                continue; // the WebAssembly app's own files: anyone may load them
            }

            if (open)
            {
                Assert.True(Anonymous.Contains(route), $"{route} ({endpoint.DisplayName}) allows anonymous callers");
                continue;
            }

            var path = RouteValue().Replace(route, m => m.Value.Contains(":guid", StringComparison.Ordinal) ? Guid.Empty.ToString() : "x");
            foreach (var method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }

                using var response = await anonymous.SendAsync(request);
                var toSignIn = response.StatusCode == HttpStatusCode.Redirect &&
                               response.Headers.Location?.OriginalString.StartsWith("http://localhost/signin?returnUrl=", StringComparison.Ordinal) == true;
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized || toSignIn,
                    $"{method} {path} answered {(int)response.StatusCode} to an anonymous caller");
                refused++;
            }
        }

        Assert.True(refused > 20, $"only {refused} refusals checked");
        // The hub's own endpoints are among them.
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/hubs/fleet/negotiate" && e.Metadata.GetMetadata<IAllowAnonymous>() is null);
    }

    private static bool IsClientFile(string route) =>
        route.StartsWith("/_framework/", StringComparison.Ordinal) || route.StartsWith("/_content/", StringComparison.Ordinal) ||
        ClientFile().IsMatch(route);

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteValue();

    [GeneratedRegex(@"^/[^/]+\.(css|js|svg|ico|png|json|gz|br|wasm|dat|html)$")]
    private static partial Regex ClientFile();
}
