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

    Task<IReadOnlyList<Measurement>> RunAsync(BenchmarkRun run, CancellationToken cancellationToken);
}

/// <summary>One figure with its goal, e.g. ("list 50k pods in pages", 1.8, "s", "< 3").</summary>
internal sealed record Measurement(string What, double Value, string Unit, string Goal, bool? Met);

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

        return failed ? 1 : 0;
    }

    private static void Write(IBenchmark benchmark, IReadOnlyList<Measurement> measurements, TimeSpan took, BenchmarkRun run)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"## {benchmark.Name}: {benchmark.Description}");
        table.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:u} on {Environment.ProcessorCount} cores, took {took.TotalSeconds:F1} s{(run.Quick ? " (--quick)" : "")}. Command: `./bench.sh {benchmark.Name}`");
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
            JsonSerializer.Serialize(new { benchmark.Name, benchmark.Description, run.Quick, Utc = DateTime.UtcNow, Measurements = measurements },
                Indented));
    }

    private static string FindRepositoryRoot()
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
