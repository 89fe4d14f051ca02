using System.Net;
using System.Net.Http.Json;
using Dashboard.Server.Audit;
using Dashboard.Server.Tests.Access;
using Dashboard.Shared.Access;
using Dashboard.Shared.Audit;
using Dashboard.Testing;

namespace Dashboard.Server.Tests.Audit;

/// <summary>What the access issue does (sign-ins, lockouts, tokens, admin changes, denials) leaves records, and no secret.</summary>
public sealed class AuditAccessTests : IAsyncLifetime
{
    private const string CarolPassword = "Carol-password-1";
    private TestDatabase _database = null!;
    private DashboardFactory _factory = null!;
    private AuditStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        _factory = new DashboardFactory(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = _database.ConnectionString });
        _ = _factory.Server;
        _store = new AuditStore(_database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<List<AuditRecord>> RecordsAsync(string action) => (await _store.RecordsAsync()).Where(r => r.Action == action).ToList();

    [Fact]
    public async Task Sign_ins_that_succeed_fail_or_lock_an_account_and_sign_outs_are_recorded_without_the_password()
    {
        using var admin = await _factory.AdminClientAsync();
        (await admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest("carol", CarolPassword))).EnsureSuccessStatusCode();
        using var http = _factory.CreateClient();
        http.DefaultRequestHeaders.UserAgent.ParseAdd("audit-test/1.0");

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/session", new SignInRequest("nobody", "Guess-123-guess"))).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            await http.PostAsJsonAsync("/api/session", new SignInRequest("carol", $"Wrong-pass-{i}"));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/session", new SignInRequest("carol", CarolPassword))).StatusCode);

        var signIns = await RecordsAsync(AuditActions.SignIn);
        var admins = signIns.Where(r => r.ActorUserName == "admin").ToList();
        Assert.Contains(admins, r => r.Outcome == AuditOutcome.Succeeded && r.ActorMethod == "password" && r.ActorTeams == "administrators");
        var unknown = Assert.Single(signIns, r => r.ActorUserName == "nobody");
        Assert.Equal((AuditOutcome.Failed, "unknown user", null), (unknown.Outcome, unknown.Error, unknown.ActorUserId));
        Assert.Equal("audit-test/1.0", unknown.ActorUserAgent); // (the in-memory test server has no remote address)

        var carol = signIns.Where(r => r.ActorUserName == "carol").ToList();
        Assert.Equal(5, carol.Count(r => r.Outcome == AuditOutcome.Failed && r.Error == "wrong password"));
        Assert.Single(carol, r => r.Outcome == AuditOutcome.Denied && r.Error == "locked out");
        var lockout = Assert.Single(await RecordsAsync(AuditActions.Lockout));
        Assert.Equal(("carol", "User"), (lockout.TargetName, lockout.TargetKind));
        Assert.True(lockout.Id < carol.Single(r => r.Outcome == AuditOutcome.Denied).Id);

        // Cookie sign-in and sign-out.
        var cookies = new CookieContainer();
        using var browser = _factory.CreateDefaultClient(new Uri("http://localhost"), new CookieHandler(cookies));
        (await browser.PostAsJsonAsync("/api/auth/signin", new SignInRequest("admin", DashboardFactory.AdminPassword))).EnsureSuccessStatusCode();
        var me = (await browser.GetFromJsonAsync<CurrentUser>("/api/me"))!;
        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/api/auth/signout");
        signOut.Headers.Add("X-XSRF-TOKEN", me.AntiforgeryToken);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(signOut)).StatusCode);
        var signedOut = Assert.Single(await RecordsAsync(AuditActions.SignOut));
        Assert.Equal(("admin", "password", AuditOutcome.Succeeded), (signedOut.ActorUserName, signedOut.ActorMethod, signedOut.Outcome));

        await AssertNoSecretAsync(CarolPassword, "Wrong-pass-0", "Guess-123-guess", DashboardFactory.AdminPassword);
    }

    [Fact]
    public async Task Denials_are_recorded_with_who_what_and_why()
    {
        using var admin = await _factory.AdminClientAsync();
        (await admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest("carol", CarolPassword))).EnsureSuccessStatusCode();
        using var carol = _factory.CreateClient(await _factory.TokenAsync("carol", CarolPassword));
        using var anonymous = _factory.CreateClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync("/api/admin/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/teams")).StatusCode);
        Assert.Contains(_factory.Log, l => l.Contains("Denied GET /api/admin/users to carol: forbidden", StringComparison.Ordinal)); // the log event stays

        var denials = await RecordsAsync(AuditActions.Denied);
        var forbidden = Assert.Single(denials, r => r.TargetName == "/api/admin/users");
        Assert.Equal((AuditOutcome.Denied, "forbidden", "carol", "session token"), (forbidden.Outcome, forbidden.Error, forbidden.ActorUserName, forbidden.ActorMethod));
        Assert.Contains("\"method\":\"GET\"", forbidden.Parameters, StringComparison.Ordinal);
        var notSignedIn = Assert.Single(denials, r => r.TargetName == "/api/admin/teams");
        Assert.Equal(("not signed in", null), (notSignedIn.Error, notSignedIn.ActorUserName));

        // Anyone can be nobody: refusals of callers not signed in are recorded once a minute per address, a user's every time.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/admin/teams?flood={i}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync("/api/admin/clusters")).StatusCode);
        }

        // So are sign-ins as names that are no account; a real account's failures are all recorded.
        var before = (await RecordsAsync(AuditActions.SignIn)).Count;
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/session", new { username = $"nobody-{i}", password = "Guess-123-guess" })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/session", new { username = "carol", password = $"Wrong-pass-{i}" })).StatusCode);
        }

        var signIns = (await RecordsAsync(AuditActions.SignIn)).Skip(before).ToList();
        Assert.Single(signIns, r => r.Error == "unknown user");
        Assert.Equal(10, signIns.Count(r => r.TargetName == "carol" && r.Outcome != AuditOutcome.Succeeded));
        Assert.Equal(10, _factory.Log.Count(l => l.Contains("nobody-", StringComparison.Ordinal)));

        denials = await RecordsAsync(AuditActions.Denied);
        Assert.Single(denials, r => r.TargetName == "/api/admin/teams");
        Assert.Equal(20, denials.Count(r => r.TargetName == "/api/admin/clusters" && r.ActorUserName == "carol"));
    }

    [Fact]
    public async Task Tokens_users_teams_bindings_and_clusters_changes_are_recorded_without_secrets()
    {
        using var admin = await _factory.AdminClientAsync();
        using var created = await admin.PostAsJsonAsync("/api/me/tokens", new CreateApiTokenRequest("deploy-bot", 30));
        var token = (await created.Content.ReadFromJsonAsync<CreatedApiToken>())!;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/me/tokens/{token.Token.Id}")).StatusCode);

        (await admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest("dave", "Dave-password-1"))).EnsureSuccessStatusCode();
        var team = (await (await admin.PostAsJsonAsync("/api/admin/teams", new TeamRequest("web", null))).Content.ReadFromJsonAsync<TeamSummary>())!;
        (await admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/members", new AddMemberRequest("dave"))).EnsureSuccessStatusCode();
        var binding = (await (await admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/bindings",
            new BindingRequest(TeamRole.Operator, "environment=prod", "shop"))).Content.ReadFromJsonAsync<BindingSummary>())!;
        (await admin.DeleteAsync($"/api/admin/bindings/{binding.Id}")).EnsureSuccessStatusCode();

        const string clusterToken = "kube-bearer-secret-8f3a";
        var kubeconfig = $"""
            apiVersion: v1
            kind: Config
            current-context: edge
            clusters:
            - name: edge
              cluster:
                server: https://127.0.0.1:1
            users:
            - name: edge
              user:
                token: {clusterToken}
            contexts:
            - name: edge
              context:
                cluster: edge
                user: edge
            """;
        using var added = await admin.PostAsJsonAsync("/api/admin/clusters", new AddClusterRequest(kubeconfig, null, "edge-1", "onprem", "prod", "dc-2"));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);

        var records = await _store.RecordsAsync();
        var actions = records.Where(r => r.ActorUserName == "admin").Select(r => r.Action).ToList();
        Assert.Equal(
            [AuditActions.TokenCreate, AuditActions.TokenRevoke, AuditActions.UserCreate, AuditActions.TeamCreate, AuditActions.TeamMemberAdd,
             AuditActions.BindingCreate, AuditActions.BindingDelete, AuditActions.ClusterAdd],
            actions.Where(a => a != AuditActions.SignIn));
        var bound = records.Single(r => r.Action == AuditActions.BindingCreate);
        Assert.Contains("\"clusters\":\"environment=prod\"", bound.Parameters, StringComparison.Ordinal);
        var cluster = records.Single(r => r.Action == AuditActions.ClusterAdd);
        Assert.Equal(("edge-1", "Cluster"), (cluster.TargetCluster, cluster.TargetKind));
        Assert.Contains("https://127.0.0.1:1", cluster.Parameters, StringComparison.Ordinal);
        Assert.Equal("deploy-bot", records.Single(r => r.Action == AuditActions.TokenCreate).TargetName);
        // The first run made the admin and its team, as the system.
        Assert.Equal([AuditActions.UserCreate, AuditActions.TeamCreate], records.Where(r => r.ActorMethod == "system").Select(r => r.Action));

        await AssertNoSecretAsync(token.Secret, token.Secret[..10], clusterToken, "Dave-password-1");
        Assert.True((await _store.Verifier.VerifyAsync(CancellationToken.None)).Intact);
    }

    /// <summary>No column of any record holds any of these.</summary>
    private async Task AssertNoSecretAsync(params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            await using var connection = new Npgsql.NpgsqlConnection(_database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM audit_records a WHERE strpos(a::text, @secret) > 0", connection);
            command.Parameters.AddWithValue("secret", secret);
            Assert.Equal(0L, await command.ExecuteScalarAsync());
        }
    }
}
