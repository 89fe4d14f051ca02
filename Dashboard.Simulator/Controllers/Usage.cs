using System.Text.Json;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Controllers;

/// <summary>Simulated CPU (millicores) and memory (MiB) usage: stable per container, drifting slowly with time.</summary>
internal static class Usage
{
    public static (long CpuMilli, long MemoryMi) Container(string podUid, int index, DateTimeOffset now)
    {
        var seed = (uint)(podUid.GetHashCode(StringComparison.Ordinal) * 31 + index);
        var baseCpu = 5 + (seed % 240);
        var wave = 1 + (0.35 * Math.Sin((now.ToUnixTimeSeconds() / 60.0) + (seed % 7)));
        var memory = 24 + (seed / 7 % 480);
        return ((long)(baseCpu * wave), memory);
    }

    public static (long CpuMilli, long MemoryMi) Node(ClusterStore store, StoredObject node, DateTimeOffset now)
    {
        long cpu = 120;
        long memory = 900;
        var (pods, _, _) = store.List(BuiltInKinds.Pod, null, Selector.Everything, Selector.Parse("spec.nodeName=" + node.Name), 0, null);
        foreach (var p in pods)
        {
            var (c, m) = Container(p.Uid, 0, now);
            cpu += c;
            memory += m;
        }

        return (cpu, memory);
    }

    /// <summary>Average CPU utilisation of pods relative to their requests, in percent.</summary>
    public static int Utilisation(IEnumerable<StoredObject> pods, DateTimeOffset now)
    {
        var values = new List<double>();
        foreach (var p in pods)
        {
            using var doc = JsonDocument.Parse(p.Json);
            var request = 100.0;
            if (doc.RootElement.GetProperty("spec").GetProperty("containers")[0].TryGetProperty("resources", out var r)
                && r.TryGetProperty("requests", out var req) && req.TryGetProperty("cpu", out var cpu))
            {
                request = ParseCpu(cpu.GetString() ?? "100m");
            }

            values.Add(Container(p.Uid, 0, now).CpuMilli / Math.Max(1, request) * 100);
        }

        return values.Count == 0 ? 0 : (int)values.Average();
    }

    public static double ParseCpu(string text) =>
        text.EndsWith('m') ? double.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture) : double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) * 1000;
}
