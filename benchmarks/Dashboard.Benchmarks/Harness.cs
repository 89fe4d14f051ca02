using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dashboard.Benchmarks;

/// <summary>One named benchmark of `./bench.sh NAME`. Each issue that sets a speed or memory target adds one.</summary>
internal interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    /// <summary>Environment variables that change what it measures (written into the command it is reported with).</summary>
    IReadOnlyList<string> Knobs => [];

    Task<IReadOnlyList<Measurement>> RunAsync(BenchmarkRun run, CancellationToken cancellationToken);
}

/// <summary>A benchmark's last run, as results/NAME.json holds it and the report reads it.</summary>
internal sealed record BenchmarkResult(string Name, string Description, bool Quick, DateTime Utc, double Seconds, string Command, IReadOnlyList<Measurement> Measurements);

/// <summary>One figure with its goal, e.g. ("list 50k pods in pages", 1.8, "s", "< 3"), and where it goes in the report's charts.</summary>
internal sealed record Measurement(string What, double Value, string Unit, string Goal, bool? Met, Chart? Chart = null);

/// <summary>
/// A bar of a chart: the chart's title, the group along the x axis, and the series (a colour, in the legend)
/// when a group holds several bars. One PNG per title and benchmark (<see cref="Report"/>).
/// </summary>
internal sealed record Chart(string Title, string Category, string Series = "");

internal sealed record BenchmarkRun(bool Quick, string ResultsDirectory)
{
    public void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}

internal static class Harness
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<int> RunAsync(IReadOnlyList<IBenchmark> benchmarks, string[] args)
    {
        var quick = args.Contains("--quick");
        if (args.Contains("--report"))
        {
            Report.Write(benchmarks, FindRepositoryRoot()); // from the results on disk, nothing run
            return 0;
        }

        var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var unknown = names.Where(n => benchmarks.All(b => b.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync($"Unknown benchmark(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", benchmarks.Select(b => b.Name))}");
            return 2;
        }

        var selected = names.Count == 0 ? benchmarks : benchmarks.Where(b => names.Contains(b.Name)).ToList();
        var resultsDirectory = Path.GetFullPath(Path.Combine(FindRepositoryRoot(), "benchmarks", "results"));
        Directory.CreateDirectory(resultsDirectory);
        var run = new BenchmarkRun(quick, resultsDirectory);
        var failed = false;
        foreach (var benchmark in selected)
        {
            run.Log($"{benchmark.Name}: {benchmark.Description}");
            var watch = Stopwatch.StartNew();
            IReadOnlyList<Measurement> measurements;
            try
            {
                measurements = await benchmark.RunAsync(run, CancellationToken.None);
            }
            catch (Exception e)
            {
                // Said plainly, and the other benchmarks still run; the results files keep the last good run.
                run.Log($"{benchmark.Name} FAILED after {watch.Elapsed.TotalSeconds:F1} s: {e.GetType().Name}: {e.Message}");
                failed = true;
                continue;
            }

            failed |= measurements.Any(m => m.Met == false);
            Write(benchmark, measurements, watch.Elapsed, run);
        }

        Report.Write(benchmarks, FindRepositoryRoot());
        return failed ? 1 : 0;
    }

    private static void Write(IBenchmark benchmark, IReadOnlyList<Measurement> measurements, TimeSpan took, BenchmarkRun run)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"## {benchmark.Name}: {benchmark.Description}");
        table.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:u} on {Environment.ProcessorCount} cores, took {took.TotalSeconds:F1} s{(run.Quick ? " (--quick)" : "")}. Command: `{Command(benchmark, run.Quick)}`");
        table.AppendLine();
        table.AppendLine("| what | value | goal | met |");
        table.AppendLine("| --- | --- | --- | --- |");
        foreach (var m in measurements)
        {
            var met = m.Met switch { true => "yes", false => "NO", null => "" };
            table.AppendLine(CultureInfo.InvariantCulture, $"| {m.What} | {m.Value:0.###} {m.Unit} | {m.Goal} | {met} |");
        }

        Console.WriteLine(table.ToString());
        File.WriteAllText(Path.Combine(run.ResultsDirectory, $"{benchmark.Name}.md"), table.ToString());
        File.WriteAllText(Path.Combine(run.ResultsDirectory, $"{benchmark.Name}.json"),
            JsonSerializer.Serialize(new BenchmarkResult(benchmark.Name, benchmark.Description, run.Quick, DateTime.UtcNow, took.TotalSeconds,
                Command(benchmark, run.Quick), measurements), Indented));
    }

    /// <summary>How to run it again: the benchmark's own command, and what it was run with that changes it.</summary>
    internal static string Command(IBenchmark benchmark, bool quick)
    {
        var knobs = benchmark.Knobs.Where(k => Environment.GetEnvironmentVariable(k) is { Length: > 0 })
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)} ");
        return $"{string.Concat(knobs)}./bench.sh {benchmark.Name}{(quick ? " --quick" : "")}";
    }

    internal static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "dashboard.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
