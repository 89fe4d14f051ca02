using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dashboard.Benchmarks;

/// <summary>
/// The real Dashboard.Server from this program's Release build output, as a process on 127.0.0.1 and a free
/// port, watching the clusters of one kubeconfig with a SQLite database in a directory of the caller's.
/// Disposing kills its whole process tree; so does this process exiting (Ctrl+C, SIGTERM).
/// </summary>
internal sealed class BenchmarkServer : IDisposable
{
    public const string AdminPassword = "Benchmark-admin-pass-1";

    private readonly Process _process;

    private BenchmarkServer(Process process, int port)
    {
        _process = process;
        BaseUri = new Uri($"http://127.0.0.1:{port}");
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public Uri BaseUri { get; }

    /// <summary>
    /// Starts the server. <paramref name="kinds"/> limits what it watches (a shorter cold sync);
    /// <paramref name="serveClient"/> runs the build output as Development, the environment in which a build
    /// (not a publish) serves the WebAssembly client's files. <paramref name="publishedDll"/> runs a
    /// `dotnet publish` output instead, as Production.
    /// </summary>
    public static BenchmarkServer Start(string kubeconfig, string dir, IReadOnlyList<string> kinds, bool serveClient = false, string? publishedDll = null)
    {
        var port = FreePort();
        var dll = publishedDll ?? Path.Combine(AppContext.BaseDirectory, "Dashboard.Server.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = serveClient && publishedDll is null ? "Development" : "Production";
        info.Environment["Clusters__Kubeconfigs__0"] = kubeconfig;
        info.Environment["Bootstrap__AdminPassword"] = AdminPassword;
        info.Environment["Clusters__UseKubeconfigEnvironment"] = "false";
        for (var i = 0; i < kinds.Count; i++)
        {
            info.Environment[$"Fleet__Kinds__{i}"] = kinds[i];
        }

        info.Environment["Database__SqlitePath"] = Path.Combine(dir, "dashboard.db");
        info.Environment["ConnectionStrings__Dashboard"] = "";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // UI_TRACE=1 prints how long the server took to make each live view (the ui benchmark's server share).
        var trace = Environment.GetEnvironmentVariable("UI_TRACE") is not null;
        if (trace)
        {
            info.Environment["Logging__LogLevel__Dashboard.Server.Live.ViewRegistry"] = "Debug";
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (trace && e.Data?.Contains("live view", StringComparison.Ordinal) == true)
            {
                Console.Error.WriteLine($"[server] {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[server] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BenchmarkServer(process, port);
    }

    /// <summary>Signs in (a bearer token, as scripts do) and waits until every cluster is Live; answers the token.</summary>
    public async Task<string> WaitLiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUri };
        var deadline = DateTime.UtcNow + timeout;
        var states = "";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {_process.ExitCode} before its clusters were Live");
            }

            try
            {
                if (http.DefaultRequestHeaders.Authorization is null)
                {
                    using var session = await http.PostAsJsonAsync("/api/session", new { username = "admin", password = AdminPassword }, cancellationToken);
                    session.EnsureSuccessStatusCode();
                    var token = (await session.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString();
                    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                }

                var clusters = await http.GetFromJsonAsync<JsonElement>("/api/clusters", cancellationToken);
                states = string.Join(", ", clusters.EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()} {c.GetProperty("state").GetString()}"));
                if (clusters.GetArrayLength() > 0 && clusters.EnumerateArray().All(c => c.GetProperty("state").GetString() == "Live"))
                {
                    return http.DefaultRequestHeaders.Authorization.Parameter!;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"the server did not get its clusters Live within {timeout.TotalSeconds:0} s ({states})");
    }

    public long Rss()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(status.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Kill();
        _process.WaitForExit(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private void OnProcessExit(object? sender, EventArgs e) => Kill();

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
