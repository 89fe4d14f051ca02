using System.Globalization;

namespace Dashboard.Server.State;

/// <summary>Kubernetes resource quantities ("250m", "1.5", "12345n"; "128Mi", "1G", "1e3") as numbers.</summary>
public static class Quantity
{
    /// <summary>CPU in millicores; null when the text is not a quantity.</summary>
    public static long? Millicores(string? text) => Parse(text) is { } cores ? (long)Math.Round(cores * 1000, MidpointRounding.AwayFromZero) : null;

    /// <summary>Bytes; null when the text is not a quantity.</summary>
    public static long? Bytes(string? text) => Parse(text) is { } bytes ? (long)Math.Round(bytes, MidpointRounding.AwayFromZero) : null;

    private static readonly (string Suffix, double Factor)[] Suffixes =
    [
        ("Ki", 1024d), ("Mi", 1024d * 1024), ("Gi", 1024d * 1024 * 1024), ("Ti", 1024d * 1024 * 1024 * 1024), ("Pi", Math.Pow(1024, 5)), ("Ei", Math.Pow(1024, 6)),
        ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18),
    ];

    private static double? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        foreach (var (suffix, factor) in Suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) &&
                double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value * factor;
            }
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) ? plain : null;
    }
}

/// <summary>A pod's requests and limits, added up container by container as they are read.</summary>
public struct ResourceSum
{
    private long _cpuRequest, _cpuLimit, _memoryRequest, _memoryLimit;
    private bool _any;

    public void Add(string? cpuRequest, string? cpuLimit, string? memoryRequest, string? memoryLimit)
    {
        _cpuRequest += Quantity.Millicores(cpuRequest) ?? 0;
        _cpuLimit += Quantity.Millicores(cpuLimit) ?? 0;
        _memoryRequest += Quantity.Bytes(memoryRequest) ?? 0;
        _memoryLimit += Quantity.Bytes(memoryLimit) ?? 0;
        _any |= cpuRequest is not null || cpuLimit is not null || memoryRequest is not null || memoryLimit is not null;
    }

    /// <summary>The sums, or null when no container said anything.</summary>
    public readonly Dashboard.Shared.Fleet.ComputeResources? Result =>
        _any ? new(_cpuRequest, _cpuLimit, _memoryRequest, _memoryLimit) : null;
}
