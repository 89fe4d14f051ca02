using System.Net;
using Dashboard.Client.Access;
using Dashboard.Client.Layout;
using Dashboard.Client.Live;
using Dashboard.Shared.Access;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Client.Tests;

public sealed class MainLayoutTests : AccessTestContext
{
    public MainLayoutTests() => Server.OnGet("/api/me", Viewer);

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

    [Fact]
    public void Layout_shows_app_bar_navigation_and_the_page()
    {
        var layout = RenderLayout();

        Assert.Contains("Fleet Dashboard", layout.Find(".mud-appbar").TextContent, StringComparison.Ordinal);
        var links = layout.FindAll("nav .mud-nav-link").Select(a => a.TextContent.Trim()).ToList();
        Assert.Equal("Fleet", links[0]);
        Assert.Contains("Pods", links); // the kinds' groups: NavMenuTests
        Assert.Contains("page body", layout.Find(".mud-main-content").TextContent, StringComparison.Ordinal);
        Assert.True(Connection.Started, "the layout starts the hub connection");
    }

    [Fact]
    public void The_user_menu_names_the_signed_in_user()
    {
        var layout = RenderLayout();

        Assert.Equal("vera", layout.Find("[data-testid=user-menu]").TextContent.Trim());
    }

    [Fact]
    public void Hub_indicator_follows_the_connection_state()
    {
        var layout = RenderLayout();
        Assert.Equal("Connecting", layout.Find("[data-testid=hub-state]").TextContent.Trim());

        Connection.Set(HubState.Connected, new ServerInfo("1.0", "host/1", DateTime.UtcNow, "Sqlite"));
        layout.WaitForAssertion(() => Assert.Equal("Connected", layout.Find("[data-testid=hub-state]").TextContent.Trim()));

        Connection.Set(HubState.Reconnecting);
        layout.WaitForAssertion(() => Assert.Equal("Reconnecting", layout.Find("[data-testid=hub-state]").TextContent.Trim()));

        Connection.Set(HubState.Offline);
        layout.WaitForAssertion(() => Assert.Equal("Offline", layout.Find("[data-testid=hub-state]").TextContent.Trim()));
    }

    [Fact]
    public void Without_a_session_the_layout_goes_to_sign_in_remembering_the_page_and_shows_nothing_of_it()
    {
        Server.On(HttpMethod.Get, "/api/me", _ => FakeApiServer.Problem(HttpStatusCode.Unauthorized, "Not signed in."));
        Navigation.NavigateTo("pods?q=web");

        var layout = RenderLayout();

        Assert.Equal("http://localhost/signin?returnUrl=%2Fpods%3Fq%3Dweb", Navigation.Uri);
        Assert.DoesNotContain("page body", layout.Markup, StringComparison.Ordinal);
        Assert.False(Connection.Started, "nobody connects to the hub without a session");
    }

    [Fact]
    public void When_the_hub_says_signed_out_the_layout_goes_to_sign_in()
    {
        Navigation.NavigateTo("workloads/deployments");
        RenderLayout();

        Connection.RaiseSignedOut();

        Assert.Equal("http://localhost/signin?returnUrl=%2Fworkloads%2Fdeployments", Navigation.Uri);
        Assert.True(Session.IsSignedOut);
    }

    [Fact]
    public async Task A_401_from_any_call_later_leads_to_sign_in()
    {
        Server.On(HttpMethod.Get, "/api/me/tokens", _ => FakeApiServer.Problem(HttpStatusCode.Unauthorized, "Not signed in."));
        Navigation.NavigateTo("account");
        RenderLayout();

        await Assert.ThrowsAsync<ApiException>(() => Services.GetRequiredService<DashboardApi>().GetAsync<ApiTokenSummary[]>("api/me/tokens"));

        Assert.Equal("http://localhost/signin?returnUrl=%2Faccount", Navigation.Uri);
    }

    [Fact]
    public async Task After_a_reconnect_the_session_is_asked_again_and_the_navigation_follows_it()
    {
        var layout = RenderLayout();
        Assert.Empty(layout.FindAll("[data-testid=nav-admin]"));
        Server.OnGet("/api/me", Viewer with { IsAdmin = true });

        await Connection.RaiseReconnectedAsync();

        layout.WaitForAssertion(() => Assert.NotNull(layout.Find("[data-testid=nav-admin]")));
        Assert.Equal(2, Server.Requests.Count(r => r.Path == "api/me"));
    }

    [Fact]
    public void Sign_out_posts_with_the_antiforgery_token_then_loads_the_sign_in_page()
    {
        Server.On(HttpMethod.Post, "/api/auth/signout", _ => FakeApiServer.NoContent());
        var layout = RenderLayout();

        layout.Find("[data-testid=user-menu] button").Click();
        layout.WaitForElement("[data-testid=sign-out]").Click();

        Assert.Equal("xsrf-viewer", Server.Single(HttpMethod.Post, "/api/auth/signout").Antiforgery);
        var last = Navigation.History.First();
        Assert.True(last.Options.ForceLoad);
        Assert.Equal("http://localhost/signin", Navigation.ToAbsoluteUri(last.Uri).ToString());
    }

    [Fact]
    public void Dark_mode_toggle_is_remembered_in_local_storage()
    {
        JSInterop.Setup<string?>("localStorage.getItem", ThemePreference.StorageKey).SetResult(null);
        var layout = RenderLayout();
        Assert.Equal("Switch to dark mode", layout.Find("[data-testid=dark-mode-toggle]").GetAttribute("aria-label"));

        layout.Find("[data-testid=dark-mode-toggle]").Click();

        Assert.Equal([ThemePreference.StorageKey, "dark"], JSInterop.VerifyInvoke("localStorage.setItem").Arguments);
        Assert.Equal("Switch to light mode", layout.Find("[data-testid=dark-mode-toggle]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Saved_dark_preference_is_applied_on_load()
    {
        JSInterop.Setup<string?>("localStorage.getItem", ThemePreference.StorageKey).SetResult("dark");

        var layout = RenderLayout();

        layout.WaitForAssertion(() =>
            Assert.Equal("Switch to light mode", layout.Find("[data-testid=dark-mode-toggle]").GetAttribute("aria-label")));
    }
}
