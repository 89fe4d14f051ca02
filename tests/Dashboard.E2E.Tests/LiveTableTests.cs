using Dashboard.Simulator;
using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.E2E.Tests;

/// <summary>The live Deployments table against a simulated fleet the test owns (so it can change it).</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveTableTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("e2e-fleet-");
    private SimulatedFleet _fleet = null!;
    private TestDatabase _database = null!;
    private ServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _fleet = await SimulatedFleet.StartAsync(new FleetOptions { Pods = 3000, ActivityInterval = TimeSpan.Zero });
        var kubeconfig = Path.Combine(_dir.FullName, "kubeconfig");
        _fleet.WriteKubeconfig(kubeconfig);
        _database = await TestPostgres.CreateDatabaseAsync();
        _server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Dashboard"] = _database.ConnectionString,
            ["Clusters__Kubeconfigs__0"] = kubeconfig,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _database.DisposeAsync();
        await _fleet.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_deployment_scaled_in_the_cluster_changes_live_in_the_table()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, m) => console.Add($"{m.Type}: {m.Text}");
        await page.SignInAsync(_server.BaseAddress, "workloads/deployments");

        var table = page.Locator("[data-testid=resource-table]");
        try
        {
            await Assertions.Expect(table.Locator("tbody tr[data-key]").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"{e.Message}\nBrowser console:\n{string.Join('\n', console)}\nServer:\n{_server.Output}", e);
        }

        // Narrow the table to one deployment of one cluster, as a person would.
        var cluster = _fleet.Clusters.First(c => c.Name == "aws-prod");
        await page.GetByPlaceholder("Filter by name, namespace or cluster").FillAsync("payments");
        var row = table.Locator("tbody tr[data-key^='aws-prod/'][data-name='payments']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(table.Locator("tbody tr[data-key]")).ToHaveCountAsync(_fleet.Clusters.Count); // one per cluster
        await Assertions.Expect(table.Locator("tbody tr[data-name='payments']")).ToHaveCountAsync(_fleet.Clusters.Count);

        cluster.ScaleDeployment("shop", "payments", 7);

        await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+/7$"), new() { Timeout = 20_000 });
        await page.ScreenshotAsync("deployments-live");
    }

    [Fact]
    public async Task The_topology_map_follows_a_scale_pushed_by_the_server()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.SignInAsync(_server.BaseAddress, "topology/gcp-staging/shop");
        await page.WaitForHubStateAsync("Connected");
        var pods = page.Locator("[data-testid=topology-node][data-id^='Pod/orders-api-']");
        await Assertions.Expect(page.Locator("[data-testid=topology-node][data-id='Deployment/orders-api']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var before = await pods.CountAsync();

        _fleet.Clusters.First(c => c.Name == "gcp-staging").ScaleDeployment("shop", "orders-api", before + 2);

        await Assertions.Expect(pods).ToHaveCountAsync(before + 2, new() { Timeout = 15_000 });
        await page.ScreenshotAsync("topology-live");
    }

    [Fact]
    public async Task The_pods_table_holds_only_the_rows_in_sight_and_scrolls_through_all_of_them()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.SignInAsync(_server.BaseAddress, "pods");
        var table = page.Locator("[data-testid=resource-table]");
        await Assertions.Expect(table.Locator("tbody tr[data-key]").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var total = _fleet.Clusters.Sum(c => c.Count("pods"));
        await Assertions.Expect(table).ToHaveAttributeAsync("data-total", new System.Text.RegularExpressions.Regex(@"^\d{4,}$"));

        var rendered = await table.Locator("tbody tr[data-key]").CountAsync();
        Assert.True(rendered < 200, $"{rendered} rows in the page for a fleet of {total} pods");

        // Scroll to the very end: the server's window follows, and the last pod by name shows up.
        var last = _fleet.Clusters.SelectMany(c => c.ListJson("pods"))
            .Select(j => System.Text.Json.JsonDocument.Parse(j).RootElement.GetProperty("metadata").GetProperty("name").GetString()!)
            .Order(StringComparer.OrdinalIgnoreCase).Last();
        await page.Locator("[data-testid=table-scroll]").EvaluateAsync("e => e.scrollTop = e.scrollHeight");
        await Assertions.Expect(table.Locator($"tbody tr[data-name='{last}']")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.True(await table.Locator("tbody tr[data-key]").CountAsync() < 200);
        await page.ScreenshotAsync("pods-virtualized");
    }
}
