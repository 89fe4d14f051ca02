using Dashboard.Client.Live;
using Dashboard.Client.Resources;
using Dashboard.Shared.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Dashboard.Client.Tests;

public sealed class LiveResourceTableTests : BunitContext, IAsyncLifetime
{
    private readonly FakeFleetConnection _connection = new();
    private readonly FakeTimeProvider _time = new();

    public LiveResourceTableTests()
    {
        Services.AddMudServices();
        Services.AddSingleton<IFleetConnection>(_connection);
        Services.AddSingleton<TimeProvider>(_time);
        Services.AddSingleton<LiveViews>();
        Services.AddSingleton(new HttpClient(new FakeApiServer()) { BaseAddress = new Uri("http://localhost/") }); // the cluster picker's list
        Services.AddSingleton<Dashboard.Client.Access.CurrentSession>();
        Services.AddSingleton<Dashboard.Client.Access.DashboardApi>();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Rows_render_as_text_and_changes_arrive_in_place()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        _connection.Server = (method, args) => method switch
        {
            nameof(IFleetHub.Subscribe) => new ViewSnapshot("s1", 1, 1, 0,
                [new ViewColumn("Name", "text", 0), new ViewColumn("Status", "status", 0), new ViewColumn("IP", "text", 1)],
                [new ViewRow("c/1", "c", "ns", hostile, "1", [hostile, "Running", "10.0.0.1"])]),
            _ => null,
        };
        var table = Render<LiveResourceTable>(p => p.Add(t => t.Kind, "pods").Add(t => t.Title, "Pods"));

        table.WaitForAssertion(() => Assert.Single(table.FindAll("tbody tr[data-key]")));
        var cells = table.FindAll("tbody tr[data-key] td");
        Assert.Equal(2, cells.Count); // the wide column is hidden
        Assert.Equal(hostile, cells[0].TextContent.Trim());
        Assert.Empty(table.FindAll("tbody img"));
        Assert.Equal(["Name", "Status"], table.FindAll("thead th").Select(th => th.TextContent.Trim()));

        _connection.Push(nameof(IFleetClient.ViewChanged),
            new ViewDelta("s1", 2, 1, 0, ["c/1"], [new ViewRow("c/1", "c", "ns", hostile, "2", [hostile, "CrashLoopBackOff", "10.0.0.1"])]));
        _time.Advance(TimeSpan.FromMilliseconds(100)); // the throttled render

        table.WaitForAssertion(() => Assert.Equal("CrashLoopBackOff", table.FindAll("tbody tr[data-key] td")[1].TextContent.Trim()));
    }

    [Fact]
    public void Clicking_a_header_sorts_on_the_server()
    {
        _connection.Server = (method, args) => method is nameof(IFleetHub.Subscribe) or nameof(IFleetHub.ChangeView)
            ? new ViewSnapshot("s1", 1, 0, 0, [new ViewColumn("Name", "text", 0), new ViewColumn("Restarts", "number", 0)], [])
            : null;
        var table = Render<LiveResourceTable>(p => p.Add(t => t.Kind, "pods").Add(t => t.Title, "Pods"));
        table.WaitForAssertion(() => Assert.NotNull(table.Find("[data-testid=empty]")));

        table.Find("th[data-column=Restarts]").Click();
        table.Find("th[data-column=Restarts]").Click();

        var changes = _connection.Calls.Where(c => c.Method == nameof(IFleetHub.ChangeView)).Select(c => (ViewQuery)c.Args[1]!)
            .Where(q => q.Sort is not null).ToList();
        Assert.Equal([("Restarts", false), ("Restarts", true)], changes.Select(q => (q.Sort, q.Descending)));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
