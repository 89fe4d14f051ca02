using System.Text.Json.Nodes;

namespace Dashboard.Simulator.Tests;

/// <summary>The hybrid scenario carries what a dashboard infers providers, regions, versions and drift from.</summary>
public sealed class ScenarioTests(FleetFixture fixture) : IClassFixture<FleetFixture>
{
    [Fact]
    public void HybridFleet_HasOnPremAndThreeClouds_WithRealisticNodes()
    {
        var fleet = fixture.Fleet;
        Assert.Equal(["onprem-prod", "aws-prod", "gcp-staging", "azure-dev"], fleet.Clusters.Select(c => c.Name));
        var expected = new Dictionary<string, (string ProviderPrefix, string RuntimePrefix, string Region)>
        {
            ["onprem-prod"] = ("openstack:///", "cri-o://", "eu-central-dc1"),
            ["aws-prod"] = ("aws:///eu-west-1", "containerd://", "eu-west-1"),
            ["gcp-staging"] = ("gce://", "containerd://", "europe-west1"),
            ["azure-dev"] = ("azure:///subscriptions/", "containerd://", "westeurope"),
        };
        foreach (var cluster in fleet.Clusters)
        {
            var nodes = Fast.Objects(cluster, "nodes").ToList();
            Assert.True(nodes.Count >= 3);
            Assert.Single(nodes, n => n["metadata"]!["labels"]!.AsObject().ContainsKey("node-role.kubernetes.io/control-plane"));
            Assert.True(nodes.Count(n => !n["metadata"]!["labels"]!.AsObject().ContainsKey("node-role.kubernetes.io/control-plane")) >= 2);
            var (provider, runtime, region) = expected[cluster.Name];
            Assert.All(nodes, n =>
            {
                Assert.StartsWith(provider, (string)n["spec"]!["providerID"]!, StringComparison.Ordinal);
                Assert.StartsWith(runtime, (string)n["status"]!["nodeInfo"]!["containerRuntimeVersion"]!, StringComparison.Ordinal);
                Assert.Equal(cluster.KubernetesVersion, (string?)n["status"]!["nodeInfo"]!["kubeletVersion"]);
                Assert.Equal(region, (string?)n["metadata"]!["labels"]!["topology.kubernetes.io/region"]);
                Assert.NotNull(n["metadata"]!["labels"]!["topology.kubernetes.io/zone"]);
            });
        }
    }

    [Fact]
    public void HybridFleet_RunsTheSameAppAtDifferentTags_WithIngressLoggingDatabaseExternalServiceAndHpa()
    {
        var tags = fixture.Fleet.Clusters.Select(c =>
        {
            var d = JsonNode.Parse(c.GetJson("deployments", "shop", "storefront", "apps")!)!;
            return ((string)d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!).Split(':')[1];
        }).ToList();
        Assert.Equal(4, tags.Count);
        Assert.True(tags.Distinct().Count() >= 3, string.Join(", ", tags));
        foreach (var c in fixture.Fleet.Clusters)
        {
            Assert.Single(c.ListJson("ingressclasses", null, "networking.k8s.io"));
            Assert.Contains(Fast.Objects(c, "ingresses", "shop", "networking.k8s.io"), i => i["spec"]!["rules"]!.AsArray().Count >= 2);
            Assert.NotNull(c.GetJson("daemonsets", "logging", "fluent-bit", "apps"));
            Assert.NotNull(c.GetJson("statefulsets", "data", "postgres", "apps"));
            Assert.NotNull(c.GetJson("horizontalpodautoscalers", "shop", "storefront", "autoscaling"));
            var external = JsonNode.Parse(c.GetJson("services", "shop", "orders-db-external")!)!;
            Assert.Null(external["spec"]!["selector"]);
            Assert.NotNull(c.GetJson("endpoints", "shop", "orders-db-external"));
        }
    }

    [Fact]
    public async Task Activity_StartsRollingUpdatesByItself()
    {
        await using var fleet = await SimulatedFleet.StartAsync(Fast.Options("minimal") with { ActivityInterval = TimeSpan.FromMilliseconds(300) });
        var cluster = fleet.Clusters[0];
        await Fast.UntilAsync(() => Fast.Objects(cluster, "replicasets", "shop", "apps")
            .Any(r => (string?)r["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"] == "2"), "a second revision somewhere in shop");
    }
}
