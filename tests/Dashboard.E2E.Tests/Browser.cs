using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.E2E.Tests;

/// <summary>Debian's Chromium driven by Playwright, headless; one browser for the whole test run.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: ./test.sh installs it (apt-get install chromium).");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

public static class PageExtensions
{
    /// <summary>Waits until WebAssembly has rendered the layout and the hub indicator reads the state.</summary>
    public static async Task WaitForHubStateAsync(this IPage page, string state, float timeoutMs = 60_000)
    {
        await page.Locator($"[data-testid=hub-state][data-state={state}]").WaitForAsync(new() { Timeout = timeoutMs });
    }

    /// <summary>
    /// Opens a page as a person does: the server sends an anonymous browser to the sign-in page, which comes back
    /// to the page asked for once the password is accepted.
    /// </summary>
    public static async Task SignInAsync(this IPage page, Uri server, string path = "", string userName = "admin", string password = ServerProcess.AdminPassword)
    {
        await page.GotoAsync(new Uri(server, path).ToString());
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin", new() { Timeout = 60_000 });
        await page.Locator("input[data-testid=username]").FillAsync(userName, new() { Timeout = 60_000 });
        await page.Locator("input[data-testid=password]").FillAsync(password);
        await page.Locator("[data-testid=signin-submit]").ClickAsync();
        var target = "/" + path.TrimStart('/').Split('?')[0];
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == target, new() { Timeout = 30_000 });
    }

    public static async Task<string> ScreenshotAsync(this IPage page, string name)
    {
        var path = Path.Combine(Repository.ArtifactsDirectory("screenshots"), $"{name}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }
}
