using System.Net;
using Dashboard.Client.Pages.Admin;
using Dashboard.Shared.Access;

namespace Dashboard.Client.Tests;

public sealed class UsersPageTests : AccessTestContext
{
    private static readonly UserSummary Alice = new("u-alice", "alice", false, false, null, Now.AddDays(-10), ["shop", "platform"]);
    private static readonly UserSummary Bob = new("u-bob", "bob", true, false, null, Now.AddDays(-5), []);
    private static readonly UserSummary Carol = new("u-carol", "carol@contoso", false, true, Now.AddMinutes(10), Now.AddDays(-1), ["shop"]);

    public UsersPageTests() => Server.OnGet("/api/admin/users", new[] { Carol, Bob, Alice });

    private async Task<IRenderedComponent<Users>> RenderPageAsync()
    {
        await SignInAsAsync(Admin);
        return Render<Users>();
    }

    [Fact]
    public async Task Users_are_listed_with_their_teams_and_status()
    {
        var page = await RenderPageAsync();

        var rows = page.FindAll("[data-testid=user-table] tr[data-user]");
        Assert.Equal(["alice", "bob", "carol@contoso"], rows.Select(r => r.GetAttribute("data-user")));
        Assert.Contains("platform", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Active", page.Find("tr[data-user=alice] [data-testid=user-status]").TextContent.Trim());
        Assert.Equal("Disabled", page.Find("tr[data-user=bob] [data-testid=user-status]").TextContent.Trim());
        Assert.StartsWith("Locked", page.Find("tr[data-user='carol@contoso'] [data-testid=user-status]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("Enable", page.Find("tr[data-user=bob] [data-testid=toggle-disabled]").TextContent.Trim());
        Assert.Empty(page.FindAll("tr[data-user='carol@contoso'] [data-testid=reset-password]")); // single sign-on: no password here
    }

    [Fact]
    public async Task Creating_a_user_posts_with_the_antiforgery_token_and_lists_the_answer()
    {
        var dave = new UserSummary("u-dave", "dave", false, false, null, Now, []);
        Server.On(HttpMethod.Post, "/api/admin/users", _ => FakeApiServer.Answer(dave));
        var page = await RenderPageAsync();

        page.Find("input[data-testid=new-user-name]").Input("dave");
        page.Find("input[data-testid=new-user-password]").Input("a long enough passphrase 7");
        page.Find("[data-testid=create-user]").Click();

        var request = Server.Single(HttpMethod.Post, "/api/admin/users");
        Assert.Equal("xsrf-admin", request.Antiforgery);
        Assert.Equal(new CreateUserRequest("dave", "a long enough passphrase 7"), request.BodyAs<CreateUserRequest>());
        Assert.Equal(["alice", "bob", "carol@contoso", "dave"], page.FindAll("tr[data-user]").Select(r => r.GetAttribute("data-user")));
        Assert.Equal("", page.Find("input[data-testid=new-user-name]").GetAttribute("value"));
    }

    [Fact]
    public async Task A_password_the_policy_refuses_shows_the_policys_reasons()
    {
        const string policy = "Passwords must be at least 12 characters. Passwords must have at least one digit ('0'-'9').";
        Server.On(HttpMethod.Post, "/api/admin/users", _ => FakeApiServer.Problem(HttpStatusCode.BadRequest, policy));
        var page = await RenderPageAsync();

        page.Find("input[data-testid=new-user-name]").Input("dave");
        page.Find("input[data-testid=new-user-password]").Input("short");
        page.Find("[data-testid=create-user]").Click();

        Assert.Equal(policy, page.Find("[data-testid=page-error]").TextContent.Trim());
        Assert.Equal(3, page.FindAll("tr[data-user]").Count);
    }

    [Fact]
    public async Task Disabling_and_enabling_put_the_new_state()
    {
        Server.On(HttpMethod.Put, "/api/admin/users/u-alice/disabled", _ => FakeApiServer.NoContent());
        var page = await RenderPageAsync();

        page.Find("tr[data-user=alice] [data-testid=toggle-disabled]").Click();

        var request = Server.Single(HttpMethod.Put, "/api/admin/users/u-alice/disabled");
        Assert.Equal(new SetDisabledRequest(true), request.BodyAs<SetDisabledRequest>());
        Assert.Equal("xsrf-admin", request.Antiforgery);
        Assert.Equal("true", page.Find("tr[data-user=alice]").GetAttribute("data-disabled"));
        Assert.Equal("Enable", page.Find("tr[data-user=alice] [data-testid=toggle-disabled]").TextContent.Trim());
    }

    [Fact]
    public async Task Resetting_a_password_puts_the_new_one()
    {
        Server.On(HttpMethod.Put, "/api/admin/users/u-bob/password", _ => FakeApiServer.NoContent());
        var page = await RenderPageAsync();

        page.Find("tr[data-user=bob] [data-testid=reset-password]").Click();
        page.Find("input[data-testid=new-password]").Input("another long passphrase 8");
        page.Find("[data-testid=confirm-reset]").Click();

        Assert.Equal(new ResetPasswordRequest("another long passphrase 8"),
            Server.Single(HttpMethod.Put, "/api/admin/users/u-bob/password").BodyAs<ResetPasswordRequest>());
        Assert.Empty(page.FindAll("[data-testid=reset-password-form]"));
    }

    [Fact]
    public async Task A_non_administrator_sees_the_servers_refusal()
    {
        Server.On(HttpMethod.Get, "/api/admin/users", _ => FakeApiServer.Problem(HttpStatusCode.Forbidden, "Only administrators may manage users."));
        await SignInAsAsync(Viewer);

        var page = Render<Users>();

        Assert.Equal("Only administrators may manage users.", page.Find("[data-testid=page-error]").TextContent.Trim());
    }
}
