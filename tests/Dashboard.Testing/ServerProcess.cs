namespace Dashboard.Testing;

/// <summary>The built Dashboard.Server started as a real process on 127.0.0.1 and a free port.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _environment;
    private ChildProcess _process;

    private ServerProcess(int port, Dictionary<string, string?> environment, ChildProcess process)
    {
        Port = port;
        _environment = environment;
        _process = process;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public string Output => _process.Output;

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var environment = new Dictionary<string, string?>(settings)
        {
            // Development serves the client's static files straight from the build output.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_NOLOGO"] = "1",
        };
        var port = Network.FreePort();
        var server = new ServerProcess(port, environment, Launch(port, environment));
        await server.WaitUntilHealthyAsync();
        return server;
    }

    private static ChildProcess Launch(int port, Dictionary<string, string?> environment) =>
        ChildProcess.Start("dotnet", [Repository.ServerDll, "--urls", $"http://127.0.0.1:{port}"],
            TimeSpan.FromMinutes(10), environment, Path.GetDirectoryName(Repository.ServerDll));

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

    /// <summary>Stops the process (as a crash would) and starts it again on the same port.</summary>
    public async Task StopAsync() => await _process.DisposeAsync();

    public async Task StartAgainAsync()
    {
        _process = Launch(Port, _environment);
        await WaitUntilHealthyAsync();
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
