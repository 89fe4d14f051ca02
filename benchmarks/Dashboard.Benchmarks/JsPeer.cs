using System.Text.Json;
using Dashboard.Testing;

namespace Dashboard.Benchmarks;

/// <summary>
/// The JavaScript peer, @kubernetes/client-node (benchmarks/js-peer, pinned in its package-lock.json), run with
/// the system's node; its packages are installed with npm the first time. Null, said in the log, when node
/// or npm is missing or the install fails: the other figures are still measured.
/// </summary>
internal sealed class JsPeer
{
    /// <summary>How many pods the ingest benchmark's API server lists (the informer's list), set before each informer run.</summary>
    public static volatile int ListPods = 15_000;

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly string _folder;

    private JsPeer(string folder, string nodeVersion) => (_folder, NodeVersion) = (folder, nodeVersion);

    public string NodeVersion { get; }

    public static JsPeer? Find(BenchmarkRun run)
    {
        var folder = Path.Combine(Harness.FindRepositoryRoot(), "benchmarks", "js-peer");
        try
        {
            var version = Run("node", ["--version"], folder).Trim();
            if (!Directory.Exists(Path.Combine(folder, "node_modules", "@kubernetes", "client-node")))
            {
                run.Log("js-peer: npm ci (the first time)");
                Run("npm", ["ci", "--no-audit", "--no-fund"], folder);
            }

            return new JsPeer(folder, version);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or TimeoutException)
        {
            run.Log($"js-peer: not measured: {e.Message}");
            return null;
        }
    }

    public async Task<(int Events, double Seconds)> WatchAsync(string server, int events)
    {
        using var result = JsonDocument.Parse(await RunAsync(["peer.mjs", "watch", server, $"{events}"]));
        return (result.RootElement.GetProperty("events").GetInt32(), result.RootElement.GetProperty("seconds").GetDouble());
    }

    public async Task<double> InformerBytesPerPodAsync(string server, int pods)
    {
        ListPods = pods;
        using var result = JsonDocument.Parse(await RunAsync(["--expose-gc", "--max-old-space-size=8192", "peer.mjs", "informer", server, $"{pods}"]));
        return result.RootElement.GetProperty("bytesPerPod").GetDouble();
    }

    private async Task<string> RunAsync(string[] arguments)
    {
        await using var node = ChildProcess.Start("node", arguments, Limit, workingDirectory: _folder);
        var code = await node.WaitForExitAsync(Limit);
        var output = node.Output;
        return code == 0
            ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'))
            : throw new InvalidOperationException($"node {string.Join(' ', arguments)} exited with {code}:\n{output}");
    }

    private static string Run(string file, string[] arguments, string folder)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} took over {Limit}");
        }

        return process.ExitCode == 0 ? output.Result : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {errors.Result}");
    }
}
