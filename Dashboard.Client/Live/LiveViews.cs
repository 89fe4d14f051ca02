using Dashboard.Shared.Live;

namespace Dashboard.Client.Live;

/// <summary>
/// The browser's store of live views: it opens subscriptions, routes each pushed delta to its view, and
/// resumes every open view after a reconnect. Components hold a <see cref="LiveViewModel"/> and listen to it.
/// </summary>
public sealed class LiveViews : IDisposable
{
    private readonly IFleetConnection _connection;
    private readonly Dictionary<string, LiveViewModel> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ViewDelta>> _early = new(StringComparer.Ordinal);
    private readonly IDisposable _deltas;

    public LiveViews(IFleetConnection connection)
    {
        _connection = connection;
        _deltas = connection.On<ViewDelta>(nameof(IFleetClient.ViewChanged), OnDelta);
        connection.Reconnected += ResumeAllAsync;
    }

    public async Task<LiveViewModel> OpenAsync(ViewQuery query)
    {
        var snapshot = await _connection.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), query);
        var view = new LiveViewModel(this, query);
        _open[snapshot.SubscriptionId] = view;
        Accept(view, snapshot);
        return view;
    }

    internal async Task ChangeAsync(LiveViewModel view, ViewQuery query)
    {
        var snapshot = await _connection.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.ChangeView), view.SubscriptionId, query);
        view.Query = query;
        Accept(view, snapshot);
    }

    internal async Task ResumeAsync(LiveViewModel view)
    {
        var snapshot = await _connection.InvokeAsync<ViewSnapshot?>(nameof(IFleetHub.Resume), view.SubscriptionId,
            view.NeedsSnapshot ? -1L : view.Sequence, view.Query);
        if (snapshot is not null)
        {
            Accept(view, snapshot);
        }
    }

    internal async Task CloseAsync(LiveViewModel view)
    {
        if (_open.Remove(view.SubscriptionId))
        {
            await _connection.SendAsync(nameof(IFleetHub.Unsubscribe), view.SubscriptionId);
        }
    }

    private void Accept(LiveViewModel view, ViewSnapshot snapshot)
    {
        view.ApplySnapshot(snapshot);
        if (_early.Remove(snapshot.SubscriptionId, out var early))
        {
            foreach (var delta in early.OrderBy(d => d.Sequence))
            {
                OnDelta(delta);
            }
        }
    }

    private void OnDelta(ViewDelta delta)
    {
        if (!_open.TryGetValue(delta.SubscriptionId, out var view))
        {
            // A delta can overtake the answer to Subscribe; keep it until the snapshot is in.
            if (!_early.TryGetValue(delta.SubscriptionId, out var list))
            {
                _early[delta.SubscriptionId] = list = [];
            }

            list.Add(delta);
            return;
        }

        if (!view.TryApply(delta))
        {
            _ = ResumeAsync(view); // a gap: ask for what was missed (or a fresh snapshot)
        }
    }

    private async Task ResumeAllAsync()
    {
        foreach (var view in _open.Values.ToList())
        {
            await ResumeAsync(view);
        }
    }

    public void Dispose()
    {
        _deltas.Dispose();
        _connection.Reconnected -= ResumeAllAsync;
    }
}

/// <summary>One live view as the browser holds it: the columns, the rows of its window, the total.</summary>
public sealed class LiveViewModel(LiveViews owner, ViewQuery query) : IAsyncDisposable
{
    private Dictionary<string, ViewRow> _rows = new(StringComparer.Ordinal);

    public string SubscriptionId { get; private set; } = "";

    public ViewQuery Query { get; internal set; } = query;

    public long Sequence { get; private set; }

    public int Total { get; private set; }

    public int Offset { get; private set; }

    public IReadOnlyList<ViewColumn> Columns { get; private set; } = [];

    public IReadOnlyList<ViewRow> Rows { get; private set; } = [];

    /// <summary>Raised after every applied snapshot or delta (components throttle their re-render).</summary>
    public event Action? Changed;

    internal bool NeedsSnapshot { get; private set; }

    public Task ChangeAsync(ViewQuery query) => owner.ChangeAsync(this, query);

    internal void ApplySnapshot(ViewSnapshot snapshot)
    {
        SubscriptionId = snapshot.SubscriptionId;
        Sequence = snapshot.Sequence;
        Total = snapshot.Total;
        Offset = snapshot.Offset;
        Columns = snapshot.Columns;
        Rows = snapshot.Rows;
        _rows = snapshot.Rows.ToDictionary(r => r.Key, StringComparer.Ordinal);
        NeedsSnapshot = false;
        Changed?.Invoke();
    }

    /// <summary>Applies the next delta; false when one is missing before it (the caller resumes).</summary>
    internal bool TryApply(ViewDelta delta)
    {
        if (delta.Sequence <= Sequence)
        {
            return true; // already applied (sent again after a resume)
        }

        if (delta.Sequence != Sequence + 1)
        {
            return false;
        }

        foreach (var row in delta.Changed)
        {
            _rows[row.Key] = row;
        }

        var rows = new List<ViewRow>(delta.WindowKeys.Count);
        foreach (var key in delta.WindowKeys)
        {
            if (!_rows.TryGetValue(key, out var row))
            {
                NeedsSnapshot = true; // the server thinks we hold a row we do not: start again from a snapshot
                return false;
            }

            rows.Add(row);
        }

        _rows = rows.ToDictionary(r => r.Key, StringComparer.Ordinal);
        Rows = rows;
        Total = delta.Total;
        Offset = delta.Offset;
        Sequence = delta.Sequence;
        Changed?.Invoke();
        return true;
    }

    public ValueTask DisposeAsync() => new(owner.CloseAsync(this));
}
