using System.Globalization;
using System.Text.Json;

namespace Dashboard.Server.Watching;

/// <summary>Tolerant reads from untrusted JSON: a missing or oddly typed field is absent, never an exception.</summary>
internal static class Json
{
    public static JsonElement Get(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var child) ? child : default;

    public static JsonElement Path(this JsonElement e, string dottedPath)
    {
        foreach (var part in dottedPath.Split('.'))
        {
            e = e.Get(part);
        }

        return e;
    }

    public static string? Str(this JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        _ => null,
    };

    public static string? Str(this JsonElement e, string name) => e.Get(name).Str();

    public static int Int(this JsonElement e, string name, int fallback = 0) =>
        e.Get(name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var v) ? v : fallback;

    public static int? IntOrNull(this JsonElement e, string name) =>
        e.Get(name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var v) ? v : null;

    public static bool Bool(this JsonElement e, string name) => e.Get(name).ValueKind == JsonValueKind.True;

    public static DateTime? Time(this JsonElement e, string name) =>
        e.Str(name) is { } s && DateTime.TryParse(s, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : null;

    public static IEnumerable<JsonElement> Items(this JsonElement e, string name) =>
        e.Get(name) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : [];

    public static List<KeyValuePair<string, string>>? Pairs(this JsonElement e, string name)
    {
        var map = e.Get(name);
        if (map.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        List<KeyValuePair<string, string>>? pairs = null;
        foreach (var p in map.EnumerateObject())
        {
            (pairs ??= []).Add(new(p.Name, p.Value.Str() ?? ""));
        }

        return pairs;
    }

    public static int PropertyCount(this JsonElement e, string name) =>
        e.Get(name) is { ValueKind: JsonValueKind.Object } o ? o.EnumerateObject().Count() : 0;
}
