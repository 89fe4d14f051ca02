using System.Collections;
using System.Reflection;
using Dashboard.Server.Access;
using Dashboard.Server.Clusters;
using Dashboard.Server.Watching;

namespace Dashboard.Server.Hosting;

/// <summary>
/// Every setting this server reads, under the sections it owns. A key under those sections that it does not
/// read (a misspelt environment variable, a setting of an older version) is named in the log at startup, and
/// the deployment files' tests hold them to this list.
/// </summary>
public static partial class Settings
{
    /// <summary>The sections whose every key is this server's.</summary>
    public static readonly IReadOnlyList<string> Sections =
        ["ConnectionStrings", "Database", "Access", "Audit", "Authentication", "Bootstrap", "Clusters", "Demo", "Fleet"];

    /// <summary>Sections of ASP.NET Core and .NET themselves, accepted whole.</summary>
    private static readonly IReadOnlyList<string> Framework = ["Logging", "Kestrel", "Urls", "AllowedHosts"];

    /// <summary>Keys in configuration form (Section:Key); `*` stands for any one segment (a list index, a map key).</summary>
    private static readonly IReadOnlyList<string> Known =
    [
        "ConnectionStrings:Dashboard",
        "ConnectionStrings:Redis",
        "Database:SqlitePath",
        "Database:StartupTimeoutSeconds",
        "Access:SessionHours",
        "Access:TokenMinutes",
        "Access:LockoutMinutes",
        "Access:IdleTimeoutMinutes",
        "Access:AllowedOrigins:*",
        "Audit:UnknownAfterSeconds",
        "Bootstrap:AdminPassword",
        "Clusters:Demo",
        "Clusters:InCluster",
        "Clusters:InClusterName",
        "Clusters:UseKubeconfigEnvironment",
        "Clusters:Kubeconfigs:*",
        "Clusters:Labels:*:Provider",
        "Clusters:Labels:*:Environment",
        "Clusters:Labels:*:Region",
        $"{ClusterImpersonation.Setting}:*",
        "Demo:Scenario",
        "Demo:Pods",
        "Demo:Churn",
        "Fleet:ProbeSeconds",
        "Fleet:UsageSeconds",
        "Fleet:Kinds:*",
        .. Bound(SingleSignOnSettings.Section, typeof(SingleSignOnSettings)),
        .. Bound("Clusters:Static:*", typeof(StaticCluster)),
        .. Bound("Fleet:Watch", typeof(ReflectorOptions)),
    ];

    /// <summary>
    /// Whether the server reads this key (configuration form, or an environment variable's name with `__`).
    /// Keys outside its sections belong to ASP.NET Core and .NET (Logging, Kestrel, Urls, ASPNETCORE_*,
    /// DOTNET_*) and are not judged here, except those prefixes' own names.
    /// </summary>
    public static bool IsKnown(string key)
    {
        key = key.Replace("__", ":", StringComparison.Ordinal);
        if (key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var segments = key.Split(':');
        if (!Sections.Contains(segments[0], StringComparer.OrdinalIgnoreCase))
        {
            return Framework.Contains(segments[0], StringComparer.OrdinalIgnoreCase);
        }

        return Known.Any(pattern => Matches(pattern.Split(':'), segments));
    }

    /// <summary>The keys under this server's sections that it does not read.</summary>
    public static IReadOnlyList<string> Unknown(IConfiguration configuration) =>
        [.. Sections
            .SelectMany(section => configuration.GetSection(section).AsEnumerable())
            .Where(pair => pair.Value is not null && !IsKnown(pair.Key))
            .Select(pair => pair.Key)
            .Order(StringComparer.Ordinal)];

    /// <summary>Names, once at startup, the settings given that nothing reads.</summary>
    public static void LogUnknown(IConfiguration configuration, ILogger logger)
    {
        foreach (var key in Unknown(configuration))
        {
            LogUnknownSetting(logger, key);
        }
    }

    private static bool Matches(string[] pattern, string[] key)
    {
        // A pattern ending in `*` also covers what lies below it (a list of objects, a map).
        if (key.Length < pattern.Length || (key.Length > pattern.Length && pattern[^1] != "*"))
        {
            return false;
        }

        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != "*" && !string.Equals(pattern[i], key[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The keys of a settings class bound from a section: its writable properties, lists and maps with any key below.</summary>
    private static IEnumerable<string> Bound(string section, Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType)
                ? $"{section}:{p.Name}:*"
                : $"{section}:{p.Name}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "The setting {Key} is not one this server reads (misspelt, or from another version?); it is ignored")]
    private static partial void LogUnknownSetting(ILogger logger, string key);
}
