using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Dashboard.Server.State;
using Dashboard.Server.Tests.Fleet;
using Dashboard.Shared.Access;
using Dashboard.Shared.Live;
using Dashboard.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Access;

/// <summary>
/// Access changes reach connections already open: disabling a user, signing out, revoking a token or removing a
/// binding closes (or re-scopes) the user's live connections within 5 seconds. And a cross-site page cannot open one.
/// </summary>
public sealed class LiveAccessTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);
    private TestDatabase _database = null!;
    private DashboardFactory _factory = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        _factory = new DashboardFactory(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = _database.ConnectionString });
        _admin = await _factory.AdminClientAsync();

        // Two clusters' worth of pods straight in the store: the scope tests need rows, not a real fleet.
        var store = _factory.Services.GetRequiredService<FleetStore>();
        foreach (var (cluster, ns) in new[] { ("aws-prod", "shop"), ("aws-prod", "billing"), ("gcp-staging", "shop") })
        {
            for (var i = 0; i < 3; i++)
            {
                var pod = Objects.Project("pods", Objects.PodJson($"{ns}-{i}", $"{cluster}-{ns}-{i}"), cluster: cluster);
                store.Upsert(pod with { Meta = pod.Meta with { Namespace = ns } });
            }
        }
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<(string Id, TeamSummary Team)> UserInTeamAsync(string name, BindingRequest binding)
    {
        var user = (await (await _admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest(name, "Live-user-pass-1"))).Content.ReadFromJsonAsync<UserSummary>())!;
        var team = (await (await _admin.PostAsJsonAsync("/api/admin/teams", new TeamRequest($"{name}-team", null))).Content.ReadFromJsonAsync<TeamSummary>())!;
        (await _admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/members", new AddMemberRequest(name))).EnsureSuccessStatusCode();
        (await _admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/bindings", binding)).EnsureSuccessStatusCode();
        var refreshed = (await _admin.GetFromJsonAsync<List<TeamSummary>>("/api/admin/teams"))!.Single(t => t.Id == team.Id);
        return (user.Id, refreshed);
    }

    /// <summary>A connected hub with what it was told and when it closed.</summary>
    private sealed class Watched : IAsyncDisposable
    {
        public readonly TaskCompletionSource<string> Reason = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Watched(HubConnection hub)
        {
            Hub = hub;
            hub.On<string>(nameof(IFleetClient.AccessChanged), reason => Reason.TrySetResult(reason));
            hub.Closed += _ =>
            {
                Closed.TrySetResult();
                return Task.CompletedTask;
            };
        }

        public HubConnection Hub { get; }

        public async Task<(string Reason, TimeSpan Took)> WaitClosedAsync(Stopwatch since)
        {
            await Closed.Task.WaitAsync(Limit + TimeSpan.FromSeconds(5));
            var took = since.Elapsed;
            return (await Reason.Task.WaitAsync(TimeSpan.FromSeconds(1)), took);
        }

        public ValueTask DisposeAsync() => Hub.DisposeAsync();
    }

    private async Task<Watched> ConnectAsync(string token)
    {
        var watched = new Watched(_factory.WebSocketHub(token));
        await watched.Hub.StartAsync();
        return watched;
    }

    [Fact]
    public async Task Disabling_a_user_closes_their_live_connection_within_5_seconds()
    {
        var (id, _) = await UserInTeamAsync("uma", new BindingRequest(TeamRole.Viewer, "*", "*"));
        await using var hub = await ConnectAsync(await _factory.TokenAsync("uma", "Live-user-pass-1"));
        Assert.True((await hub.Hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), new ViewQuery("pods"))).Total > 0);

        var clock = Stopwatch.StartNew();
        (await _admin.PutAsJsonAsync($"/api/admin/users/{id}/disabled", new SetDisabledRequest(true))).EnsureSuccessStatusCode();
        var (reason, took) = await hub.WaitClosedAsync(clock);

        Assert.Equal("signed-out", reason);
        Assert.True(took < Limit, $"closed after {took}");
        await Assert.ThrowsAnyAsync<Exception>(() => hub.Hub.StartAsync()); // and it cannot come back
    }

    [Fact]
    public async Task Revoking_a_personal_token_closes_the_connection_it_opened()
    {
        await UserInTeamAsync("rob", new BindingRequest(TeamRole.Viewer, "*", "*"));
        using var rob = _factory.CreateClient(await _factory.TokenAsync("rob", "Live-user-pass-1"));
        var token = (await (await rob.PostAsJsonAsync("/api/me/tokens", new CreateApiTokenRequest("watcher", null))).Content.ReadFromJsonAsync<CreatedApiToken>())!;
        await using var hub = await ConnectAsync(token.Secret);

        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.NoContent, (await rob.DeleteAsync($"/api/me/tokens/{token.Token.Id}")).StatusCode);
        var (reason, took) = await hub.WaitClosedAsync(clock);

        Assert.Equal("signed-out", reason);
        Assert.True(took < Limit, $"closed after {took}");
    }

    [Fact]
    public async Task Signing_out_a_browser_session_closes_its_live_connection()
    {
        using var browser = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        using var signIn = await browser.PostAsJsonAsync("/api/auth/signin", new SignInRequest("admin", DashboardFactory.AdminPassword));
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dashboard.session=", StringComparison.Ordinal)).Split(';')[0];
        browser.DefaultRequestHeaders.Add("Cookie", cookie);
        using var meResponse = await browser.GetAsync("/api/me");
        var me = (await meResponse.Content.ReadFromJsonAsync<CurrentUser>())!;
        var xsrfCookie = meResponse.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dashboard.xsrf=", StringComparison.Ordinal)).Split(';')[0];

        var hub = new Watched(_factory.WebSocketHub(null, cookie));
        await using var _ = hub;
        await hub.Hub.StartAsync();

        var clock = Stopwatch.StartNew();
        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/api/auth/signout");
        signOut.Headers.Add("X-XSRF-TOKEN", me.AntiforgeryToken);
        signOut.Headers.Add("Cookie", $"{cookie}; {xsrfCookie}");
        browser.DefaultRequestHeaders.Remove("Cookie");
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(signOut)).StatusCode);
        var (reason, took) = await hub.WaitClosedAsync(clock);

        Assert.Equal("signed-out", reason);
        Assert.True(took < Limit, $"closed after {took}");
    }

    [Fact]
    public async Task Removing_a_binding_rescopes_the_connection_and_a_resumed_view_shows_only_the_new_scope()
    {
        var (_, team) = await UserInTeamAsync("ria", new BindingRequest(TeamRole.Viewer, "*", "*"));
        (await _admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/bindings", new BindingRequest(TeamRole.Viewer, "*", "shop"))).EnsureSuccessStatusCode();
        var token = await _factory.TokenAsync("ria", "Live-user-pass-1");
        await using var hub = await ConnectAsync(token);
        var before = await hub.Hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), new ViewQuery("pods"));
        Assert.Equal(9, before.Total);

        var clock = Stopwatch.StartNew();
        var everything = team.Bindings.Single(b => b.Namespaces == "*");
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/api/admin/bindings/{everything.Id}")).StatusCode);
        var (reason, took) = await hub.WaitClosedAsync(clock);
        Assert.Equal("rescoped", reason);
        Assert.True(took < Limit, $"closed after {took}");

        // The browser reconnects and resumes its subscription: it gets a fresh snapshot of the new scope, no replay of the old.
        await using var again = await ConnectAsync(token);
        var resumed = await again.Hub.InvokeAsync<ViewSnapshot?>(nameof(IFleetHub.Resume), before.SubscriptionId, before.Sequence, new ViewQuery("pods"));
        Assert.NotNull(resumed);
        Assert.Equal(6, resumed.Total);
        Assert.All(resumed.Rows, r => Assert.Equal("shop", r.Namespace));

        // Nothing changed since: the guard leaves the new connection alone.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(HubConnectionState.Connected, again.Hub.State);
        Assert.False(again.Reason.Task.IsCompleted);
    }

    [Fact]
    public async Task A_cross_origin_websocket_is_refused_and_the_own_origin_accepted()
    {
        var token = await _factory.TokenAsync();
        var uri = new UriBuilder(new Uri(_factory.Server.BaseAddress, FleetHubRoute.Path)) { Scheme = "ws", Query = $"access_token={token}" }.Uri;

        var evil = _factory.Server.CreateWebSocketClient();
        evil.ConfigureRequest = request => request.Headers.Origin = "https://evil.example";
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => evil.ConnectAsync(uri, CancellationToken.None));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_factory.Log, l => l.Contains("Refused a hub connection from origin https://evil.example", StringComparison.Ordinal));

        var own = _factory.Server.CreateWebSocketClient();
        own.ConfigureRequest = request => request.Headers.Origin = "http://localhost";
        using var socket = await own.ConnectAsync(uri, CancellationToken.None);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);

        // The negotiate request of a cross-site page is refused too.
        using var http = _factory.CreateClient(token);
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, $"{FleetHubRoute.Path}/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(negotiate)).StatusCode);
    }
}
