using System.Net.Http.Json;
using Dashboard.Server.Tests.Access;
using Dashboard.Shared.Drift;
using Dashboard.Testing;

namespace Dashboard.Server.Tests.Drift;

/// <summary>
/// The drift view over real HTTP against the simulated hybrid fleet, whose shop runs a different release per
/// environment (azure-dev 2.16.0-dev.41, gcp-staging 2.15.0-rc.2, aws-prod 2.14.3, onprem-prod 2.14.1).
/// </summary>
public sealed class DriftTests(AccessFleetFixture fleet) : IClassFixture<AccessFleetFixture>
{
    [Fact]
    public async Task Clusters_come_in_pipeline_order_and_cells_that_run_other_images_than_prod_are_flagged()
    {
        using var admin = fleet.Factory.CreateClient(await fleet.TokenAsync("admin"));
        var report = (await admin.GetFromJsonAsync<DriftReport>("/api/drift"))!;

        Assert.Equal(["azure-dev", "gcp-staging", "aws-prod", "onprem-prod"], report.Clusters.Select(c => c.Cluster));
        Assert.Equal(["dev", "staging", "prod", "prod"], report.Clusters.Select(c => c.Environment));
        var storefront = Assert.Single(report.Apps, a => a.App == "storefront");
        Assert.True(storefront.Drifted);
        Assert.Equal("onprem-prod", storefront.ReferenceCluster);
        Assert.Equal(["registry.example.com/shop/storefront:2.14.1"], storefront.ReferenceImages);
        Assert.Equal(
            ["azure-dev:True", "gcp-staging:True", "aws-prod:True", "onprem-prod:False"],
            storefront.Cells.Select(c => $"{c.Cluster}:{c.Differs}"));
        Assert.DoesNotContain(report.Apps, a => a.Cells.Any(c => c.Namespace == "kube-system"));

        // Bring aws-prod in line with the reference: its cell stops differing once the watch delivers the change.
        fleet.Fleet["aws-prod"].SetImage("shop", "storefront", "storefront", "registry.example.com/shop/storefront:2.14.1");
        await Network.WaitUntilAsync(async () =>
        {
            var now = (await admin.GetFromJsonAsync<DriftReport>("/api/drift?q=storefront"))!;
            return !Assert.Single(now.Apps).Cells.Single(c => c.Cluster == "aws-prod").Differs;
        }, TimeSpan.FromSeconds(10), "aws-prod's storefront to match the reference");
    }

    [Fact]
    public async Task A_prod_viewer_sees_only_the_prod_columns()
    {
        using var victor = fleet.Factory.CreateClient(await fleet.TokenAsync("victor"));
        var report = (await victor.GetFromJsonAsync<DriftReport>("/api/drift"))!;
        Assert.Equal(["aws-prod", "onprem-prod"], report.Clusters.Select(c => c.Cluster));
        Assert.All(report.Apps.SelectMany(a => a.Cells), c => Assert.Contains(c.Cluster, AccessFleetFixture.ProdClusters));

        using var nina = fleet.Factory.CreateClient(await fleet.TokenAsync("nina"));
        var nothing = (await nina.GetFromJsonAsync<DriftReport>("/api/drift"))!;
        Assert.Empty(nothing.Clusters);
        Assert.Empty(nothing.Apps);
    }
}
