using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dashboard.Shared.Access;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.Server.Tests;

/// <summary>The whole server in memory, configured by settings as its appsettings would be.</summary>
public sealed class DashboardFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Dashboard.Server.Live.ServerIdentity>
{
    /// <summary>The first-run admin's password, set through Bootstrap:AdminPassword as automation would.</summary>
    public const string AdminPassword = "Bootstrap-Admin-Pass-1";

    /// <summary>Every warning and above the server logged, formatted (access denials, first-run password).</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureLogging(logging => logging.AddProvider(new QueueLoggerProvider(Log)));
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

    /// <summary>A hub connection through the in-memory server (long polling), signed in with the token.</summary>
    public HubConnection Hub(string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(Server.BaseAddress, FleetHubRoute.Path), options =>
        {
            options.HttpMessageHandlerFactory = _ => Server.CreateHandler();
            options.Transports = HttpTransportType.LongPolling;
            options.AccessTokenProvider = () => Task.FromResult<string?>(token);
        })
        .AddMessagePackProtocol()
        .Build();

    /// <summary>
    /// A hub connection over a websocket, as browsers connect: authenticated once, when it opens (the token as
    /// access_token, or a cookie header), so only the server's own checks can end it later.
    /// </summary>
    public HubConnection WebSocketHub(string? token, string? cookie = null) => new HubConnectionBuilder()
        .WithUrl(new Uri(Server.BaseAddress, FleetHubRoute.Path), options =>
        {
            options.HttpMessageHandlerFactory = _ => Server.CreateHandler();
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            options.WebSocketFactory = async (context, cancellationToken) =>
            {
                var client = Server.CreateWebSocketClient();
                client.ConfigureRequest = request =>
                {
                    request.Headers.Origin = "http://localhost";
                    if (cookie is not null)
                    {
                        request.Headers.Cookie = cookie;
                    }
                };
                // As a browser does it: the token rides on the URL (a websocket cannot carry an Authorization header there).
                var uri = token is null ? context.Uri : new UriBuilder(context.Uri) { Query = $"{context.Uri.Query.TrimStart('?')}&access_token={token}".TrimStart('&') }.Uri;
                return await client.ConnectAsync(uri, cancellationToken);
            };
        })
        .AddMessagePackProtocol()
        .Build();
}

internal sealed class QueueLoggerProvider(ConcurrentQueue<string> log) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new QueueLogger(log);

    public void Dispose()
    {
    }

    private sealed class QueueLogger(ConcurrentQueue<string> log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Enqueue(formatter(state, exception));
            }
        }
    }
}
