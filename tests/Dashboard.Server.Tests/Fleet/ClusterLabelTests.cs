using Dashboard.Server.Clusters;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Tests.Fleet;

public sealed class ClusterLabelTests
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    [Theory]
    [InlineData("aws:///eu-west-1a/i-0abc", null, "aws")]
    [InlineData("gce://project/europe-west1-b/gke-node", null, "gcp")]
    [InlineData("azure:///subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/z", null, "azure")]
    [InlineData(null, "https://ABC.gr7.eu-west-1.eks.amazonaws.com", "aws")]
    [InlineData(null, "https://aks-1.hcp.westeurope.azmk8s.io:443", "azure")]
    [InlineData(null, "https://10.1.2.3:6443", "onprem")]
    public void Provider_is_inferred_from_nodes_or_server_address(string? providerId, string? server, string expected) =>
        Assert.Equal(expected, ClusterLabeler.ProviderOf([providerId], server is null ? null : new Uri(server)));

    [Theory]
    [InlineData("onprem-prod", "prod")]
    [InlineData("gcp-staging", "staging")]
    [InlineData("azure-dev", "dev")]
    [InlineData("eu-production-1", "prod")]
    [InlineData("developer-sandbox", "")]
    public void Environment_comes_from_a_word_in_the_name(string name, string expected) =>
        Assert.Equal(expected, ClusterLabeler.EnvironmentOf(name));

    [Fact]
    public void Configured_labels_win_and_region_comes_from_node_topology()
    {
        var labels = new Dictionary<string, string> { ["topology.kubernetes.io/region"] = "eu-west-1" };

        var inferred = ClusterLabeler.Infer("aws-prod", null, [("aws:///eu-west-1a/i-1", labels)], null);
        var configured = ClusterLabeler.Infer("aws-prod", null, [("aws:///eu-west-1a/i-1", labels)], new ClusterLabels("", "staging", ""));

        Assert.Equal(new ClusterLabels("aws", "prod", "eu-west-1"), inferred);
        Assert.Equal(new ClusterLabels("aws", "staging", "eu-west-1"), configured);
        Assert.Equal(new ClusterLabels("onprem", "", ""), ClusterLabeler.Infer("lab", null, [(null, NoLabels)], null));
    }

    [Theory]
    [InlineData("v1.27.16", "2026-11-27", true)]
    [InlineData("v1.34.1-gke.100", "2026-10-01", false)]
    [InlineData("v1.34.1-gke.100", "2026-11-27", true)]
    [InlineData("v1.35.0", "2026-11-27", false)]
    [InlineData("v1.20.0", "2026-11-27", true)]
    [InlineData("not-a-version", "2026-11-27", false)]
    public void End_of_support_follows_the_release_table(string version, string today, bool expected) =>
        Assert.Equal(expected, KubernetesReleases.IsOutOfSupport(version, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));
}
