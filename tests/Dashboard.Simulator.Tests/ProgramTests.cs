using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Dashboard.Simulator.Tests;

/// <summary>The command line contract and load mode.</summary>
public sealed class ProgramTests
{
    [Fact]
    public async Task CommandLine_WritesKubeconfig_PrintsControlThenReady_AndStopsOnSigterm()
    {
        var directory = Directory.CreateTempSubdirectory("simcli").FullName;
        var kubeconfig = Path.Combine(directory, "kubeconfig");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Dashboard.Simulator.dll"), "--kubeconfig", kubeconfig, "--scenario", "hybrid", "--pods", "1000", "--churn", "50", "--seed", "7" })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var control = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.Matches(@"^control http://127\.0\.0\.1:\d+$", control);
            Assert.Equal("ready", await process.StandardOutput.ReadLineAsync(timeout.Token));

            var config = File.ReadAllText(kubeconfig);
            foreach (var name in new[] { "onprem-prod", "aws-prod", "gcp-staging", "azure-dev" })
            {
                Assert.Contains($"- name: {name}\n  context:", config, StringComparison.Ordinal);
            }

            Assert.Equal(4, config.Split("token: sim-").Length - 1);
            using var http = new HttpClient { BaseAddress = new Uri(control!["control ".Length..]) };
            var clusters = JsonNode.Parse(await http.GetStringAsync("/clusters", timeout.Token))!.AsArray();
            Assert.Equal(4, clusters.Count);

            using var kubectl = new KubectlAt(kubeconfig, directory);
            var pods = await kubectl.OkAsync("get pods -A --context aws-prod -o name");
            Assert.True(pods.Split('\n').Count(l => l.StartsWith("pod/load-app-", StringComparison.Ordinal)) >= 240, "load pods listed");

            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.Equal("", (await process.StandardOutput.ReadToEndAsync(timeout.Token)).Trim());
            Assert.Contains("serves https://127.0.0.1:", await stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task LoadMode_BuildsRunningPods_AndChurnReachesWatchers()
    {
        await using var fleet = await SimulatedFleet.StartAsync(Fast.Options() with { Pods = 8000, ChurnPerSecond = 400 });
        Assert.True(fleet.Clusters.Sum(c => c.Count("pods")) >= 8000);
        var cluster = fleet.Clusters[1];
        using var client = Fast.Client(cluster);
        var list = JsonNode.Parse(await client.GetStringAsync("/api/v1/namespaces/load-3/pods?limit=1"))!;
        Assert.Equal("Running", (string?)list["items"]![0]!["status"]!["phase"]);
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        using var response = await client.GetAsync($"/api/v1/pods?watch=true&resourceVersion={rv}&timeoutSeconds=2", HttpCompletionOption.ResponseHeadersRead);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 50, $"only {lines.Length} events in 2 s at 400/s across 4 clusters");
        Assert.Contains(lines, l => l.StartsWith("{\"type\":\"MODIFIED\"", StringComparison.Ordinal));
        Assert.True(fleet.Churned > 0);
    }
}

/// <summary>kubectl.1.33 against a kubeconfig written by the command line.</summary>
internal sealed class KubectlAt(string kubeconfig, string directory) : IDisposable
{
    public async Task<string> OkAsync(string arguments)
    {
        var info = new ProcessStartInfo("/usr/lib/google-cloud-sdk/bin/kubectl.1.33") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!File.Exists(info.FileName))
        {
            throw new InvalidOperationException($"kubectl is missing: {info.FileName}");
        }

        foreach (var a in new[] { "--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(directory, "cache") }.Concat(arguments.Split(' ')))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, await error);
        return await output;
    }

    public void Dispose()
    {
    }
}
