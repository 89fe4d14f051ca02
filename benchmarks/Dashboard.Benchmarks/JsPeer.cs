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

    public static async Task<JsPeer?> FindAsync(BenchmarkRun run)
    {
        var folder = Path.Combine(Harness.FindRepositoryRoot(), "benchmarks", "js-peer");
        try
        {
            var version = (await RunAsync(folder, "node", ["--version"])).Trim();
            if (!Directory.Exists(Path.Combine(folder, "node_modules", "@kubernetes", "client-node")))
            {
                run.Log("js-peer: npm ci (the first time)");
                await RunAsync(folder, "npm", ["ci", "--no-audit", "--no-fund"]);
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

    /// <summary>Runs node with the peer's script; its one JSON line.</summary>
    private async Task<string> RunAsync(string[] arguments) =>
        (await RunAsync(_folder, "node", arguments)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));

    /// <summary>Runs a program in the folder: its output, or an exception saying how it ended.</summary>
    private static async Task<string> RunAsync(string folder, string file, string[] arguments)
    {
        await using var process = ChildProcess.Start(file, arguments, Limit, workingDirectory: folder);
        var code = await process.WaitForExitAsync(Limit);
        return code == 0 ? process.Output : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {code}:\n{process.Output}");
    }
}
