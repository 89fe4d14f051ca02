using Dashboard.Client.Live;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Server.Tests.Fleet;
using Dashboard.Shared.Live;
using Dashboard.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Live;

/// <summary>
/// The live push end to end: the real hub, the real client store, and the fleet store changing underneath
/// (changes are made straight in the server's store, so the test knows the truth at every moment).
/// </summary>
public sealed class LivePushTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private DashboardFactory _factory = null!;
    private FleetStore _store = null!;
    private string _token = "";
    private readonly Interner _interner = new();
    private readonly Random _random = new(7);

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        _factory = new DashboardFactory(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = _database.ConnectionString });
        _ = _factory.Server;
        _store = _factory.Services.GetRequiredService<FleetStore>();
        _token = await _factory.TokenAsync();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    private HubConnection NewHub() => _factory.Hub(_token);

    /// <summary>Random upserts and deletes of pods in two clusters, each a real change (a new resourceVersion).</summary>
    private void Churn(int changes)
    {
        for (var i = 0; i < changes; i++)
        {
            var cluster = _random.Next(2) == 0 ? "aws-prod" : "gcp-staging";
            var n = _random.Next(200);
            if (_random.Next(10) == 0)
            {
                _store.Delete(cluster, "Pod", $"uid-{n}");
            }
            else
            {
                _store.Upsert(Objects.Project("pods", Objects.PodJson($"pod-{n:D3}", $"uid-{n}", node: $"node-{_random.Next(5)}",
                    rv: $"{i + 10}", restarts: _random.Next(5)), _interner, cluster));
            }
        }
    }

    private IReadOnlyList<string> Truth() =>
        _store.List("Pod").OrderBy(p => p.Meta.Name, StringComparer.Ordinal).ThenBy(p => p.Meta.Cluster, StringComparer.Ordinal)
            .Select(p => $"{p.Meta.Cluster}/{p.Meta.Uid}@{p.Meta.ResourceVersion}").ToList();

    private static IReadOnlyList<string> Seen(LiveViewModel view) => view.Rows.Select(r => $"{r.Key}@{r.Version}").ToList();

    private static async Task AssertSameAsync(Func<IReadOnlyList<string>> truth, LiveViewModel view, Func<int>? total = null)
    {
        total ??= () => truth().Count;
        try
        {
            await Network.WaitUntilAsync(() => Task.FromResult(truth().SequenceEqual(Seen(view)) && view.Total == total()),
                TimeSpan.FromSeconds(20), "the browser's view to equal the server's store");
        }
        catch (TimeoutException e)
        {
            Assert.Equal(truth(), Seen(view)); // shows the difference
            Assert.Fail($"{e.Message}: the rows are equal but the total is {view.Total}, not {total()}");
        }
    }

    [Fact]
    public async Task Under_sustained_churn_the_client_ends_with_exactly_the_servers_state()
    {
        await using var hub = NewHub();
        await hub.StartAsync();
        var views = new LiveViews(new HubFleetConnection(hub));
        var view = await views.OpenAsync(new ViewQuery("pods", Count: 500));
        var applied = 0;
        view.Changed += () => applied++;

        for (var round = 0; round < 20; round++)
        {
            Churn(250);
            await Task.Delay(30);
        }

        await AssertSameAsync(Truth, view);
        Assert.Equal(view.Rows.Count, view.Rows.Select(r => r.Key).Distinct().Count());
        Assert.True(applied < 5000 / 10, $"changes are batched ({applied} batches for 5000 changes)");
    }

    [Fact]
    public async Task A_connection_killed_mid_stream_recovers_without_loss_or_duplicates()
    {
        await using var hub = NewHub();
        await hub.StartAsync();
        var connection = new HubFleetConnection(hub);
        var views = new LiveViews(connection);
        var view = await views.OpenAsync(new ViewQuery("pods", Count: 500, Sort: "Name"));
        Churn(500);
        await AssertSameAsync(Truth, view);

        var churn = Task.Run(async () =>
        {
            for (var round = 0; round < 10; round++)
            {
                Churn(100);
                await Task.Delay(20);
            }
        });
        await connection.ReconnectAsync();
        await churn;

        await AssertSameAsync(Truth, view);
        Assert.Equal(view.Rows.Count, view.Rows.Select(r => r.Key).Distinct().Count());
    }

    [Fact]
    public async Task A_window_sees_only_its_rows_and_the_total()
    {
        Churn(2000);
        await using var hub = NewHub();
        await hub.StartAsync();
        var views = new LiveViews(new HubFleetConnection(hub));
        var view = await views.OpenAsync(new ViewQuery("pods", Sort: "Name", Descending: true, Offset: 10, Count: 20, Text: "pod-1"));

        IReadOnlyList<string> WindowTruth() => _store.List("Pod").Where(p => p.Meta.Name.Contains("pod-1", StringComparison.Ordinal))
            .OrderByDescending(p => p.Meta.Name, StringComparer.Ordinal).ThenBy(p => p.Meta.Cluster, StringComparer.Ordinal)
            .Skip(10).Take(20).Select(p => $"{p.Meta.Cluster}/{p.Meta.Uid}@{p.Meta.ResourceVersion}").ToList();

        int Matching() => _store.List("Pod").Count(p => p.Meta.Name.Contains("pod-1", StringComparison.Ordinal));
        await AssertSameAsync(WindowTruth, view, Matching);
        Assert.Equal(20, view.Rows.Count);
        Churn(500);
        await AssertSameAsync(WindowTruth, view, Matching);
    }
}
