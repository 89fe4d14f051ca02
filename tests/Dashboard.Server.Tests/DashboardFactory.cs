using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dashboard.Shared.Access;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests;

/// <summary>The whole server in memory, configured by settings as its appsettings would be.</summary>
public sealed class DashboardFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Dashboard.Server.Live.ServerIdentity>
{
    /// <summary>The first-run admin's password, set through Bootstrap:AdminPassword as automation would.</summary>
    public const string AdminPassword = "Bootstrap-Admin-Pass-1";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Clusters:Demo", "false"); // a test that wants clusters says which
        builder.UseSetting("Clusters:UseKubeconfigEnvironment", "false");
        builder.UseSetting("Clusters:InCluster", "false");
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A bearer token from POST /api/session, as a script would get one.</summary>
    public async Task<string> TokenAsync(string userName = "admin", string password = AdminPassword)
    {
        using var http = CreateClient();
        using var response = await http.PostAsJsonAsync("/api/session", new SignInRequest(userName, password));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SessionToken>())!.Token;
    }

    /// <summary>A client that sends the token in the Authorization header.</summary>
    public HttpClient CreateClient(string token)
    {
        var http = CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async Task<HttpClient> AdminClientAsync() => CreateClient(await TokenAsync());

    /// <summary>A hub connection through the in-memory server, signed in with the token (as access_token, like a browser's websocket).</summary>
    public HubConnection Hub(string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(Server.BaseAddress, FleetHubRoute.Path), options =>
        {
            options.HttpMessageHandlerFactory = _ => Server.CreateHandler();
            options.Transports = HttpTransportType.LongPolling;
            options.AccessTokenProvider = () => Task.FromResult<string?>(token);
        })
        .AddMessagePackProtocol()
        .Build();
}
