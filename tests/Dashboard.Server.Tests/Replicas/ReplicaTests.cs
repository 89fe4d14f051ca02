using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Shared.Access;
using Dashboard.Shared.Audit;
using Dashboard.Shared.Live;
using Dashboard.Simulator;
using Dashboard.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Dashboard.Server.Tests.Replicas;

/// <summary>A redis-server of its own (Debian's), on 127.0.0.1 and a free port; killed on dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private RedisServer(int port, ChildProcess process) => (Port, _process) = (port, process);

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var port = Network.FreePort();
        var process = ChildProcess.Start("redis-server", ["--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], TimeSpan.FromMinutes(15));
        await Network.WaitUntilAsync(async () =>
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            try
            {
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10), "redis-server");
        return new RedisServer(port, process);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

/// <summary>Two server processes (A and B) on one PostgreSQL and one Redis, watching one simulated cluster.</summary>
public sealed class TwoReplicas : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private SimulatedFleet _fleet = null!;
    private DirectoryInfo _dir = null!;

    public RedisServer Redis { get; private set; } = null!;

    public ServerProcess A { get; private set; } = null!;

    public ServerProcess B { get; private set; } = null!;

    public Dictionary<string, string?> Settings { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        Redis = await RedisServer.StartAsync();
        _fleet = await SimulatedFleet.StartAsync(new FleetOptions { Scenario = "minimal", Pods = 20, ActivityInterval = TimeSpan.Zero });
        _dir = Directory.CreateTempSubdirectory("replicas-");
        var kubeconfig = Path.Combine(_dir.FullName, "kubeconfig");
        _fleet.WriteKubeconfig(kubeconfig);
        Settings = new()
        {
            ["ConnectionStrings__Dashboard"] = _database.ConnectionString,
            ["ConnectionStrings__Redis"] = Redis.Configuration,
            ["Clusters__Kubeconfigs__0"] = kubeconfig,
            ["Clusters__UseKubeconfigEnvironment"] = "false",
        };
        A = await ServerProcess.StartAsync(Settings);
        B = await ServerProcess.StartAsync(Settings);
        await ReadyAsync(A);
        await ReadyAsync(B);
    }

    public static async Task<JsonElement> ReadyAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        JsonElement body = default;
        await Network.WaitUntilAsync(async () =>
        {
            using var response = await http.GetAsync("readyz");
            body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60), "/readyz");
        return body;
    }

    public static async Task<string> TokenAsync(ServerProcess server, string user, string password)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.PostAsJsonAsync("api/session", new { username = user, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    public static HubConnection Hub(ServerProcess server, string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(server.BaseAddress, FleetHubRoute.Path), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
        .Build();

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Redis.DisposeAsync();
        await _fleet.DisposeAsync();
        await _database.DisposeAsync();
        _dir.Delete(recursive: true);
    }
}

/// <summary>
/// Several replicas: what happens through one reaches the connections held by the other (through Redis), and
/// each serves on its own when the other goes.
/// </summary>
public sealed class ReplicaTests(TwoReplicas replicas) : IClassFixture<TwoReplicas>
{
    private const string Password = "Replica-user-pass-1";

    [Fact]
    public async Task A_user_disabled_through_replica_A_loses_the_live_connection_held_on_replica_B_within_5_seconds()
    {
        using var adminA = await replicas.A.ApiClientAsync();
        var user = (await (await adminA.PostAsJsonAsync("/api/admin/users", new CreateUserRequest("dora", Password))).Content.ReadFromJsonAsync<UserSummary>())!;
        var team = (await (await adminA.PostAsJsonAsync("/api/admin/teams", new TeamRequest("dora-team", null))).Content.ReadFromJsonAsync<TeamSummary>())!;
        (await adminA.PostAsJsonAsync($"/api/admin/teams/{team.Id}/members", new AddMemberRequest("dora"))).EnsureSuccessStatusCode();
        (await adminA.PostAsJsonAsync($"/api/admin/teams/{team.Id}/bindings", new BindingRequest(TeamRole.Viewer, "*", "*"))).EnsureSuccessStatusCode();

        await using var hub = TwoReplicas.Hub(replicas.B, await TwoReplicas.TokenAsync(replicas.B, "dora", Password));
        var reason = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<string>(nameof(IFleetClient.AccessChanged), r => reason.TrySetResult(r));
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        Assert.True((await hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), new ViewQuery("pods"))).Total > 0);

        var clock = Stopwatch.StartNew();
        (await adminA.PutAsJsonAsync($"/api/admin/users/{user.Id}/disabled", new SetDisabledRequest(true))).EnsureSuccessStatusCode();
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"closed after {clock.Elapsed}");
        Assert.Equal("signed-out", await reason.Task.WaitAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task An_audit_entry_written_through_replica_A_appears_live_on_a_client_of_replica_B()
    {
        await using var hub = TwoReplicas.Hub(replicas.B, await TwoReplicas.TokenAsync(replicas.B, "admin", ServerProcess.AdminPassword));
        var seen = new TaskCompletionSource<AuditRecordView>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<AuditRecordView>(nameof(IFleetClient.AuditAppended), record =>
        {
            if (record.Target.Name == "written-through-a")
            {
                seen.TrySetResult(record);
            }
        });
        await hub.StartAsync();
        await hub.InvokeAsync(nameof(IFleetHub.SubscribeAudit));

        using var adminA = await replicas.A.ApiClientAsync();
        (await adminA.PostAsJsonAsync("/api/admin/teams", new TeamRequest("written-through-a", null))).EnsureSuccessStatusCode();

        var record = await seen.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("admin", record.Actor.UserName);
        Assert.Equal("team.create", record.Action);
    }

    [Fact]
    public async Task Killing_replica_A_leaves_replica_B_serving_its_connections_and_new_ones()
    {
        await using var hub = TwoReplicas.Hub(replicas.B, await TwoReplicas.TokenAsync(replicas.B, "admin", ServerProcess.AdminPassword));
        await hub.StartAsync();
        try
        {
            await replicas.A.StopAsync();

            Assert.True((await hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), new ViewQuery("pods"))).Total > 0);
            var ready = await TwoReplicas.ReadyAsync(replicas.B);
            Assert.Equal("Healthy", ready.GetProperty("status").GetString());
            using var adminB = await replicas.B.ApiClientAsync();
            Assert.Equal(HttpStatusCode.OK, (await adminB.GetAsync("/api/clusters")).StatusCode);
        }
        finally
        {
            await replicas.A.StartAgainAsync();
        }
    }
}

