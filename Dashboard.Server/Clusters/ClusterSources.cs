using Dashboard.Shared.Fleet;
using k8s;
using k8s.KubeConfigModels;

namespace Dashboard.Server.Clusters;

/// <summary>A cluster to watch, or (with <see cref="Error"/>) one that could not even be configured.</summary>
public sealed record ClusterEndpoint(string Name, KubernetesClientConfiguration? Config, ClusterLabels? Labels, string Source, string? Error = null);

/// <summary>One cluster listed in appsettings under Clusters:Static.</summary>
public sealed class StaticCluster
{
    public string Name { get; set; } = "";

    public string Server { get; set; } = "";

    public string? Token { get; set; }

    public string? CertificateAuthorityData { get; set; }

    public bool SkipTlsVerify { get; set; }

    public string? Provider { get; set; }

    public string? Environment { get; set; }

    public string? Region { get; set; }
}

/// <summary>
/// Reads where the clusters are: every context of the kubeconfig files in Clusters:Kubeconfigs and
/// KUBECONFIG, the clusters listed in Clusters:Static, and the in-cluster service account when running in
/// Kubernetes. A file or context that cannot be used becomes an endpoint with an error; the others go on.
/// </summary>
public static class ClusterSources
{
    public static bool AnyConfigured(IConfiguration configuration) =>
        KubeconfigPaths(configuration).Count > 0 ||
        configuration.GetSection("Clusters:Static").GetChildren().Any() ||
        (configuration.GetValue("Clusters:InCluster", true) && KubernetesClientConfiguration.IsInCluster());

    public static IReadOnlyList<ClusterEndpoint> Load(IConfiguration configuration)
    {
        var endpoints = new List<ClusterEndpoint>();
        foreach (var path in KubeconfigPaths(configuration))
        {
            endpoints.AddRange(FromKubeconfig(path, configuration));
        }

        foreach (var entry in configuration.GetSection("Clusters:Static").Get<List<StaticCluster>>() ?? [])
        {
            endpoints.Add(FromStatic(entry));
        }

        if (configuration.GetValue("Clusters:InCluster", true) && KubernetesClientConfiguration.IsInCluster())
        {
            var name = configuration["Clusters:InClusterName"] ?? "in-cluster";
            try
            {
                endpoints.Add(new(name, KubernetesClientConfiguration.InClusterConfig(), Labels(configuration, name), "in-cluster service account"));
            }
            catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException)
            {
                endpoints.Add(new(name, null, null, "in-cluster service account", $"the in-cluster service account cannot be used: {e.Message}"));
            }
        }

        // A name seen twice keeps its first source; the duplicate is reported, not silently dropped.
        return endpoints.GroupBy(e => e.Name, StringComparer.Ordinal)
            .SelectMany(g => g.Take(1).Concat(g.Skip(1).Select(d => d with
            {
                Name = $"{d.Name} ({d.Source})",
                Config = null,
                Error = $"a cluster named '{d.Name}' is already configured from {g.First().Source}",
            })))
            .ToList();
    }

    public static IReadOnlyList<string> KubeconfigPaths(IConfiguration configuration)
    {
        var paths = configuration.GetSection("Clusters:Kubeconfigs").Get<List<string>>() ?? [];
        if (configuration.GetValue("Clusters:UseKubeconfigEnvironment", true) &&
            Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } fromEnvironment)
        {
            paths.AddRange(fromEnvironment.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }

        return paths.Distinct().ToList();
    }

    public static IEnumerable<ClusterEndpoint> FromKubeconfig(string path, IConfiguration? configuration = null)
    {
        K8SConfiguration kubeconfig;
        try
        {
            kubeconfig = KubernetesClientConfiguration.LoadKubeConfig(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or k8s.Exceptions.KubeConfigException
                                      or YamlDotNet.Core.YamlException or ArgumentException or NullReferenceException)
        {
            return [new(Path.GetFileName(path), null, null, $"kubeconfig {path}",
                $"the kubeconfig {path} cannot be read: {e.Message.ReplaceLineEndings(" ")}")];
        }

        var endpoints = new List<ClusterEndpoint>();
        foreach (var context in kubeconfig.Contexts ?? [])
        {
            var source = $"kubeconfig {path}, context {context.Name}";
            try
            {
                var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig, context.Name);
                endpoints.Add(new(context.Name, config, configuration is null ? null : Labels(configuration, context.Name), source));
            }
            catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or ArgumentException
                                          or FormatException or InvalidOperationException or UriFormatException
                                          or System.Security.Cryptography.CryptographicException)
            {
                endpoints.Add(new(context.Name, null, null, source, $"{source} cannot be used: {e.Message.ReplaceLineEndings(" ")}"));
            }
        }

        return endpoints;
    }

    private static ClusterEndpoint FromStatic(StaticCluster entry)
    {
        var source = "appsettings Clusters:Static";
        if (string.IsNullOrWhiteSpace(entry.Name) || !Uri.TryCreate(entry.Server, UriKind.Absolute, out _))
        {
            return new(string.IsNullOrWhiteSpace(entry.Name) ? "(unnamed)" : entry.Name, null, null, source,
                "a Clusters:Static entry needs a Name and an absolute Server address");
        }

        var config = new KubernetesClientConfiguration
        {
            Host = entry.Server,
            AccessToken = entry.Token,
            SkipTlsVerify = entry.SkipTlsVerify,
        };
        if (entry.CertificateAuthorityData is { Length: > 0 } ca)
        {
            config.SslCaCerts = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection(
                System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(Convert.FromBase64String(ca)));
        }

        ClusterLabels? labels = entry.Provider is null && entry.Environment is null && entry.Region is null
            ? null
            : new ClusterLabels(entry.Provider ?? "", entry.Environment ?? "", entry.Region ?? "");
        return new(entry.Name, config, labels, source);
    }

    /// <summary>Labels set in Clusters:Labels:NAME (Provider, Environment, Region); what is missing is inferred.</summary>
    private static ClusterLabels? Labels(IConfiguration configuration, string name)
    {
        var section = configuration.GetSection($"Clusters:Labels:{name}");
        return section.Exists() ? new ClusterLabels(section["Provider"] ?? "", section["Environment"] ?? "", section["Region"] ?? "") : null;
    }
}
