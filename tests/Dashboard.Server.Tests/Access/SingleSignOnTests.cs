using System.Net;
using System.Net.Http.Json;
using Dashboard.Shared.Access;
using Dashboard.Testing;

namespace Dashboard.Server.Tests.Access;

/// <summary>
/// Single sign-on against a real OpenID Connect provider on 127.0.0.1: the code flow end to end over HTTP,
/// identity-provider groups setting team memberships at every sign-in, and a disabled user kept out.
/// </summary>
public sealed class SingleSignOnTests : IAsyncLifetime
{
    private OidcProvider _provider = null!;
    private TestDatabase _database = null!;
    private DashboardFactory _factory = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _provider = await OidcProvider.StartAsync();
        _provider.RegisterClient("dashboard", "dashboard-secret", "http://localhost/signin-oidc");
        _database = await TestPostgres.CreateDatabaseAsync();
        _factory = new DashboardFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = _database.ConnectionString,
            ["Authentication:OpenIdConnect:Authority"] = _provider.Issuer.ToString(),
            ["Authentication:OpenIdConnect:ClientId"] = "dashboard",
            ["Authentication:OpenIdConnect:ClientSecret"] = "dashboard-secret",
            ["Authentication:OpenIdConnect:DisplayName"] = "Example SSO",
            ["Authentication:OpenIdConnect:RequireHttpsMetadata"] = "false", // the test provider is plain http on loopback
            ["Authentication:OpenIdConnect:GroupTeams:idp-platform"] = "platform",
        });
        _admin = await _factory.AdminClientAsync();
        foreach (var (team, group, binding) in new[]
                 {
                     ("platform", (string?)null, new BindingRequest(TeamRole.Operator, "environment=prod", "*")),
                     ("sre", "idp-sre", new BindingRequest(TeamRole.Viewer, "*", "*")),
                 })
        {
            var created = (await (await _admin.PostAsJsonAsync("/api/admin/teams", new TeamRequest(team, group))).Content.ReadFromJsonAsync<TeamSummary>())!;
            (await _admin.PostAsJsonAsync($"/api/admin/teams/{created.Id}/bindings", binding)).EnsureSuccessStatusCode();
        }
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
        await _provider.DisposeAsync();
    }

    /// <summary>What a browser does: dashboard -> provider -> dashboard callback -> the page it asked for.</summary>
    private async Task<(HttpClient Browser, HttpResponseMessage Landing)> SignInAsync(string returnUrl)
    {
        var browser = _factory.CreateDefaultClient(new Uri("http://localhost"), new CookieHandler(new CookieContainer()));
        using var idp = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var challenge = await browser.GetAsync($"/api/auth/oidc?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.StartsWith(_provider.Issuer.ToString(), challenge.Headers.Location!.ToString(), StringComparison.Ordinal);

        using var authorized = await idp.GetAsync(challenge.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, authorized.StatusCode);
        var callback = authorized.Headers.Location!;
        Assert.Equal("/signin-oidc", callback.AbsolutePath);

        var landing = await browser.GetAsync(callback.PathAndQuery);
        return (browser, landing);
    }

    [Fact]
    public async Task A_provider_user_signs_in_and_their_groups_become_their_teams()
    {
        using var http = _factory.CreateClient();
        Assert.Equal("Example SSO", (await http.GetFromJsonAsync<SignInOptions>("/api/auth/providers"))!.SingleSignOnName);

        _provider.SetUser("sub-123", "pat", "idp-platform", "idp-sre", "idp-unrelated");
        var (browser, landing) = await SignInAsync("/workloads/deployments");
        using (browser)
        using (landing)
        {
            Assert.Equal(HttpStatusCode.Redirect, landing.StatusCode);
            Assert.Equal("/workloads/deployments", landing.Headers.Location!.OriginalString);
            var me = (await browser.GetFromJsonAsync<CurrentUser>("/api/me"))!;
            Assert.Equal("pat", me.UserName);
            Assert.Equal(["platform", "sre"], me.Teams);
            Assert.Contains(new Grant(TeamRole.Operator, "environment=prod", "*"), me.Grants);
            Assert.False(me.IsAdmin);
        }

        // The provider dropped a group: at the next sign-in the membership goes with it; the same user is kept.
        _provider.SetUser("sub-123", "pat", "idp-sre");
        var (again, landed) = await SignInAsync("/");
        using (again)
        using (landed)
        {
            var me = (await again.GetFromJsonAsync<CurrentUser>("/api/me"))!;
            Assert.Equal(["sre"], me.Teams);
        }

        var users = (await _admin.GetFromJsonAsync<List<UserSummary>>("/api/admin/users"))!;
        var pat = Assert.Single(users, u => u.UserName == "pat");
        Assert.True(pat.External);
    }

    [Fact]
    public async Task A_local_account_is_never_taken_over_and_a_disabled_user_is_kept_out()
    {
        (await _admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest("lee", "Local-lee-pass-1"))).EnsureSuccessStatusCode();
        _provider.SetUser("sub-lee", "lee");
        var (browser, landing) = await SignInAsync("/");
        using (browser)
        using (landing)
        {
            var me = (await browser.GetFromJsonAsync<CurrentUser>("/api/me"))!;
            Assert.Equal($"lee@{_provider.Issuer.Host}", me.UserName);
            var id = me.Id;
            (await _admin.PutAsJsonAsync($"/api/admin/users/{id}/disabled", new SetDisabledRequest(true))).EnsureSuccessStatusCode();
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
        }

        var (retry, refused) = await SignInAsync("/");
        using (retry)
        using (refused)
        {
            Assert.Equal("/signin?error=disabled", refused.Headers.Location!.OriginalString);
            Assert.Equal(HttpStatusCode.Unauthorized, (await retry.GetAsync("/api/me")).StatusCode);
        }
    }

    [Fact]
    public async Task The_return_address_stays_on_this_site()
    {
        _provider.SetUser("sub-9", "mo");
        var (browser, landing) = await SignInAsync("https://evil.example/phish");
        using (browser)
        using (landing)
        {
            Assert.Equal("/", landing.Headers.Location!.OriginalString);
        }
    }
}