/// <summary>Redis trouble: unreachable at startup stops the server with the setting named; lost later, the replica goes on, degraded.</summary>
public sealed class RedisTroubleTests
{
    [Fact]
    public async Task An_unreachable_Redis_at_startup_stops_the_server_with_an_error_naming_the_setting()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var nobody = $"127.0.0.1:{Network.FreePort()}";
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Dashboard"] = database.ConnectionString,
            ["ConnectionStrings__Redis"] = nobody,
            ["Clusters__Demo"] = "false",
        }));

        Assert.Contains("exited during startup", e.Message, StringComparison.Ordinal);
        Assert.Contains($"ConnectionStrings:Redis names Redis at {nobody}, which could not be reached", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Losing_Redis_at_run_time_leaves_the_replica_serving_and_ready_but_degraded_with_the_reason()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var redis = await RedisServer.StartAsync();
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Dashboard"] = database.ConnectionString,
            ["ConnectionStrings__Redis"] = redis.Configuration,
            ["Clusters__Demo"] = "false",
        });
        await using var hub = TwoReplicas.Hub(server, await TwoReplicas.TokenAsync(server, "admin", ServerProcess.AdminPassword));
        await hub.StartAsync();
        Assert.Equal("Healthy", (await TwoReplicas.ReadyAsync(server)).GetProperty("status").GetString());

        await redis.DisposeAsync();

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        JsonElement body = default;
        await Network.WaitUntilAsync(async () =>
        {
            using var response = await http.GetAsync("readyz");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return body.GetProperty("status").GetString() == "Degraded";
        }, TimeSpan.FromSeconds(20), "/readyz to say Degraded");
        var replicasCheck = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "replicas");
        Assert.Contains("Redis (ConnectionStrings:Redis) unreachable", replicasCheck.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("Lost Redis", server.Output, StringComparison.Ordinal);

        // Its own connections and requests go on.
        Assert.Equal(0, (await hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), new ViewQuery("pods"))).Total);
        using var admin = await server.ApiClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/clusters")).StatusCode);
    }
}
