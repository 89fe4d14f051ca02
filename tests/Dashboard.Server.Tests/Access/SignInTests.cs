using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dashboard.Shared.Access;
using Dashboard.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dashboard.Server.Tests.Access;

/// <summary>Signing in by password (cookie and bearer token), lockout, antiforgery, personal tokens and first run, over real HTTP.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private DashboardFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        _factory = new DashboardFactory(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = _database.ConnectionString });
        _ = _factory.Server;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<HttpClient> AdminAsync() => await _factory.AdminClientAsync();

    private async Task CreateUserAsync(string name, string password)
    {
        using var admin = await AdminAsync();
        (await admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest(name, password))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Session_endpoint_answers_a_token_that_works_as_bearer_and_a_malformed_body_is_400()
    {
        using var http = _factory.CreateClient();
        using var ok = await http.PostAsJsonAsync("/api/session", new SignInRequest("admin", DashboardFactory.AdminPassword));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var token = (await ok.Content.ReadFromJsonAsync<SessionToken>())!;
        Assert.True(token.ExpiresAt > DateTime.UtcNow.AddMinutes(30) && token.ExpiresAt < DateTime.UtcNow.AddHours(2));

        using var bearer = _factory.CreateClient(token.Token);
        var me = await bearer.GetFromJsonAsync<CurrentUser>("/api/me");
        Assert.Equal("admin", me!.UserName);
        Assert.True(me.IsAdmin);
        Assert.Null(me.AntiforgeryToken); // a bearer caller needs none

        foreach (var body in new[] { "{", "[]", "{\"username\":\"admin\"}", "" })
        {
            using var bad = await http.PostAsync("/api/session", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using var notJson = await http.PostAsync("/api/session", new StringContent("username=admin", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        using var forged = _factory.CreateClient("dsh_not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Wrong_password_unknown_user_and_locked_account_get_one_and_the_same_401()
    {
        await CreateUserAsync("carol", "Carol-password-1");
        using var http = _factory.CreateClient();

        async Task<(HttpStatusCode, string)> TryAsync(string user, string password)
        {
            using var response = await http.PostAsJsonAsync("/api/session", new SignInRequest(user, password));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var wrong = await TryAsync("carol", "nope");
        var unknown = await TryAsync("nobody-here", "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Item1);
        Assert.Equal(wrong, unknown);

        // Five failures lock the account (Identity's defaults); then even the right password is refused, alike.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(wrong, await TryAsync("carol", "still wrong"));
        }

        var locked = await TryAsync("carol", "Carol-password-1");
        Assert.Equal(wrong, locked);

        using var admin = await AdminAsync();
        var carol = (await admin.GetFromJsonAsync<List<UserSummary>>("/api/admin/users"))!.Single(u => u.UserName == "carol");
        Assert.NotNull(carol.LockedOutUntilUtc);
        Assert.True(carol.LockedOutUntilUtc > DateTime.UtcNow.AddMinutes(4));

        // An administrator's password reset unlocks.
        (await admin.PutAsJsonAsync($"/api/admin/users/{carol.Id}/password", new ResetPasswordRequest("Carol-password-2"))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await TryAsync("carol", "Carol-password-2")).Item1);
    }

    [Fact]
    public async Task Cookie_sign_in_needs_the_antiforgery_token_for_writes_and_sign_out_ends_the_session_on_the_server()
    {
        var cookies = new CookieContainer();
        using var browser = _factory.CreateDefaultClient(new Uri("http://localhost"), new CookieHandler(cookies));
        using var signIn = await browser.PostAsJsonAsync("/api/auth/signin", new SignInRequest("admin", DashboardFactory.AdminPassword));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var session = cookies.GetCookies(new Uri("http://localhost")).Single(c => c.Name == "dashboard.session");
        Assert.True(session.HttpOnly);
        Assert.Contains("samesite=lax", string.Join(";", signIn.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);

        var me = (await browser.GetFromJsonAsync<CurrentUser>("/api/me"))!;
        Assert.False(string.IsNullOrEmpty(me.AntiforgeryToken));

        using var withoutToken = await browser.PostAsJsonAsync("/api/me/tokens", new CreateApiTokenRequest("ci", 30));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Contains("X-XSRF-TOKEN", await withoutToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/me/tokens") { Content = JsonContent.Create(new CreateApiTokenRequest("ci", 30)) };
        request.Headers.Add("X-XSRF-TOKEN", me.AntiforgeryToken);
        using var withToken = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);

        // The cookie, copied before signing out, is worth nothing afterwards: the session ended on the server.
        var stolen = session.Value;
        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/api/auth/signout");
        signOut.Headers.Add("X-XSRF-TOKEN", me.AntiforgeryToken);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(signOut)).StatusCode);
        using var replay = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        replay.DefaultRequestHeaders.Add("Cookie", $"dashboard.session={stolen}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Personal_tokens_are_shown_once_stored_hashed_listed_and_revoked()
    {
        using var admin = await AdminAsync();
        using var created = await admin.PostAsJsonAsync("/api/me/tokens", new CreateApiTokenRequest("deploy-bot", 90));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode); // a bearer caller writes without antiforgery
        var token = (await created.Content.ReadFromJsonAsync<CreatedApiToken>())!;
        Assert.StartsWith("dsp_", token.Secret, StringComparison.Ordinal);

        using var bot = _factory.CreateClient(token.Secret);
        Assert.Equal("admin", (await bot.GetFromJsonAsync<CurrentUser>("/api/me"))!.UserName);

        var listed = (await admin.GetFromJsonAsync<List<ApiTokenSummary>>("/api/me/tokens"))!;
        var entry = Assert.Single(listed);
        Assert.Equal("deploy-bot", entry.Name);
        Assert.DoesNotContain(token.Secret, await admin.GetStringAsync("/api/me/tokens"), StringComparison.Ordinal);

        await using (var connection = new Npgsql.NpgsqlConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM sessions WHERE \"TokenHash\" = @secret OR \"TokenHash\" IS NULL AND \"Kind\" = 'Personal'", connection);
            command.Parameters.AddWithValue("secret", token.Secret);
            Assert.Equal(0L, await command.ExecuteScalarAsync());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/me/tokens/{entry.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.GetAsync("/api/me")).StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<List<ApiTokenSummary>>("/api/me/tokens"))!);
    }

    [Fact]
    public async Task An_expired_session_token_is_refused()
    {
        var token = await _factory.TokenAsync();
        using var http = _factory.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/me")).StatusCode);

        // Its absolute end passes (set in the database, as time would); the lookup cache lasts two seconds.
        await using (var connection = new Npgsql.NpgsqlConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("UPDATE sessions SET \"ExpiresAtUtc\" = now() - interval '1 second' WHERE \"Kind\" = 'Api'", connection);
            Assert.True(await command.ExecuteNonQueryAsync() > 0);
        }

        await Network.WaitUntilAsync(async () => (await http.GetAsync("/api/me")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(5), "the expired token to be refused");
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_their_tokens_stop_working()
    {
        await CreateUserAsync("dave", "Dave-password-1");
        var token = await _factory.TokenAsync("dave", "Dave-password-1");
        using var dave = _factory.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await dave.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.GetAsync("/api/admin/users")).StatusCode);
        Assert.Contains(_factory.Log, l => l.Contains("Denied GET /api/admin/users to dave: forbidden", StringComparison.Ordinal));

        using var admin = await AdminAsync();
        var id = (await admin.GetFromJsonAsync<List<UserSummary>>("/api/admin/users"))!.Single(u => u.UserName == "dave").Id;
        (await admin.PutAsJsonAsync($"/api/admin/users/{id}/disabled", new SetDisabledRequest(true))).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await dave.GetAsync("/api/me")).StatusCode);
        using var http = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/session", new SignInRequest("dave", "Dave-password-1"))).StatusCode);
    }

    [Fact]
    public async Task Weak_passwords_and_bad_bindings_are_refused_with_the_reason()
    {
        using var admin = await AdminAsync();
        using var weak = await admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest("erin", "short"));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("at least 10 characters", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var team = (await (await admin.PostAsJsonAsync("/api/admin/teams", new TeamRequest("web", null))).Content.ReadFromJsonAsync<TeamSummary>())!;
        using var bad = await admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/bindings", new BindingRequest(TeamRole.Viewer, "color=blue", "*"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("color=blue", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/admin/teams", new TeamRequest("web", null))).StatusCode);
    }

    [Fact]
    public async Task Without_a_bootstrap_password_the_first_admin_gets_a_random_one_and_no_default_works()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using var factory = new DashboardFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = database.ConnectionString,
            ["Bootstrap:AdminPassword"] = "",
        });
        using var http = factory.CreateClient();
        foreach (var guess in new[] { "admin", "password", "Admin123!", DashboardFactory.AdminPassword, "" })
        {
            using var response = await http.PostAsJsonAsync("/api/session", new SignInRequest("admin", guess));
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        }

        // The generated password was written once to the log, and it works.
        var line = Assert.Single(factory.Log, l => l.Contains("created the user 'admin' with the password", StringComparison.Ordinal));
        var password = line.Split("with the password ")[1].Split(' ')[0];
        Assert.True(password.Length >= 16);
        using var first = await http.PostAsJsonAsync("/api/session", new SignInRequest("admin", password));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
    }

    [Fact]
    public async Task With_the_database_down_sign_in_says_so_plainly()
    {
        await _database.DropAsync();
        using var http = _factory.CreateClient();
        using var response = await http.PostAsJsonAsync("/api/session", new SignInRequest("admin", DashboardFactory.AdminPassword));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("database is not reachable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
