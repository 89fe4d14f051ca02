using Dashboard.Server.Clusters;

namespace Dashboard.Server.Tests.Fleet;

public sealed class ClusterSourceTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kubeconfig-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Every_context_of_a_kubeconfig_is_a_cluster()
    {
        var path = Write("config", """
            apiVersion: v1
            kind: Config
            clusters:
            - name: a
              cluster: {server: "http://127.0.0.1:1"}
            - name: b
              cluster: {server: "http://127.0.0.1:2"}
            users:
            - name: u
              user: {token: abc}
            contexts:
            - name: aws-prod
              context: {cluster: a, user: u}
            - name: gcp-staging
              context: {cluster: b, user: u}
            current-context: aws-prod
            """);

        var endpoints = ClusterSources.FromKubeconfig(path).ToList();

        Assert.Equal(["aws-prod", "gcp-staging"], endpoints.Select(e => e.Name));
        Assert.All(endpoints, e => Assert.Null(e.Error));
        Assert.Equal("http://127.0.0.1:2", endpoints[1].Config!.Host.TrimEnd('/'));
    }

    [Fact]
    public void A_kubeconfig_that_does_not_parse_is_one_clear_error_naming_the_file()
    {
        var path = Write("broken", "clusters: [this is: not: yaml");

        var endpoint = Assert.Single(ClusterSources.FromKubeconfig(path));

        Assert.Null(endpoint.Config);
        Assert.Contains(path, endpoint.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_context_naming_a_missing_cluster_fails_alone()
    {
        var path = Write("config", """
            apiVersion: v1
            kind: Config
            clusters:
            - name: a
              cluster: {server: "http://127.0.0.1:1"}
            users:
            - name: u
              user: {token: abc}
            contexts:
            - name: good
              context: {cluster: a, user: u}
            - name: bad
              context: {cluster: nowhere, user: u}
            """);

        var endpoints = ClusterSources.FromKubeconfig(path).ToDictionary(e => e.Name);

        Assert.Null(endpoints["good"].Error);
        Assert.Contains("context bad", endpoints["bad"].Error, StringComparison.Ordinal);
    }
}
