using System.Globalization;
using Dashboard.Shared.Live;

namespace Dashboard.Client.Pages.Fleet;

/// <summary>How the fleet page groups its clusters.</summary>
public enum FleetGrouping
{
    Provider,
    Environment,
}

/// <summary>A group of clusters: a provider class or an environment, in the order a person reads them.</summary>
public sealed record ClusterGroupViewModel(string Key, string Title, IReadOnlyList<ClusterAggregate> Clusters);

/// <summary>Label -> count, in display order (for a chart or a legend).</summary>
public sealed record ChartViewModel(IReadOnlyList<string> Labels, IReadOnlyList<double> Values)
{
    public bool IsEmpty => Values.All(v => v == 0);
}

/// <summary>The fleet page's numbers, derived from the pushed aggregates: totals, groups and chart data.</summary>
public sealed class FleetOverviewViewModel
{
    private static readonly string[] ProviderOrder = ["onprem", "aws", "gcp", "azure"];
    private static readonly string[] EnvironmentOrder = ["prod", "staging", "qa", "test", "dev"];
    private static readonly string[] PhaseOrder = ["Running", "Pending", "Succeeded", "Failed", "Unknown"];

    public FleetOverviewViewModel(FleetAggregates aggregates)
    {
        Aggregates = aggregates;
        var clusters = aggregates.Clusters;
        NodesReady = clusters.Sum(c => c.NodesReady);
        NodesTotal = clusters.Sum(c => c.NodesTotal);
        PodsByPhase = Sum(clusters.Select(c => c.PodsByPhase))
            .OrderBy(p => Rank(PhaseOrder, p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
        PodsTotal = PodsByPhase.Sum(p => p.Value);
        ClustersLive = clusters.Count(c => c.State == "Live");
        ClustersOutOfSupport = clusters.Count(c => c.EndOfSupport);
        PodsByProvider = Chart(clusters.GroupBy(c => c.Provider, StringComparer.Ordinal)
            .OrderBy(g => Rank(ProviderOrder, g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (ProviderTitle(g.Key), g.Sum(c => c.PodsByPhase.Values.Sum()))));
        PodsByEnvironment = Chart(clusters.GroupBy(c => c.Environment, StringComparer.Ordinal)
            .OrderBy(g => Rank(EnvironmentOrder, g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (EnvironmentTitle(g.Key), g.Sum(c => c.PodsByPhase.Values.Sum()))));
        NodesByRuntime = Chart(Sum(clusters.Select(c => c.NodesByRuntime).Select(RuntimeNames))
            .OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => (r.Key, r.Value)));
        NodesByVersion = Chart(Sum(clusters.Select(c => c.NodesByKubeletVersion).Select(MinorVersions))
            .OrderBy(v => VersionRank(v.Key)).ThenBy(v => v.Key, StringComparer.Ordinal).Select(v => (v.Key, v.Value)));
    }

    public FleetAggregates Aggregates { get; }

    public int NodesReady { get; }

    public int NodesTotal { get; }

    public int PodsTotal { get; }

    public int ClustersLive { get; }

    public int ClustersOutOfSupport { get; }

    public IReadOnlyList<KeyValuePair<string, int>> PodsByPhase { get; }

    public ChartViewModel PodsByProvider { get; }

    public ChartViewModel PodsByEnvironment { get; }

    public ChartViewModel NodesByRuntime { get; }

    public ChartViewModel NodesByVersion { get; }

    public IReadOnlyList<ClusterGroupViewModel> Groups(FleetGrouping grouping) => grouping == FleetGrouping.Provider
        ? Aggregates.Clusters.GroupBy(c => c.Provider, StringComparer.Ordinal)
            .OrderBy(g => Rank(ProviderOrder, g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ClusterGroupViewModel(g.Key, ProviderTitle(g.Key), ByEnvironmentThenName(g)))
            .ToList()
        : Aggregates.Clusters.GroupBy(c => c.Environment, StringComparer.Ordinal)
            .OrderBy(g => Rank(EnvironmentOrder, g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ClusterGroupViewModel(g.Key, EnvironmentTitle(g.Key), g
                .OrderBy(c => Rank(ProviderOrder, c.Provider)).ThenBy(c => c.Cluster, StringComparer.Ordinal).ToList()))
            .ToList();

    /// <summary>On-prem and private clouds are one class; the public clouds each their own.</summary>
    public static string ProviderTitle(string provider) => provider switch
    {
        "onprem" => "On-prem / private cloud",
        "aws" => "AWS",
        "gcp" => "Google Cloud",
        "azure" => "Azure",
        "" => "Unlabelled provider",
        _ => provider,
    };

    public static string EnvironmentTitle(string environment) => environment switch
    {
        "prod" => "Production",
        "staging" => "Staging",
        "dev" => "Development",
        "qa" => "QA",
        "test" => "Test",
        "" => "No environment",
        _ => environment,
    };

    /// <summary>"5m", "3h", "2d": how old a time is, as a person says it.</summary>
    public static string Age(DateTime then, DateTimeOffset now)
    {
        var age = now.UtcDateTime - then;
        return age.TotalSeconds < 120 ? $"{Math.Max(0, (int)age.TotalSeconds)}s"
            : age.TotalMinutes < 120 ? $"{(int)age.TotalMinutes}m"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d";
    }

    /// <summary>The detail route of a problem's object; every segment escaped (names come from the cluster).</summary>
    public static string DetailHref(FleetProblem problem) =>
        "/" + string.Join('/', "resources", Uri.EscapeDataString(problem.Plural), Uri.EscapeDataString(problem.Cluster),
            Uri.EscapeDataString(string.IsNullOrEmpty(problem.Namespace) ? "-" : problem.Namespace), Uri.EscapeDataString(problem.Name));

    private static List<ClusterAggregate> ByEnvironmentThenName(IEnumerable<ClusterAggregate> clusters) =>
        clusters.OrderBy(c => Rank(EnvironmentOrder, c.Environment)).ThenBy(c => c.Cluster, StringComparer.Ordinal).ToList();

    /// <summary>"containerd://1.7.27" -> "containerd 1.7"; the runtime and its minor release are what differ across a fleet.</summary>
    private static Dictionary<string, int> RuntimeNames(IReadOnlyDictionary<string, int> runtimes) =>
        Sum(runtimes.Select(r =>
        {
            var parts = r.Key.Split("://", 2);
            var name = parts.Length == 2 ? $"{parts[0]} {Minor(parts[1].TrimStart('v'))}" : r.Key;
            return new Dictionary<string, int> { [name] = r.Value };
        }));

    /// <summary>"v1.31.4-eks-1234" -> "1.31".</summary>
    private static Dictionary<string, int> MinorVersions(IReadOnlyDictionary<string, int> versions) =>
        Sum(versions.Select(v => new Dictionary<string, int> { [Minor(v.Key.TrimStart('v'))] = v.Value }));

    private static string Minor(string version)
    {
        var parts = version.Split('.', '-', '+');
        return parts.Length >= 2 && parts[0].All(char.IsAsciiDigit) && parts[1].All(char.IsAsciiDigit) ? $"{parts[0]}.{parts[1]}" : version;
    }

    private static (int, int) VersionRank(string minor)
    {
        var parts = minor.Split('.');
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var major) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var m)
            ? (major, m)
            : (int.MaxValue, 0);
    }

    private static Dictionary<string, int> Sum(IEnumerable<IReadOnlyDictionary<string, int>> tallies)
    {
        var sum = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, count) in tallies.SelectMany(t => t))
        {
            sum[key] = sum.GetValueOrDefault(key) + count;
        }

        return sum;
    }

    private static ChartViewModel Chart(IEnumerable<(string Label, int Count)> slices)
    {
        var list = slices.ToList();
        return new ChartViewModel(list.Select(s => s.Label).ToList(), list.Select(s => (double)s.Count).ToList());
    }

    private static int Rank(string[] order, string value) => Array.IndexOf(order, value) is var i and >= 0 ? i : order.Length;
}
