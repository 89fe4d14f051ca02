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

    /// <summary>Usage of every node: a base for the system plus its running pods, summed in one pass over the pods.</summary>
    public static Dictionary<string, (long CpuMilli, long MemoryMi)> Nodes(ClusterStore store, DateTimeOffset now)
    {
        var usage = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (var node in store.All(BuiltInKinds.Node))
        {
            usage[node.Name] = (120, 900);
        }

        foreach (var pod in store.All(BuiltInKinds.Pod))
        {
            if (pod.Field("spec.nodeName") is { } name && usage.TryGetValue(name, out var sum) && pod.Field("status.phase") == "Running")
            {
                var (c, m) = Container(pod.Uid, 0, now);
                usage[name] = (sum.Item1 + c, sum.Item2 + m);
            }
        }

        return usage;
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
