using System.Net;
using Dashboard.Client.Access;
using Dashboard.Client.Pages;
using Dashboard.Shared.Access;

namespace Dashboard.Client.Tests;

public sealed class SignInTests : AccessTestContext
{
    private const string WrongPassword = "Wrong username or password, or the account is locked or disabled.";

    private IRenderedComponent<SignIn> RenderSignIn(string address = "signin", SignInOptions? options = null)
    {
        Server.OnGet("/api/auth/providers", options ?? new SignInOptions(Local: true, SingleSignOnName: null));
        Navigation.NavigateTo(address);
        return Render<SignIn>();
    }

    private static void Type(IRenderedComponent<SignIn> page, string userName, string password)
    {
        page.Find("input[data-testid=username]").Input(userName);
        page.Find("input[data-testid=password]").Input(password);
        page.Find("form[data-testid=signin-form]").Submit();
    }

    [Fact]
    public void A_refused_sign_in_shows_the_servers_reason_after_sending_the_typed_credentials()
    {
        Server.On(HttpMethod.Post, "/api/auth/signin", _ => FakeApiServer.Problem(HttpStatusCode.Unauthorized, WrongPassword));
        var page = RenderSignIn();

        Type(page, "alice", "not her password");

        page.WaitForAssertion(() => Assert.Equal(WrongPassword, page.Find("[data-testid=signin-error]").TextContent.Trim()));
        var request = Server.Single(HttpMethod.Post, "/api/auth/signin");
        Assert.Equal(new SignInRequest("alice", "not her password"), request.BodyAs<SignInRequest>());
        Assert.Equal("alice", request.BodyJson.GetProperty("username").GetString()); // web casing on the wire
        Assert.DoesNotContain(Navigation.History, h => h.Options.ForceLoad);
        Assert.Equal("", page.Find("input[data-testid=password]").GetAttribute("value") ?? "");
    }

    [Theory]
    [InlineData("signin?returnUrl=%2Fpods%3Fq%3Dweb", "http://localhost/pods?q=web")]
    [InlineData("signin", "http://localhost/")]
    [InlineData("signin?returnUrl=%2F%2Fevil.example%2Fphish", "http://localhost/")]
    [InlineData("signin?returnUrl=https%3A%2F%2Fevil.example%2F", "http://localhost/")]
    [InlineData("signin?returnUrl=%2F%5Cevil.example", "http://localhost/")]
    [InlineData("signin?returnUrl=%2F%09%2Fevil.example", "http://localhost/")]
    [InlineData("signin?returnUrl=javascript%3Aalert(1)", "http://localhost/")]
    public void A_successful_sign_in_loads_the_return_address_only_when_it_is_local(string address, string expected)
    {
        Server.On(HttpMethod.Post, "/api/auth/signin", _ => FakeApiServer.Answer(Viewer));
        var page = RenderSignIn(address);

        Type(page, "vera", "correct horse");

        page.WaitForAssertion(() =>
        {
            var last = Navigation.History.First();
            Assert.True(last.Options.ForceLoad, "a full page load, so the app starts with the new session");
            Assert.Equal(expected, Navigation.ToAbsoluteUri(last.Uri).ToString());
        });
    }

    [Fact]
    public void Single_sign_on_is_offered_when_the_server_has_it_and_keeps_the_return_address()
    {
        var page = RenderSignIn("signin?returnUrl=%2Fworkloads%2Fdeployments", new SignInOptions(Local: true, SingleSignOnName: "Contoso ID"));

        page.Find("[data-testid=signin-sso]").Click();

        Assert.Equal("Sign in with Contoso ID", page.Find("[data-testid=signin-sso]").TextContent.Trim());
        var last = Navigation.History.First();
        Assert.True(last.Options.ForceLoad);
        Assert.Equal("http://localhost/api/auth/oidc?returnUrl=%2Fworkloads%2Fdeployments", Navigation.ToAbsoluteUri(last.Uri).ToString());
    }

    [Fact]
    public void Without_local_accounts_only_single_sign_on_is_shown()
    {
        var page = RenderSignIn(options: new SignInOptions(Local: false, SingleSignOnName: "Contoso ID"));

        Assert.Empty(page.FindAll("[data-testid=signin-form]"));
        Assert.NotNull(page.Find("[data-testid=signin-sso]"));
    }

    [Theory]
    [InlineData("signin?error=sso", "Single sign-on did not complete. Try again, or ask an administrator.")]
    [InlineData("signin?error=disabled", "This account is disabled. Ask an administrator to enable it.")]
    public void Coming_back_from_a_failed_single_sign_on_says_why(string address, string expected)
    {
        var page = RenderSignIn(address, new SignInOptions(Local: true, SingleSignOnName: "Contoso ID"));

        Assert.Equal(expected, page.Find("[data-testid=signin-error]").TextContent.Trim());
    }

    [Theory]
    [InlineData(null, "/")]
    [InlineData("/", "/")]
    [InlineData("/pods", "/pods")]
    [InlineData("/admin/users?x=1#top", "/admin/users?x=1#top")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("pods", "/")]
    [InlineData("/signin?returnUrl=/pods", "/")]
    [InlineData("/signing-rules", "/signing-rules")]
    public void Return_target_is_a_local_path_or_the_start_page(string? returnUrl, string expected) =>
        Assert.Equal(expected, SignInAddress.ReturnTarget(returnUrl));
}
