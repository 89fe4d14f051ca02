using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Simulator.Tests;

/// <summary>Fast timings so controllers converge in well under a second.</summary>
internal static class Fast
{
    public static FleetOptions Options(string scenario = "hybrid") => new()
    {
        Scenario = scenario,
        ControllerInterval = TimeSpan.FromMilliseconds(50),
        PodStartDelay = TimeSpan.FromMilliseconds(200),
        CrashRunDuration = TimeSpan.FromMilliseconds(400),
        CrashBackoff = TimeSpan.FromMilliseconds(500),
        JobRunDuration = TimeSpan.FromMilliseconds(300),
        NodeEvictionTimeout = TimeSpan.FromSeconds(1),
        HpaInterval = TimeSpan.FromHours(1),
        BookmarkInterval = TimeSpan.FromMilliseconds(500),
        LogLineInterval = TimeSpan.FromMilliseconds(200),
        ActivityInterval = TimeSpan.Zero,
    };

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for: {what}");
            }

            await Task.Delay(25);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }

    public static HttpClient Client(SimulatedCluster cluster) => new(cluster.CreateHandler()) { BaseAddress = cluster.Server, Timeout = TimeSpan.FromSeconds(30) };

    public static HttpClient AnonymousClient(SimulatedCluster cluster)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        return new HttpClient(handler) { BaseAddress = cluster.Server, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static IEnumerable<JsonObject> Objects(SimulatedCluster cluster, string plural, string? ns = null, string group = "") =>
        cluster.ListJson(plural, ns, group).Select(j => JsonNode.Parse(j)!.AsObject());

    public static IEnumerable<JsonObject> PodsOf(SimulatedCluster cluster, string ns, string app) =>
        Objects(cluster, "pods", ns).Where(p => (string?)p["metadata"]?["labels"]?["app.kubernetes.io/name"] == app);

    public static bool Ready(JsonObject pod) =>
        pod["status"]?["conditions"]?.AsArray().Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True") == true;

    public static StringContent Json(string json, string type = "application/json") => new(json, Encoding.UTF8, new MediaTypeHeaderValue(type));
}

/// <summary>One fleet shared by the tests of a class (each test works in its own namespace or node).</summary>
public sealed class FleetFixture : IAsyncLifetime
{
    public SimulatedFleet Fleet { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fleet = await SimulatedFleet.StartAsync(Fast.Options());
        foreach (var c in Fleet.Clusters)
        {
            await Fast.UntilAsync(() => Fast.PodsOf(c, "shop", "storefront").Count(Fast.Ready) >= 2, $"{c.Name} storefront ready");
        }
    }

    public async Task DisposeAsync() => await Fleet.DisposeAsync();
}

/// <summary>Runs the real kubectl binaries with their own kubeconfig and cache directory, always with a hard timeout.</summary>
internal sealed class Kubectl : IDisposable
{
    private readonly string _directory;
    private readonly string _binary;

    public Kubectl(SimulatedFleet fleet, string version)
    {
        _binary = $"/usr/lib/google-cloud-sdk/bin/kubectl.{version}";
        if (!File.Exists(_binary))
        {
            throw new InvalidOperationException($"kubectl {version} is missing: expected {_binary} (install the google-cloud-sdk kubectl component)");
        }

        _directory = Directory.CreateTempSubdirectory("simkubectl").FullName;
        Kubeconfig = Path.Combine(_directory, "kubeconfig");
        fleet.WriteKubeconfig(Kubeconfig);
    }

    public string Kubeconfig { get; }

    public async Task<(int Code, string Out, string Err)> RunAsync(string context, string arguments, TimeSpan? timeout = null, string? stdin = null)
    {
        using var process = Start(context, arguments, stdin is not null);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {arguments} did not finish: {await stdout} {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    public async Task<string> OkAsync(string context, string arguments, TimeSpan? timeout = null, string? stdin = null)
    {
        var (code, output, error) = await RunAsync(context, arguments, timeout, stdin);
        Assert.True(code == 0, $"kubectl {arguments} exited {code}: {output}\n{error}");
        return output;
    }

    public Process Start(string context, string arguments, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--kubeconfig", Kubeconfig, "--cache-dir", Path.Combine(_directory, "cache"), "--context", context })
        {
            info.ArgumentList.Add(a);
        }

        foreach (var a in SplitArguments(arguments))
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static IEnumerable<string> SplitArguments(string arguments)
    {
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in arguments)
        {
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (c == ' ' && !quoted)
            {
                if (current.Length > 0)
                {
                    yield return current.ToString();
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A kubectl still holding its cache; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>A streaming kubectl (get -w, logs -f): collects output lines and is killed on dispose.</summary>
internal sealed class StreamingProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    public StreamingProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_gate)
                {
                    _output.AppendLine(e.Data);
                }
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_gate)
                {
                    _output.AppendLine("ERR " + e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
