using Dashboard.Client.Live;
using Dashboard.Shared.Live;

namespace Dashboard.Client.Tests;

public sealed class LiveViewsTests
{
    private static readonly ViewColumn[] Columns = [new("Name", "text", 0), new("Ready", "text", 0)];

    private readonly FakeFleetConnection _connection = new();
    private readonly LiveViews _views;

    public LiveViewsTests() => _views = new LiveViews(_connection);

    private static ViewRow Row(string name, string version, string ready = "1/1") => new($"c/{name}", "c", "ns", name, version, [name, ready]);

    private static ViewSnapshot Snapshot(long sequence, params ViewRow[] rows) => new("s1", sequence, rows.Length, 0, Columns, rows);

    private async Task<LiveViewModel> OpenAsync(ViewSnapshot snapshot)
    {
        _connection.Server = (method, _) => method == nameof(IFleetHub.Subscribe) ? snapshot : null;
        return await _views.OpenAsync(new ViewQuery("pods"));
    }

    [Fact]
    public async Task Deltas_apply_in_order_and_a_repeated_one_is_ignored()
    {
        var view = await OpenAsync(Snapshot(1, Row("a", "1"), Row("b", "1")));

        _connection.Push(nameof(IFleetClient.ViewChanged), new ViewDelta("s1", 2, 3, 0, ["c/a", "c/b", "c/c"], [Row("c", "1")]));
        _connection.Push(nameof(IFleetClient.ViewChanged), new ViewDelta("s1", 3, 2, 0, ["c/b", "c/c"], [Row("b", "2", "0/1")]));
        _connection.Push(nameof(IFleetClient.ViewChanged), new ViewDelta("s1", 3, 2, 0, ["c/b", "c/c"], [Row("b", "2", "0/1")]));

        Assert.Equal(3, view.Sequence);
        Assert.Equal(2, view.Total);
        Assert.Equal(["b", "c"], view.Rows.Select(r => r.Name));
        Assert.Equal("0/1", view.Rows[0].Cells[1]);
        Assert.DoesNotContain(_connection.Calls, c => c.Method == nameof(IFleetHub.Resume));
    }

    [Fact]
    public async Task A_gap_asks_the_server_to_resume_from_the_last_applied_sequence()
    {
        var view = await OpenAsync(Snapshot(1, Row("a", "1")));
        _connection.Server = (method, _) => method == nameof(IFleetHub.Resume) ? Snapshot(9, Row("a", "5"), Row("z", "1")) : null;

        _connection.Push(nameof(IFleetClient.ViewChanged), new ViewDelta("s1", 3, 1, 0, ["c/a"], []));

        var resume = Assert.Single(_connection.Calls, c => c.Method == nameof(IFleetHub.Resume));
        Assert.Equal(1L, resume.Args[1]);
        Assert.Equal(9, view.Sequence);
        Assert.Equal(["a", "z"], view.Rows.Select(r => r.Name));
    }

    [Fact]
    public async Task A_delta_that_overtakes_the_snapshot_is_applied_after_it()
    {
        _connection.Push(nameof(IFleetClient.ViewChanged), new ViewDelta("s1", 2, 2, 0, ["c/a", "c/b"], [Row("b", "1")]));

        var view = await OpenAsync(Snapshot(1, Row("a", "1")));

        Assert.Equal(2, view.Sequence);
        Assert.Equal(["a", "b"], view.Rows.Select(r => r.Name));
    }

    [Fact]
    public async Task After_a_reconnect_every_open_view_resumes()
    {
        var view = await OpenAsync(Snapshot(4, Row("a", "1")));
        _connection.Server = (method, _) => method == nameof(IFleetHub.Resume) ? null : throw new InvalidOperationException(method);

        await _connection.RaiseReconnectedAsync();

        var resume = Assert.Single(_connection.Calls, c => c.Method == nameof(IFleetHub.Resume));
        Assert.Equal(["s1", 4L], resume.Args.Take(2));
        Assert.Equal(4, view.Sequence);
    }

    [Fact]
    public async Task Closing_a_view_unsubscribes_it()
    {
        var view = await OpenAsync(Snapshot(1));

        await view.DisposeAsync();

        Assert.Contains(_connection.Calls, c => c.Method == nameof(IFleetHub.Unsubscribe) && (string)c.Args[0]! == "s1");
    }
}
