using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.E2E.Tests;

/// <summary>The fleet overview in a real browser over the simulated hybrid fleet: groups, charts and problems.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FleetOverviewTests(BrowserFixture browser) : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private ServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        _server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Dashboard"] = _database.ConnectionString,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task The_fleet_page_groups_the_clusters_draws_the_charts_and_links_the_problems()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1600 } });
        var page = await context.NewPageAsync();
        await page.SignInAsync(_server.BaseAddress);
        await page.WaitForHubStateAsync("Connected");

        foreach (var name in new[] { "onprem-prod", "aws-prod", "gcp-staging", "azure-dev" })
        {
            await Assertions.Expect(page.Locator($"[data-testid=cluster-table] tr[data-cluster='{name}']")).ToContainTextAsync("Live", new() { Timeout = 60_000 });
        }

        Assert.Equal(["onprem", "aws", "gcp", "azure"], await page.Locator("[data-testid=cluster-table] [data-group]").EvaluateAllAsync<string[]>("gs => gs.map(g => g.dataset.group)"));
        foreach (var chart in new[] { "chart-pods-provider", "chart-pods-environment", "chart-nodes-runtime", "chart-versions" })
        {
            await Assertions.Expect(page.Locator($"[data-testid={chart}] svg").First).ToBeVisibleAsync();
        }

        // Every cluster runs a crash-looping "recommendations" Deployment in its shop namespace.
        var link = page.Locator("[data-testid=problem-list] tr[data-problem-cluster='aws-prod'][data-namespace='shop'] a[data-testid=problem-link]").First;
        await Assertions.Expect(link).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.StartsWith("/resources/", await link.GetAttributeAsync("href"), StringComparison.Ordinal);

        await page.ScreenshotAsync("fleet-overview");
    }
}
