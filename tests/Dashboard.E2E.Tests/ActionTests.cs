using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.E2E.Tests;

/// <summary>An operator acts in a real Chromium: scales a deployment, sees it live, finds it in the audit history and exports it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ActionTests(BrowserFixture browser) : IAsyncLifetime
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
        (await _admin.PostAsJsonAsync("api/admin/users", new { userName = "olga", password = Password })).EnsureSuccessStatusCode();
        var team = await (await _admin.PostAsJsonAsync("api/admin/teams", new { name = "prod-operators" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = team.GetProperty("id").GetString();
        (await _admin.PostAsJsonAsync($"api/admin/teams/{id}/members", new { userName = "olga" })).EnsureSuccessStatusCode();
        (await _admin.PostAsJsonAsync($"api/admin/teams/{id}/bindings", new { role = "Operator", clusters = "environment=prod", namespaces = "*" })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_scales_a_deployment_sees_it_live_and_finds_and_exports_it_in_the_audit_history()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1500, Height = 1000 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await page.SignInAsync(_server.BaseAddress, "resources/deployments/aws-prod/shop/payments", "olga", Password);

        // On the deployment's page: Scale, a confirmation with the number, and what the cluster did.
        await page.Locator("[data-testid=action-scale]").ClickAsync(new() { Timeout = 60_000 });
        var replicas = page.Locator("input[data-testid=action-replicas], [data-testid=action-replicas] input");
        await replicas.FillAsync("5");
        await page.ScreenshotAsync("action-scale-confirm");
        await page.Locator("[data-testid=action-run]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=action-result]")).ToContainTextAsync("to 5 replicas", new() { Timeout = 30_000 });

        // Live in the list: the desired count at once, the ready pods as the simulator starts them.
        await page.GotoAsync(new Uri(_server.BaseAddress, "resources/deployments?cluster=aws-prod&namespace=shop&q=payments").ToString());
        var row = page.Locator("[data-testid=resource-table] tbody tr[data-key]").First;
        await Assertions.Expect(row).ToContainTextAsync("5/5", new() { Timeout = 60_000 });

        // The pods of the deployment show their CPU and memory use against their requests (the simulator serves metrics.k8s.io).
        await page.GotoAsync(new Uri(_server.BaseAddress, "resources/pods?cluster=aws-prod&namespace=shop&q=payments").ToString());
        var cpu = page.Locator("[data-testid=resource-table] tbody tr[data-key] .usage-cell").First;
        await Assertions.Expect(cpu).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*\d+m \(\d+%\)\s*$"), new() { Timeout = 60_000 });
        await page.ScreenshotAsync("pods-usage");

        // In the audit history: who, what, before -> after, outcome.
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit history" }).ClickAsync();
        await page.Locator("input[data-testid=audit-action], [data-testid=audit-action] input").FillAsync("scale");
        var succeeded = page.Locator("[data-testid=audit-row]", new() { HasText = "Succeeded" });
        await Assertions.Expect(succeeded).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Assertions.Expect(succeeded).ToContainTextAsync("olga");
        await Assertions.Expect(succeeded).ToContainTextAsync("aws-prod / shop / Deployment payments");
        await Assertions.Expect(succeeded).ToContainTextAsync("→ 5");
        await Assertions.Expect(page.Locator("[data-testid=audit-row]", new() { HasText = "Requested" })).ToHaveCountAsync(1);
        await page.ScreenshotAsync("audit-history");

        // Live: a scale made elsewhere (a script with olga's token) appears on the open page.
        using (var script = await _server.ApiClientAsync("olga", Password))
        {
            (await script.PostAsJsonAsync("api/objects/deployments/aws-prod/shop/payments/actions/scale", new { replicas = 3 })).EnsureSuccessStatusCode();
        }

        await Assertions.Expect(page.Locator("[data-testid=audit-row]", new() { HasText = "Succeeded" })).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("[data-testid=audit-row]").First).ToContainTextAsync("5 → 3");
        await page.Locator("input[data-testid=audit-text], [data-testid=audit-text] input").FillAsync("payments");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=audit-csv]").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Id,", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length - 1); // two scales, Requested and Succeeded each: the filters hold in the export too
        Assert.All(lines.Skip(1), l => Assert.Contains("olga", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Succeeded", StringComparison.Ordinal) && l.Contains(",2,5,", StringComparison.Ordinal));
    }
}
