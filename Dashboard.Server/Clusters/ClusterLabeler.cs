using System.Text.RegularExpressions;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Clusters;

/// <summary>
/// Where a cluster runs, when configuration does not say: the provider from the nodes' providerID or the
/// API server's address, the region from the nodes' topology labels, the environment from the name.
/// </summary>
public static partial class ClusterLabeler
{
    public static ClusterLabels Infer(string name, Uri? server, IEnumerable<(string? ProviderId, IReadOnlyDictionary<string, string> Labels)> nodes, ClusterLabels? configured)
    {
        var nodeList = nodes.ToList();
        var provider = Nonempty(configured?.Provider) ?? ProviderOf(nodeList.Select(n => n.ProviderId), server);
        var region = Nonempty(configured?.Region) ?? nodeList
            .Select(n => n.Labels.GetValueOrDefault("topology.kubernetes.io/region") ?? n.Labels.GetValueOrDefault("failure-domain.beta.kubernetes.io/region"))
            .FirstOrDefault(r => !string.IsNullOrEmpty(r)) ?? "";
        var environment = Nonempty(configured?.Environment) ?? EnvironmentOf(name);
        return new ClusterLabels(provider, environment, region);
    }

    private static string? Nonempty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    public static string ProviderOf(IEnumerable<string?> providerIds, Uri? server)
    {
        foreach (var id in providerIds)
        {
            switch (id?.Split("://")[0])
            {
                case "aws":
                    return "aws";
                case "gce":
                    return "gcp";
                case "azure":
                    return "azure";
            }
        }

        var host = server?.Host ?? "";
        if (host.EndsWith(".eks.amazonaws.com", StringComparison.OrdinalIgnoreCase))
        {
            return "aws";
        }

        if (host.EndsWith(".azmk8s.io", StringComparison.OrdinalIgnoreCase))
        {
            return "azure";
        }

        return host.EndsWith(".gke.goog", StringComparison.OrdinalIgnoreCase) ? "gcp" : "onprem";
    }

    public static string EnvironmentOf(string name)
    {
        var match = EnvironmentWord().Match(name);
        if (!match.Success)
        {
            return "";
        }

        return match.Value.ToUpperInvariant() switch
        {
            "PRODUCTION" or "PRD" or "PROD" => "prod",
            "STAGE" or "STG" or "STAGING" => "staging",
            "DEVELOPMENT" or "DEV" => "dev",
            "QA" => "qa",
            _ => "test",
        };
    }

    [GeneratedRegex(@"(?<![a-z0-9])(production|prod|prd|staging|stage|stg|development|dev|qa|test)(?![a-z0-9])", RegexOptions.IgnoreCase)]
    private static partial Regex EnvironmentWord();
}
