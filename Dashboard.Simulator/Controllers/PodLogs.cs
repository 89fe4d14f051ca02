using System.Text.Json;

namespace Dashboard.Simulator.Controllers;

/// <summary>Synthesised container log lines: deterministic per pod and line number, so tails and follows agree.</summary>
internal static class PodLogs
{
    public const string CrashLoopAnnotation = "simulator.dashboard.io/crash-loop";

    private static readonly string[] Paths = ["/api/orders", "/api/cart", "/healthz", "/api/users/42", "/metrics", "/api/catalog?page=2"];
    private static readonly int[] Codes = [200, 200, 200, 201, 204, 304, 404, 500];

    public static bool IsCrashing(JsonElement pod) =>
        pod.TryGetProperty("metadata", out var m) && m.TryGetProperty("annotations", out var a) && a.TryGetProperty(CrashLoopAnnotation, out var v) && v.GetString() == "true";

    public static string Line(string pod, string container, int index, DateTimeOffset at, bool timestamps, bool crashing, bool previous)
    {
        var h = Math.Abs((pod + container).GetHashCode(StringComparison.Ordinal) + (index * 7919));
        string text;
        if (crashing && (previous || index % 5 == 4))
        {
            text = index % 5 == 4 || previous
                ? $"level=error msg=\"failed to connect to database\" host=orders-db.prod.internal:5432 err=\"dial tcp: connection refused\" attempt={index}"
                : $"level=info msg=\"starting {container}\" version=1.4.2";
        }
        else if (index == 0)
        {
            text = $"level=info msg=\"starting {container}\" pod={pod}";
        }
        else
        {
            text = $"level=info method=GET path={Paths[h % Paths.Length]} status={Codes[h % Codes.Length]} duration={h % 90 + 1}ms line={index}";
        }

        return timestamps ? $"{at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'} {text}" : text;
    }
}
