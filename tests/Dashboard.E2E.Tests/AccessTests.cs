using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.E2E.Tests;

/// <summary>Signed-in people in a real Chromium: each sees their team's part of the fleet, and losing access shows at once.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "E2e-user-password-1";
    private TestDatabase _database = null!;
    private ServerProcess _server = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        // No cluster configured: the server watches its embedded simulated hybrid fleet.
        _server = await ServerProcess.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings__Dashboard"] = _database.ConnectionString });
        _admin = await _server.ApiClientAsync();
        await TeamAsync("prod-operators", "olga", "Operator", "environment=prod", "*");
        await TeamAsync("everyone", "dora", "Viewer", "*", "*");
    }

    private async Task TeamAsync(string team, string user, string role, string clusters, string namespaces)
    {
        (await _admin.PostAsJsonAsync("api/admin/users", new { userName = user, password = Password })).EnsureSuccessStatusCode();
        var created = await (await _admin.PostAsJsonAsync("api/admin/teams", new { name = team })).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString();
        (await _admin.PostAsJsonAsync($"api/admin/teams/{id}/members", new { userName = user })).EnsureSuccessStatusCode();
        (await _admin.PostAsJsonAsync($"api/admin/teams/{id}/bindings", new { role, clusters, namespaces })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_of_the_prod_team_signs_in_and_sees_only_prod_clusters()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.SignInAsync(_server.BaseAddress, "", "olga", Password);
        await page.WaitForHubStateAsync("Connected");

        var rows = page.Locator("[data-testid=cluster-table] tbody tr[data-cluster]");
        foreach (var name in new[] { "onprem-prod", "aws-prod" })
        {
            await Assertions.Expect(page.Locator($"tr[data-cluster='{name}']")).ToContainTextAsync("Live", new() { Timeout = 60_000 });
        }

        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=user-menu]")).ToContainTextAsync("olga");
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" })).Not.ToContainTextAsync("Administration");
        await page.ScreenshotAsync("prod-operator-fleet");

        await page.GetByRole(AriaRole.Link, new() { Name = "Pods" }).ClickAsync();
        var pods = page.Locator("[data-testid=resource-table] tbody tr[data-key]");
        await Assertions.Expect(pods.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var keys = await pods.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)");
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.True(key.StartsWith("onprem-prod/", StringComparison.Ordinal) || key.StartsWith("aws-prod/", StringComparison.Ordinal), key));
        await page.ScreenshotAsync("prod-operator-pods");

        // Typing the address of an admin page does not help: the server answers 403 to its API calls.
        await page.GotoAsync(new Uri(_server.BaseAddress, "admin/users").ToString());
        await Assertions.Expect(page.Locator("[data-testid=user-table] tr[data-user]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_disabled_users_open_page_loses_its_live_connection_within_5_seconds()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(_server.BaseAddress, "", "dora", Password);
        await page.WaitForHubStateAsync("Connected");

        var users = await _admin.GetFromJsonAsync<JsonElement>("api/admin/users");
        var dora = users.EnumerateArray().Single(u => u.GetProperty("userName").GetString() == "dora").GetProperty("id").GetString();
        var clock = Stopwatch.StartNew();
        (await _admin.PutAsJsonAsync($"api/admin/users/{dora}/disabled", new { disabled = true })).EnsureSuccessStatusCode();

        try
        {
            // Offline, or already on the sign-in page (where there is no hub indicator at all).
            await page.WaitForFunctionAsync(
                "() => { const e = document.querySelector('[data-testid=hub-state]'); return !e || e.dataset.state !== 'Connected'; }",
                null, new() { Timeout = 5_000, PollingInterval = 50 });
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"{e.Message}\nServer:\n{_server.Output[^Math.Min(_server.Output.Length, 6000)..]}", e);
        }

        var took = clock.Elapsed;
        Assert.True(took < TimeSpan.FromSeconds(5), $"the page was still live after {took}");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin", new() { Timeout = 10_000 });
        Console.WriteLine($"disabled user's page lost its live connection after {took.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task A_wrong_password_is_said_plainly_and_an_admin_sees_the_administration()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_server.BaseAddress.ToString());
        await page.Locator("input[data-testid=username]").FillAsync("admin", new() { Timeout = 60_000 });
        await page.Locator("input[data-testid=password]").FillAsync("not-the-password");
        await page.Locator("[data-testid=signin-submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=signin-error]")).ToContainTextAsync("Wrong username or password");
        await page.ScreenshotAsync("signin-refused");

        await page.SignInAsync(_server.BaseAddress, "admin/users");
        await Assertions.Expect(page.Locator("[data-testid=user-table] tr[data-user='olga']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" })).ToContainTextAsync("Administration");
        await page.ScreenshotAsync("admin-users");
        await page.GotoAsync(new Uri(_server.BaseAddress, "admin/teams").ToString());
        await Assertions.Expect(page.GetByText("prod-operators").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.ScreenshotAsync("admin-teams");
    }
}
