namespace Dashboard.Server.Clusters;

/// <summary>
/// Upstream end-of-life dates of Kubernetes minor releases (kubernetes.io/releases, patch support ends).
/// One table, easy to update: add a line when a release ships.
/// </summary>
public static class KubernetesReleases
{
    private static readonly Dictionary<int, DateOnly> EndOfLife = new()
    {
        [25] = new(2023, 10, 28),
        [26] = new(2024, 2, 28),
        [27] = new(2024, 6, 28),
        [28] = new(2024, 10, 28),
        [29] = new(2025, 2, 28),
        [30] = new(2025, 6, 28),
        [31] = new(2025, 10, 28),
        [32] = new(2026, 2, 28),
        [33] = new(2026, 6, 28),
        [34] = new(2026, 10, 27),
        [35] = new(2027, 2, 28),
        [36] = new(2027, 6, 28),
    };

    /// <summary>The minor version of a gitVersion such as "v1.31.4-eks-1234".</summary>
    public static int? Minor(string? gitVersion)
    {
        if (gitVersion is null)
        {
            return null;
        }

        var parts = gitVersion.TrimStart('v').Split('.', '-', '+');
        return parts.Length >= 2 && parts[0] == "1" && int.TryParse(parts[1], out var minor) ? minor : null;
    }

    /// <summary>True when the release is past its upstream end of life; unknown releases older than the table are too.</summary>
    public static bool IsOutOfSupport(string? gitVersion, DateOnly today) =>
        Minor(gitVersion) is { } minor &&
        (EndOfLife.TryGetValue(minor, out var end) ? today > end : minor < EndOfLife.Keys.Min());
}
