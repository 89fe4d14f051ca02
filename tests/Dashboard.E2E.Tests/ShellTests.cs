using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.E2E.Tests;

[Collection(BrowserCollection.Name)]
public sealed class ShellTests(BrowserFixture browser) : IAsyncLifetime
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

    private async Task<IPage> OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.SignInAsync(_server.BaseAddress);
        return page;
    }

    [Fact]
    public async Task Shell_runs_in_webassembly_and_connects_to_the_hub()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await OpenAsync(context);

        await page.WaitForHubStateAsync("Connected");

        Assert.Equal("Connected", (await page.Locator("[data-testid=hub-state]").InnerTextAsync()).Trim());
        await Assertions.Expect(page.Locator("[data-testid=server-info]")).ToContainTextAsync("database PostgreSql");
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" })).ToContainTextAsync("Fleet");
        Assert.Equal("Fleet · Fleet Dashboard", await page.TitleAsync());

        // With no cluster configured the server runs the simulated hybrid fleet: all four show up, live.
        var clusters = page.Locator("[data-testid=cluster-table] tbody tr");
        await Assertions.Expect(clusters).ToHaveCountAsync(4, new() { Timeout = 60_000 });
        foreach (var name in new[] { "onprem-prod", "aws-prod", "gcp-staging", "azure-dev" })
        {
            await Assertions.Expect(page.Locator($"tr[data-cluster='{name}']")).ToContainTextAsync("Live", new() { Timeout = 60_000 });
        }

        await page.ScreenshotAsync("shell");
    }

    [Fact]
    public async Task Dark_mode_choice_survives_a_reload()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ColorScheme = ColorScheme.Light });
        var page = await OpenAsync(context);
        await page.WaitForHubStateAsync("Connected");
        var toggle = page.Locator("[data-testid=dark-mode-toggle]");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-label", "Switch to dark mode");

        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-label", "Switch to light mode");
        await page.ReloadAsync();
        await page.WaitForHubStateAsync("Connected");

        await Assertions.Expect(page.Locator("[data-testid=dark-mode-toggle]")).ToHaveAttributeAsync("aria-label", "Switch to light mode");
        var background = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.mud-layout')).backgroundColor");
        Assert.NotEqual("rgb(255, 255, 255)", background);
        await page.ScreenshotAsync("shell-dark");
    }

    [Fact]
    public async Task Page_reconnects_by_itself_when_the_server_comes_back()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await OpenAsync(context);
        await page.WaitForHubStateAsync("Connected");

        await _server.StopAsync();
        await Assertions.Expect(page.Locator("[data-testid=hub-state]")).Not.ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = 30_000 });

        await _server.StartAgainAsync();
        await page.WaitForHubStateAsync("Connected", 60_000);
    }
}
