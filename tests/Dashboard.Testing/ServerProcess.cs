using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dashboard.Testing;

/// <summary>The built Dashboard.Server started as a real process on 127.0.0.1 and a free port.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>The first-run admin's password (Bootstrap__AdminPassword), as automation would set it.</summary>
    public const string AdminPassword = "Process-admin-pass-1";

    private readonly Dictionary<string, string?> _environment;
    private ChildProcess _process;

    private readonly string _dll;

    private ServerProcess(int port, Dictionary<string, string?> environment, string dll, ChildProcess process)
    {
        Port = port;
        _environment = environment;
        _dll = dll;
        _process = process;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public string Output => _process.Output;

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings) => await StartAsync(settings, null);

    /// <summary>
    /// The Release publish output (trimmed WebAssembly, compressed static files), as deployed: test.sh publishes
    /// it and names its dll in DASHBOARD_TEST_PUBLISHED.
    /// </summary>
    public static async Task<ServerProcess> StartPublishedAsync(IReadOnlyDictionary<string, string?> settings) =>
        await StartAsync(settings, Environment.GetEnvironmentVariable("DASHBOARD_TEST_PUBLISHED") is { Length: > 0 } dll && File.Exists(dll)
            ? dll
            : throw new InvalidOperationException("DASHBOARD_TEST_PUBLISHED does not name a published Dashboard.Server.dll: run the tests through ./test.sh, which publishes it."));

    private static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string? publishedDll)
    {
        var environment = new Dictionary<string, string?>(settings)
        {
            // Development serves the client's static files straight from the build output; a publish has its own.
            ["ASPNETCORE_ENVIRONMENT"] = publishedDll is null ? "Development" : "Production",
            ["DOTNET_NOLOGO"] = "1",
            ["Bootstrap__AdminPassword"] = AdminPassword,
        };
        var port = Network.FreePort();
        var dll = publishedDll ?? Repository.ServerDll;
        var server = new ServerProcess(port, environment, dll, Launch(dll, port, environment));
        await server.WaitUntilHealthyAsync();
        return server;
    }

    private static ChildProcess Launch(string dll, int port, Dictionary<string, string?> environment) =>
        ChildProcess.Start("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"],
            TimeSpan.FromMinutes(10), environment, Path.GetDirectoryName(dll));

    public async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Network.WaitUntilAsync(async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException("The server exited during startup");
                }

                return (await http.GetAsync("healthz")).IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(60), "the server's /healthz");
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{e.Message}. Server output:\n{_process.Output}", e);
        }
    }

    /// <summary>A client of the REST API signed in with a bearer token from POST /api/session.</summary>
    public async Task<HttpClient> ApiClientAsync(string userName = "admin", string password = AdminPassword)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsJsonAsync("api/session", new { username = userName, password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Stops the process (as a crash would) and starts it again on the same port.</summary>
    public async Task StopAsync() => await _process.DisposeAsync();

    public async Task StartAgainAsync()
    {
        _process = Launch(_dll, Port, _environment);
        await WaitUntilHealthyAsync();
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
