using System.Text.Json;
using Dashboard.Simulator;
using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.E2E.Tests;

/// <summary>
/// The screens, signed in, against a simulated hybrid fleet the test owns: the overview's problems lead to a
/// detail page, deep-linked lists hold what their URL says, a node failure and a rollout show up live, and
/// hostile text in objects stays text.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreensTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("e2e-screens-");
    private SimulatedFleet _fleet = null!;
    private TestDatabase _database = null!;
    private ServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _fleet = await SimulatedFleet.StartAsync(new FleetOptions());
        var kubeconfig = Path.Combine(_dir.FullName, "kubeconfig");
        _fleet.WriteKubeconfig(kubeconfig);
        _database = await TestPostgres.CreateDatabaseAsync();
        _server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Dashboard"] = _database.ConnectionString,
            ["Clusters__Kubeconfigs__0"] = kubeconfig,
            ["Fleet__ProbeSeconds"] = "2",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _database.DisposeAsync();
        await _fleet.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private async Task<IPage> OpenAsync(IBrowserContext context, string path)
    {
        var page = await context.NewPageAsync();
        await page.SignInAsync(_server.BaseAddress, path);
        await page.WaitForHubStateAsync("Connected");
        return page;
    }

    [Fact]
    public async Task The_overview_lists_the_crash_loop_and_its_link_opens_the_pods_detail()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1500, Height = 1000 } });
        var page = await OpenAsync(context, "");

        foreach (var cluster in new[] { "onprem-prod", "aws-prod", "gcp-staging", "azure-dev" })
        {
            await Assertions.Expect(page.Locator($"[data-testid=cluster-table] tr[data-cluster='{cluster}']")).ToContainTextAsync("Live", new() { Timeout = 60_000 });
        }

        await Assertions.Expect(page.Locator("[data-testid=fleet-charts]")).ToBeVisibleAsync();
        var crash = page.Locator("tr[data-problem=CrashLoop][data-problem-cluster='aws-prod']").First;
        await Assertions.Expect(crash).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.ScreenshotAsync("overview");

        var name = await crash.GetAttributeAsync("data-name");
        await crash.Locator("[data-testid=problem-link]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=detail-name]")).ToContainTextAsync(name!, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=containers-table]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=relations]")).ToContainTextAsync("recommendations");
        await page.ScreenshotAsync("detail");
    }

    [Fact]
    public async Task A_deep_linked_list_shows_what_its_url_says_and_a_node_failure_shows_live()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1500, Height = 1000 } });
        var page = await OpenAsync(context, "resources/nodes?cluster=aws-prod");
        var rows = page.Locator("[data-testid=resource-table] tbody tr[data-key]");
        await Assertions.Expect(rows.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var keys = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)");
        Assert.Equal(_fleet["aws-prod"].Count("nodes"), keys.Length);
        Assert.All(keys, k => Assert.StartsWith("aws-prod/", k, StringComparison.Ordinal));

        var node = JsonDocument.Parse(_fleet["aws-prod"].ListJson("nodes")[0]).RootElement.GetProperty("metadata").GetProperty("name").GetString()!;
        var row = page.Locator($"[data-testid=resource-table] tbody tr[data-name='{node}']");
        await Assertions.Expect(row).ToContainTextAsync("Ready");
        _fleet["aws-prod"].FailNode(node);
        await Assertions.Expect(row).ToContainTextAsync("NotReady", new() { Timeout = 15_000 });
        await page.ScreenshotAsync("list");
        _fleet["aws-prod"].RecoverNode(node);
        await Assertions.Expect(row).Not.ToContainTextAsync("NotReady", new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task A_rolling_update_brings_a_new_replicaset_into_the_live_list()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await OpenAsync(context, "resources/replicasets?cluster=gcp-staging&namespace=shop&q=payments");
        var rows = page.Locator("[data-testid=resource-table] tbody tr[data-key]");
        await Assertions.Expect(rows.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var before = await rows.CountAsync();

        _fleet["gcp-staging"].SetImage("shop", "payments", "payments", "registry.example.com/shop/payments:9.9.9");

        await Assertions.Expect(rows).ToHaveCountAsync(before + 1, new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task An_unreachable_cluster_keeps_its_rows_under_a_banner_saying_how_old_they_are()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1500, Height = 900 } });
        var page = await OpenAsync(context, "resources/pods?cluster=azure-dev");
        var rows = page.Locator("[data-testid=resource-table] tbody tr[data-key]");
        await Assertions.Expect(rows.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var before = await rows.CountAsync();

        await _fleet["azure-dev"].Faults.GoDownAsync();

        var banner = page.Locator("[data-testid=stale-banner][data-cluster=azure-dev]");
        await Assertions.Expect(banner).ToContainTextAsync("azure-dev cannot be reached", new() { Timeout = 45_000 });
        await Assertions.Expect(banner).ToContainTextAsync(" old");
        Assert.Equal(before, await rows.CountAsync()); // the last known state stays
        await page.ScreenshotAsync("list-unreachable");

        await _fleet["azure-dev"].Faults.ComeUpAsync();
        await Assertions.Expect(banner).ToHaveCountAsync(0, new() { Timeout = 45_000 });
    }

    [Fact]
    public async Task A_pods_log_follows_live_in_the_browser()
    {
        var pod = JsonDocument.Parse(_fleet["aws-prod"].ListJson("pods", "shop").First(j => j.Contains("\"storefront-", StringComparison.Ordinal)))
            .RootElement.GetProperty("metadata").GetProperty("name").GetString()!;
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1500, Height = 900 } });
        var page = await OpenAsync(context, $"resources/pods/aws-prod/shop/{pod}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Logs" }).ClickAsync();
        var text = page.Locator("[data-testid=log-text]");
        await Assertions.Expect(text).ToContainTextAsync("starting storefront", new() { Timeout = 30_000 });

        await page.Locator("[data-testid=log-follow] input").CheckAsync();
        await Assertions.Expect(page.Locator("[data-testid=log-streaming]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var first = int.Parse((await text.GetAttributeAsync("data-lines"))!, System.Globalization.CultureInfo.InvariantCulture);
        // The simulator writes a line a second or so: the page must grow without being asked again.
        await page.WaitForFunctionAsync(
            $"() => Number(document.querySelector('[data-testid=log-text]').dataset.lines) > {first + 1}", null, new() { Timeout = 20_000 });
        await page.ScreenshotAsync("logs-follow");
    }

    [Fact]
    public async Task Hostile_text_in_an_object_is_shown_as_text()
    {
        _fleet["aws-prod"].Apply("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"xss-probe","namespace":"shop",
              "annotations":{"note":"<img src=x onerror=\"window.__xss=1\">","script":"<script>window.__xss=2</script>"}},
             "data":{"a":"b"}}
            """);
        await using var context = await browser.Browser.NewContextAsync();
        var page = await OpenAsync(context, "resources/configmaps/aws-prod/shop/xss-probe");
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };

        await Assertions.Expect(page.Locator("[data-testid=annotation][data-key=note]")).ToContainTextAsync("<img src=x onerror=\"window.__xss=1\">", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=annotation][data-key=script]")).ToContainTextAsync("<script>window.__xss=2</script>");
        Assert.Equal(0, await page.Locator("[data-testid=annotations] img").CountAsync());
        Assert.Equal(0, await page.Locator("[data-testid=annotations] script").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"));
        Assert.Equal(0, dialogs);
    }
}
