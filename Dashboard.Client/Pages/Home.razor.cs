using Dashboard.Client.Live;
using Dashboard.Client.Pages.Fleet;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>
/// The fleet overview: the aggregates the server pushes (at most once a second), shown as totals, clusters
/// grouped by provider or environment, charts and the problems anywhere in the user's scope.
/// </summary>
public sealed partial class Home : IDisposable
{
    /// <summary>Ages ("data from 5m ago") move on even when nothing is pushed.</summary>
    private static readonly TimeSpan ClockInterval = TimeSpan.FromSeconds(15);

    private FleetOverviewViewModel? _overview;
    private FleetGrouping _grouping = FleetGrouping.Provider;
    private DateTimeOffset _now;
    private IDisposable? _updates;
    private ITimer? _clock;

    [Inject]
    private IFleetConnection Connection { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    protected override async Task OnInitializedAsync()
    {
        _now = Time.GetUtcNow();
        Connection.Changed += OnChanged;
        Connection.Reconnected += SubscribeAsync;
        _updates = Connection.On<FleetAggregates>(nameof(IFleetClient.AggregatesChanged), a => _ = InvokeAsync(() => Show(a)));
        _clock = Time.CreateTimer(_ => _ = InvokeAsync(() =>
        {
            _now = Time.GetUtcNow();
            StateHasChanged();
        }), null, ClockInterval, ClockInterval);
        await SubscribeAsync();
    }

    private async Task SubscribeAsync()
    {
        var aggregates = await Connection.InvokeAsync<FleetAggregates>(nameof(IFleetHub.SubscribeAggregates));
        await InvokeAsync(() => Show(aggregates));
    }

    private void Show(FleetAggregates aggregates)
    {
        _overview = new FleetOverviewViewModel(aggregates);
        _now = Time.GetUtcNow();
        StateHasChanged();
    }

    private void GroupingChanged(FleetGrouping grouping) => _grouping = grouping;

    private void OnChanged() => _ = InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        Connection.Changed -= OnChanged;
        Connection.Reconnected -= SubscribeAsync;
        _updates?.Dispose();
        _clock?.Dispose();
    }
}
