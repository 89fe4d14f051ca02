using System.Net;
using Dashboard.Client.Pages;
using Dashboard.Shared.Access;
using MudBlazor;

namespace Dashboard.Client.Tests;

public sealed class AccountPageTests : AccessTestContext
{
    private const string Secret = "fdt_9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    private static readonly ApiTokenSummary Ci =
        new(Guid.NewGuid(), "ci-deploy", "fdt_1a2b", Now.AddDays(-30), Now.AddDays(60), Now.AddHours(-2));

    private static readonly ApiTokenSummary Old =
        new(Guid.NewGuid(), "<b>old</b> laptop", "fdt_0000", Now.AddDays(-400), Now.AddDays(-35), null);

    public AccountPageTests() => Server.OnGet("/api/me/tokens", () => new[] { Ci, Old });

    [Fact]
    public async Task Tokens_are_listed_by_name_and_prefix_only_as_text()
    {
        await SignInAsAsync(Viewer);

        var page = Render<Account>();

        var rows = page.FindAll("[data-testid=token-table] tbody tr");
        Assert.Equal(["ci-deploy", "<b>old</b> laptop"], rows.Select(r => r.GetAttribute("data-token")));
        Assert.Contains("fdt_1a2b", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("expired", rows[1].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("expired", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=token-table] tbody b"));
        Assert.Empty(page.FindAll("[data-testid=token-secret]"));
    }

    [Fact]
    public async Task A_new_token_shows_its_secret_once_then_only_its_prefix()
    {
        await SignInAsAsync(Viewer);
        var created = new ApiTokenSummary(Guid.NewGuid(), "nightly report", "fdt_9f8e", Now, Now.AddDays(7), null);
        Server.On(HttpMethod.Post, "/api/me/tokens", _ => FakeApiServer.Answer(new CreatedApiToken(created, Secret)));
        var page = Render<Account>();

        page.Find("input[data-testid=token-name]").Input("nightly report");
        page.Find("input[data-testid=token-days]").Input("7");
        page.Find("[data-testid=create-token]").Click();

        var request = Server.Single(HttpMethod.Post, "/api/me/tokens");
        Assert.Equal(new CreateApiTokenRequest("nightly report", 7), request.BodyAs<CreateApiTokenRequest>());
        Assert.Equal("xsrf-viewer", request.Antiforgery);
        Assert.Equal(Secret, page.Find("[data-testid=token-secret]").TextContent.Trim());
        Assert.Contains("will not be shown again", page.Find("[data-testid=new-token]").TextContent, StringComparison.Ordinal);
        Assert.Equal(["nightly report", "ci-deploy", "<b>old</b> laptop"],
            page.FindAll("[data-testid=token-table] tbody tr").Select(r => r.GetAttribute("data-token")));

        page.Find("[data-testid=dismiss-secret]").Click();

        Assert.Empty(page.FindAll("[data-testid=token-secret]"));
        Assert.DoesNotContain(Secret, page.Markup, StringComparison.Ordinal);
        Assert.Contains("fdt_9f8e", page.Find("tr[data-token='nightly report']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_copy_button_puts_the_secret_on_the_clipboard()
    {
        await SignInAsAsync(Viewer);
        Server.On(HttpMethod.Post, "/api/me/tokens", _ => FakeApiServer.Answer(new CreatedApiToken(Ci, Secret)));
        var page = Render<Account>();
        page.Find("input[data-testid=token-name]").Input("ci-deploy");
        page.Find("[data-testid=create-token]").Click();

        page.Find("[data-testid=copy-secret]").Click();

        Assert.Equal([Secret], JSInterop.VerifyInvoke("navigator.clipboard.writeText").Arguments);
    }

    [Fact]
    public async Task A_refused_creation_shows_the_servers_reason()
    {
        await SignInAsAsync(Viewer);
        Server.On(HttpMethod.Post, "/api/me/tokens", _ => FakeApiServer.Problem(HttpStatusCode.BadRequest, "A token may live at most 365 days."));
        var page = Render<Account>();

        page.Find("input[data-testid=token-name]").Input("forever");
        page.Find("input[data-testid=token-days]").Input("9999");
        page.Find("[data-testid=create-token]").Click();

        Assert.Equal("A token may live at most 365 days.", page.Find("[data-testid=page-error]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=token-secret]"));
    }

    [Fact]
    public async Task Revoking_asks_first_then_deletes_the_token()
    {
        await SignInAsAsync(Viewer);
        Server.On(HttpMethod.Delete, $"/api/me/tokens/{Ci.Id}", _ => FakeApiServer.NoContent());
        var dialogs = Render<MudDialogProvider>();
        var page = Render<Account>();

        page.Find("tr[data-token=ci-deploy] [data-testid=revoke-token]").Click();
        Assert.Empty(Server.Writes);
        dialogs.WaitForElements(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("tr[data-token=ci-deploy]")));
        Assert.Equal("xsrf-viewer", Server.Single(HttpMethod.Delete, $"/api/me/tokens/{Ci.Id}").Antiforgery);
    }
}
