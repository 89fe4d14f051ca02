using System.IO.Enumeration;

namespace Dashboard.Server.Clusters;

/// <summary>
/// Clusters:Impersonate: names (globs, "*" for all) of clusters whose writes the dashboard makes as the acting
/// user (Impersonate-User, as kubectl --as), so that the cluster's own RBAC applies as well as the dashboard's
/// roles. The dashboard's credentials there need the "impersonate" verb on users. Groups are not sent: HttpClient
/// joins repeated headers into one line, which the API server would read as a single group named "a, b".
/// </summary>
public static class ClusterImpersonation
{
    public const string Setting = "Clusters:Impersonate";

    /// <summary>The user name to impersonate in this cluster, or null when the cluster is not set to impersonate.</summary>
    public static string? UserFor(IConfiguration configuration, string cluster, string? userName) =>
        userName is not null && (configuration.GetSection(Setting).Get<string[]>() ?? [])
            .Any(pattern => FileSystemName.MatchesSimpleExpression(pattern, cluster, ignoreCase: false))
            ? userName
            : null;
}
