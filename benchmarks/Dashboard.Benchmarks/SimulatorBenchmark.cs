using System.Diagnostics;
using System.Text.Json;
using Dashboard.Simulator;

namespace Dashboard.Benchmarks;

/// <summary>One process holding 150k pods (hybrid fleet in load mode) and listing 50k of them in pages of 500 over HTTPS.</summary>
internal sealed class SimulatorBenchmark : IBenchmark
{
    public string Name => "simulator";

    public string Description => "simulator: 150k pods in one process (1000 changes/s), list 50k in pages of 500 over real HTTP";

    private static string Memory(int pods) => $"Simulator memory holding {pods / 1000}k pods";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        var pods = run.Quick ? 20_000 : 150_000;
        var toList = run.Quick ? 10_000 : 50_000;
        var build = Stopwatch.StartNew();
        const double churn = 1000;
        await using var fleet = await SimulatedFleet.StartAsync(new FleetOptions { Pods = pods, ActivityInterval = TimeSpan.Zero }, cancellationToken);
        build.Stop();
        var total = fleet.Clusters.Sum(c => c.Count("pods"));
        run.Log($"fleet of {fleet.Clusters.Count} clusters with {total} pods built in {build.Elapsed.TotalSeconds:F1} s");

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var workingSet = process.WorkingSet64;

        // Warm the connection and the JIT on a small page first.
        using var warm = new HttpClient(fleet.Clusters[0].CreateHandler()) { BaseAddress = fleet.Clusters[0].Server };
        (await warm.GetAsync("/api/v1/pods?limit=10", cancellationToken)).EnsureSuccessStatusCode();

        var (listed, pages, bytes, took) = await ListAsync(fleet, toList, cancellationToken);
        run.Log($"listed {listed} pods in {pages} pages ({bytes / 1024 / 1024} MiB) in {took.TotalSeconds:F2} s");

        fleet.StartChurn(churn);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var (listedBusy, _, _, tookBusy) = await ListAsync(fleet, toList, cancellationToken);
        run.Log($"listed {listedBusy} pods under churn in {tookBusy.TotalSeconds:F2} s");

        // Keep churning until the watch history rings are full, then measure what a long-running fleet holds.
        var churnSeconds = run.Quick ? 5 : 30;
        await Task.Delay(TimeSpan.FromSeconds(churnSeconds), cancellationToken);
        var churned = fleet.Churned;
        var heapAfterChurn = GC.GetTotalMemory(forceFullCollection: true);
        process.Refresh();
        var workingSetAfterChurn = process.WorkingSet64;
        var peak = process.PeakWorkingSet64;
        run.Log($"{churned} changes applied; heap {heapAfterChurn / 1024 / 1024} MiB, working set {workingSetAfterChurn / 1024 / 1024} MiB, peak {peak / 1024 / 1024} MiB");
        return
        [
            new Measurement($"pods held in one process", total, "pods", $">= {pods}", total >= pods),
            new Measurement("build the fleet (load mode)", build.Elapsed.TotalSeconds, "s", "", null),
            new Measurement($"list {listed} pods in pages of 500 over HTTPS", took.TotalSeconds, "s", "< 3", took.TotalSeconds < 3),
            new Measurement($"the same while {churn} changes/s are applied", tookBusy.TotalSeconds, "s", "", null),
            new Measurement("bytes listed", bytes / 1024.0 / 1024.0, "MiB", "", null),
            new Measurement("GC heap after full collection", heap / 1024.0 / 1024.0, "MiB", "< 2048", heap < 2L * 1024 * 1024 * 1024, new(Memory(total), "GC heap")),
            new Measurement("process working set", workingSet / 1024.0 / 1024.0, "MiB", "< 2048", workingSet < 2L * 1024 * 1024 * 1024, new(Memory(total), "working set")),
            new Measurement($"pod updates applied by churn ({churn} changes/s requested, 1 in 10 a deletion)", churned, "updates", "", null),
            new Measurement($"GC heap after {churnSeconds} s more of churn", heapAfterChurn / 1024.0 / 1024.0, "MiB", "< 2048", heapAfterChurn < 2L * 1024 * 1024 * 1024,
                new(Memory(total), "GC heap after churn")),
            new Measurement("peak working set", peak / 1024.0 / 1024.0, "MiB", "< 2048", peak < 2L * 1024 * 1024 * 1024, new(Memory(total), "peak working set")),
        ];
    }

    private static async Task<(int Listed, int Pages, long Bytes, TimeSpan Took)> ListAsync(SimulatedFleet fleet, int toList, CancellationToken cancellationToken)
    {
        var listed = 0;
        var pages = 0;
        long bytes = 0;
        var watch = Stopwatch.StartNew();
        foreach (var cluster in fleet.Clusters)
        {
            using var client = new HttpClient(cluster.CreateHandler()) { BaseAddress = cluster.Server };
            string? token = null;
            do
            {
                var url = "/api/v1/pods?limit=500" + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token));
                using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                response.EnsureSuccessStatusCode();
                await using var stream = new CountingStream(await response.Content.ReadAsStreamAsync(cancellationToken));
                using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
                bytes += stream.Count;
                listed += doc.RootElement.GetProperty("items").GetArrayLength();
                token = doc.RootElement.GetProperty("metadata").TryGetProperty("continue", out var c) ? c.GetString() : null;
                pages++;
            }
            while (token is not null && listed < toList);

            if (listed >= toList)
            {
                break;
            }
        }

        watch.Stop();
        return (listed, pages, bytes, watch.Elapsed);
    }
}

/// <summary>Counts the bytes a client reads from a response.</summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    public long Count { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => Count; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        Count += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Count += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
