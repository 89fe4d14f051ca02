using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.E2E.Tests;

/// <summary>
/// The Release publish output (trimmed WebAssembly, as deployed) in Chromium: trimming breaks things Debug
/// never shows (reflection-based JSON, dropped types), so the new screens are walked through here.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PublishedAppTests(BrowserFixture browser) : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private ServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        _server = await ServerProcess.StartPublishedAsync(new Dictionary<string, string?> { ["ConnectionStrings__Dashboard"] = _database.ConnectionString });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task The_published_app_signs_in_searches_and_shows_drift_and_topology()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1680, Height = 950 } });
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, m) => console.Add($"{m.Type}: {m.Text}");
        try
        {
            await page.SignInAsync(_server.BaseAddress);
            await page.WaitForHubStateAsync("Connected");
            await Assertions.Expect(page.Locator("tr[data-cluster='aws-prod']").First).ToContainTextAsync("Live", new() { Timeout = 60_000 });

            // Ctrl+K: search the fleet and open what was found.
            await page.Keyboard.PressAsync("Control+k");
            await page.Locator("input[data-testid=search-text]").FillAsync("storefront");
            var hit = page.Locator("[data-testid=search-hit][data-kind=Deployment][data-name=storefront]").First;
            await Assertions.Expect(hit).ToBeVisibleAsync(new() { Timeout = 10_000 });
            await page.ScreenshotAsync("search");

            await page.GotoAsync(new Uri(_server.BaseAddress, "drift").ToString());
            var storefront = page.Locator("[data-testid=drift-table] tr[data-app=storefront]");
            await Assertions.Expect(storefront).ToHaveAttributeAsync("data-drifted", "true", new() { Timeout = 30_000 });
            await Assertions.Expect(storefront.Locator("td[data-differs=true]")).ToHaveCountAsync(3);
            await page.ScreenshotAsync("drift");

            await page.GotoAsync(new Uri(_server.BaseAddress, "topology/aws-prod/shop").ToString());
            await Assertions.Expect(page.Locator("[data-testid=topology-node][data-id='Deployment/storefront']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("[data-testid=topology-node][data-healthy=false]").First).ToBeVisibleAsync(); // the crash loop
            await page.ScreenshotAsync("topology");
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            await page.ScreenshotAsync("published-failure");
            throw new InvalidOperationException($"{e.Message}\nBrowser console:\n{string.Join('\n', console.TakeLast(30))}", e);
        }
    }
}
