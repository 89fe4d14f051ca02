using System.Globalization;
using System.Text;
using System.Text.Json;
using ScottPlot;

namespace Dashboard.Benchmarks;

/// <summary>
/// docs/benchmarks.md and its charts (docs/images/benchmarks/*.png, ScottPlot), made from the last result of
/// every benchmark (benchmarks/results/NAME.json): the machine, then per benchmark when and how it ran, its
/// figures beside their goals, and its charts. Rewritten after every run, so a run of one benchmark updates
/// its part and keeps the others'.
/// </summary>
internal static class Report
{
    private const string ImagesFolder = "images/benchmarks";

    public static void Write(IReadOnlyList<IBenchmark> benchmarks, string root)
    {
        var results = benchmarks
            .Select(b => Path.Combine(root, "benchmarks", "results", $"{b.Name}.json"))
            .Where(File.Exists)
            .Select(path => JsonSerializer.Deserialize<BenchmarkResult>(File.ReadAllText(path), Json)!)
            .ToList();
        var docs = Path.Combine(root, "docs");
        var images = Path.Combine(docs, ImagesFolder);
        Directory.CreateDirectory(images);
        foreach (var old in Directory.EnumerateFiles(images, "*.png"))
        {
            File.Delete(old);
        }

        var text = new StringBuilder();
        text.AppendLine("# Benchmarks");
        text.AppendLine();
        text.AppendLine("Made by `./bench.sh` (every benchmark; `--quick` for shorter runs) or `./bench.sh NAME` (one of them), which");
        text.AppendLine("runs it against the simulator on this machine and rewrites this page from the last result of each");
        text.AppendLine("(`benchmarks/results/NAME.json`). Each section says when it ran and the command that reproduces it.");
        text.AppendLine();
        text.AppendLine("## Machine");
        text.AppendLine();
        foreach (var (what, value) in Machine())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {what}: {value}");
        }

        text.AppendLine();
        text.AppendLine("## Goals at a glance");
        text.AppendLine();
        text.AppendLine("| benchmark | figure | value | goal | met |");
        text.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var result in results)
        {
            foreach (var m in result.Measurements.Where(m => m.Met is not null))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| [{result.Name}](#{result.Name}) | {m.What} | {Value(m)} | {m.Goal} | {(m.Met == true ? "yes" : "**NO**")} |");
            }
        }

        foreach (var result in results)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## {result.Name}");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"{result.Description}.");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Ran {result.Utc:yyyy-MM-dd HH:mm} UTC{(result.Quick ? " with --quick" : "")}, {result.Seconds:F0} s. Reproduce: `{result.Command}`");
            text.AppendLine();
            text.AppendLine("| figure | value | goal | met |");
            text.AppendLine("| --- | --- | --- | --- |");
            foreach (var m in result.Measurements)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {m.What} | {Value(m)} | {m.Goal} | {m.Met switch { true => "yes", false => "**NO**", null => "" }} |");
            }

            var charts = result.Measurements.Where(m => m.Chart is not null).GroupBy(m => m.Chart!.Title).ToList();
            for (var i = 0; i < charts.Count; i++)
            {
                var file = $"{result.Name}-{i + 1}.png";
                Draw(charts[i].Key, charts[i].ToList(), Path.Combine(images, file));
                text.AppendLine();
                text.AppendLine(CultureInfo.InvariantCulture, $"![{charts[i].Key}]({ImagesFolder}/{file})");
            }
        }

        File.WriteAllText(Path.Combine(docs, "benchmarks.md"), text.ToString());
        Console.Error.WriteLine($"report: docs/benchmarks.md with {results.Count} benchmarks and {Directory.EnumerateFiles(images, "*.png").Count()} charts");
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static string Value(Measurement m) => $"{m.Value.ToString("#,0.###", CultureInfo.InvariantCulture)} {m.Unit}".TrimEnd();

    /// <summary>Bars grouped by category, a colour per series; a dashed line at the goal when the bars share one.</summary>
    private static void Draw(string title, List<Measurement> measurements, string path)
    {
        var categories = measurements.Select(m => m.Chart!.Category).Distinct().ToList();
        var series = measurements.Select(m => m.Chart!.Series).Distinct().ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var plot = new Plot();
        var bars = new List<Bar>();
        foreach (var m in measurements)
        {
            var s = series.IndexOf(m.Chart!.Series);
            bars.Add(new Bar
            {
                Position = (categories.IndexOf(m.Chart.Category) * (series.Count + 1)) + s,
                Value = double.IsFinite(m.Value) ? m.Value : 0,
                FillColor = palette.GetColor(s),
                Label = m.Value.ToString(m.Value >= 100 ? "#,0" : "0.##", CultureInfo.InvariantCulture),
            });
        }

        var plotted = plot.Add.Bars(bars);
        plotted.ValueLabelStyle.FontSize = 11;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. categories.Select((c, i) => new Tick((i * (series.Count + 1)) + ((series.Count - 1) / 2.0), c))]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Title(title);
        plot.Axes.Left.Label.Text = measurements[0].Unit;
        if (series.Count > 1)
        {
            for (var s = 0; s < series.Count; s++)
            {
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s], FillColor = palette.GetColor(s) });
            }

            plot.ShowLegend(Edge.Bottom);
        }

        if (measurements.Select(m => m.Goal).Distinct().ToList() is [{ } goal] && Limit(goal) is { } limit)
        {
            var line = plot.Add.HorizontalLine(limit);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Red;
            line.Text = $"goal {goal}";
            // A line is not part of the automatic limits: make room for it above the bars.
            var top = Math.Max(limit, bars.Max(b => b.Value));
            plot.Axes.SetLimitsY(0, top * 1.15);
        }

        plot.SavePng(path, Math.Max(640, 110 * categories.Count * Math.Max(1, series.Count)), 420);
    }

    /// <summary>The number of a goal such as "&lt;= 250" or "&gt;= 2", else null.</summary>
    private static double? Limit(string goal)
    {
        var number = goal.TrimStart('<', '>', '=', ' ', '~');
        var end = number.TakeWhile(c => char.IsDigit(c) || c == '.').Count();
        return end > 0 && double.TryParse(number[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static IEnumerable<(string What, string Value)> Machine()
    {
        yield return ("CPU", $"{Read("/proc/cpuinfo", "model name") ?? "unknown"}, {Environment.ProcessorCount} cores");
        yield return ("memory", Read("/proc/meminfo", "MemTotal") is { } kb && long.TryParse(kb.Split(' ')[0], out var k) ? $"{k / 1024 / 1024.0:0.#} GiB" : "unknown");
        yield return ("system", Read("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? Environment.OSVersion.ToString());
        yield return (".NET", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
        yield return ("PostgreSQL, Chromium, kubectl, node", "as installed by `./test.sh` from Debian (see each benchmark's log for versions)");
    }

    private static string? Read(string file, string key, char separator = ':') =>
        File.Exists(file)
            ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split(separator, 2)[1].Trim()
            : null;
}
