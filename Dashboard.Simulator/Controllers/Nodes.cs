using System.Globalization;
using System.Text.Json.Nodes;

namespace Dashboard.Simulator.Controllers;

/// <summary>Small readers and builders over JsonNode used by every controller.</summary>
internal static class Nodes
{
    public static string? Str(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = node is JsonObject o ? o[p] : null;
        }

        return node is JsonValue v ? v.ToString() : null;
    }

    public static int Int(JsonNode? node, int fallback, params string[] path)
    {
        foreach (var p in path)
        {
            node = node is JsonObject o ? o[p] : null;
        }

        return node is JsonValue v && v.TryGetValue<int>(out var i) ? i : node is JsonValue s && int.TryParse(s.ToString(), CultureInfo.InvariantCulture, out var j) ? j : fallback;
    }

    public static JsonObject Obj(JsonNode parent, string name)
    {
        if (parent[name] is JsonObject o)
        {
            return o;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    public static Dictionary<string, string> Map(JsonNode? node) =>
        node is JsonObject o ? o.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal) : [];

    public static JsonObject OwnerReference(string apiVersion, string kind, string name, string uid) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["name"] = name,
        ["uid"] = uid,
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    /// <summary>"25%" of total (rounded up or down) or a plain integer.</summary>
    public static int IntOrPercent(JsonNode? value, int total, bool roundUp, int fallback)
    {
        if (value is null)
        {
            return fallback;
        }

        var text = value.ToString();
        if (text.EndsWith('%') && int.TryParse(text[..^1], CultureInfo.InvariantCulture, out var pct))
        {
            var exact = total * pct / 100.0;
            return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
        }

        return int.TryParse(text, CultureInfo.InvariantCulture, out var n) ? n : fallback;
    }

    /// <summary>A short stable hash, like pod-template-hash.</summary>
    public static string Hash(string text)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        ulong h = 14695981039346656037;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211;
        }

        var chars = new char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[(int)(h % (ulong)alphabet.Length)];
            h /= (ulong)alphabet.Length;
        }

        return new string(chars);
    }

    /// <summary>
    /// JSON with object keys sorted and empty values (null, {}, []) dropped, as Go's omitempty would: equal templates hash
    /// equally whatever order or zero values a client sent (kubectl rollout undo sends creationTimestamp: null).
    /// </summary>
    public static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.Where(kv => !IsEmpty(kv.Value)).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => System.Text.Json.JsonSerializer.Serialize(kv.Key) + ":" + Canonical(kv.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonObject o => o.All(kv => IsEmpty(kv.Value)),
        JsonArray a => a.Count == 0,
        _ => false,
    };

    public static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static void SetCondition(JsonObject status, string type, string value, string? reason = null, string? message = null, string? now = null)
    {
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        if (existing is null)
        {
            existing = new JsonObject { ["type"] = type };
            conditions.Add(existing);
        }

        if ((string?)existing["status"] != value)
        {
            existing["lastTransitionTime"] = now;
        }

        existing["status"] = value;
        if (reason is not null)
        {
            existing["reason"] = reason;
        }

        if (message is not null)
        {
            existing["message"] = message;
        }
    }
}
