using Dashboard.Client.Live;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using Microsoft.JSInterop;

namespace Dashboard.Client.Resources;

/// <summary>
/// The one table every kind is shown in: virtualized, and bound to a live view on the server whose window
/// follows the rows in sight (clusters, namespaces, filter, sort and the window are the server's work).
/// Re-rendered at most every 100 ms however fast rows change. What it shows starts from
/// <see cref="InitialState"/> and every change is reported through <see cref="StateChanged"/> (the page
/// keeps it in the address).
/// </summary>
public sealed partial class LiveResourceTable : IHandleEvent
{
    private const float RowHeight = 37;
    private static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(100);

    private LiveViewModel? _view;
    private Virtualize<ViewRow>? _virtualize;
    private IReadOnlyList<string> _clusters = [];
    private IReadOnlyList<string> _namespaces = [];
    private string? _text;
    private string? _sort;
    private bool _descending;
    private string? _error;
    private bool _renderPending;
    private bool _reportPending;
    private bool _chooserOpen;
    private Dictionary<string, bool> _shown = [];
    private ColumnPreference? _preference;

    [Inject]
    public required LiveViews Views { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    [Inject]
    public required IJSRuntime Js { get; set; }

    /// <summary>The kind's plural resource name, e.g. "deployments".</summary>
    [Parameter]
    [EditorRequired]
    public required string Kind { get; set; }

    [Parameter]
    [EditorRequired]
    public required string Title { get; set; }

    /// <summary>What to show first (read once: a new state needs a new table, e.g. through <c>@key</c>).</summary>
    [Parameter]
    public ResourceListState InitialState { get; set; } = ResourceListState.Empty;

    /// <summary>Raised after the user changed clusters, namespaces, filter or sort.</summary>
    [Parameter]
    public EventCallback<ResourceListState> StateChanged { get; set; }

    /// <summary>The first window asked for, before the browser has measured how many rows are in sight.</summary>
    [Parameter]
    public int InitialCount { get; set; } = 50;

    [Parameter]
    public string Height { get; set; } = "calc(100vh - 230px)";

    private string? SortColumn => _sort ?? "Name";

    private ColumnPreference Preference => _preference ??= new(Js);

    /// <summary>Whether the kind lives in namespaces, as its columns tell (cluster-scoped kinds have no Namespace column).</summary>
    private bool Namespaced => _view?.Columns.Any(c => c.Name == "Namespace") ?? _namespaces.Count > 0;

    private ResourceListState State => new(_clusters, _namespaces, _text, _sort, _descending);

    private IEnumerable<(ViewColumn Column, int Index)> VisibleColumns =>
        (_view?.Columns ?? []).Select((c, i) => (c, i)).Where(c => IsShown(c.c));

    private string EmptyText =>
        !string.IsNullOrWhiteSpace(_text) ? $"No {Title.ToLowerInvariant()} match \"{_text}\"."
        : _clusters.Count + _namespaces.Count > 0 ? $"No {Title.ToLowerInvariant()} in the chosen clusters and namespaces."
        : $"No {Title.ToLowerInvariant()} in the fleet.";

    private bool IsShown(ViewColumn column) =>
        column.Name == ColumnChooser.AlwaysShown || (_shown.TryGetValue(column.Name, out var shown) ? shown : column.Priority == 0);

    protected override async Task OnInitializedAsync()
    {
        (_clusters, _namespaces, _text, _sort, _descending) =
            (InitialState.Clusters, InitialState.Namespaces, InitialState.Text, InitialState.Sort, InitialState.Descending);
        try
        {
            // The view is asked for first: the server's answer is the longer wait.
            var opening = Views.OpenAsync(Query(0, InitialCount));
            _shown = await Preference.LoadAsync(Kind);
            _view = await opening;
            _view.Changed += OnViewChanged;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _error = $"The live view could not be opened: {e.Message}";
        }
    }

    private ViewQuery Query(int offset, int count) =>
        new(Kind, Clusters: _clusters.Count == 0 ? null : _clusters, Namespaces: _namespaces.Count == 0 ? null : _namespaces,
            Text: _text, Sort: _sort, Descending: _descending, Offset: offset, Count: count);

    /// <summary>
    /// Asked by the virtualizer for the rows in sight: served from the view when its window holds them, else
    /// the server's window moves there first.
    /// </summary>
    private async ValueTask<ItemsProviderResult<ViewRow>> ProvideRowsAsync(ItemsProviderRequest request)
    {
        if (_view is null)
        {
            return new([], 0);
        }

        var wanted = Math.Max(request.Count, 1);
        var holds = request.StartIndex >= _view.Offset &&
                    request.StartIndex + wanted <= _view.Offset + Math.Max(_view.Rows.Count, _view.Query.Count);
        if (!holds)
        {
            try
            {
                // Ask for a little more than in sight, so small scrolls need no round trip.
                var offset = Math.Max(0, request.StartIndex - 10);
                await _view.ChangeAsync(Query(offset, wanted + 30));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _error = $"The view could not be moved: {e.Message}";
            }
        }

        var skip = Math.Max(0, request.StartIndex - _view.Offset);
        return new(_view.Rows.Skip(skip).Take(wanted).ToList(), _view.Total);
    }

    /// <summary>
    /// The user changed what the view holds: the request to the server goes first and nothing is rendered
    /// before it has gone (see <see cref="IHandleEvent.HandleEventAsync"/>); the rows are shown as soon as
    /// the answer is in, and whoever keeps the state hears after that (the page writes the address, which
    /// re-renders it).
    /// </summary>
    private async Task ChangeAsync()
    {
        if (_view is not null)
        {
            try
            {
                _error = null;
                await _view.ChangeAsync(Query(0, Math.Max(_view.Query.Count, InitialCount)));
                if (_virtualize is not null)
                {
                    await _virtualize.RefreshDataAsync();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _error = $"The view could not be changed: {e.Message}";
            }
        }

        ReportStateSoon();
    }

    /// <summary>
    /// Tells whoever keeps the state, a render interval later (the browser paints the rows first; a burst
    /// of changes, keystrokes say, is told once).
    /// </summary>
    private void ReportStateSoon()
    {
        if (_reportPending)
        {
            return;
        }

        _reportPending = true;
        _ = ReportStateAsync();
    }

    private async Task ReportStateAsync()
    {
        await Task.Delay(RenderInterval, Time);
        _reportPending = false;
        await InvokeAsync(() => StateChanged.InvokeAsync(State));
    }

    /// <summary>
    /// An event handler's work first, then one render: unlike ComponentBase, no render of the whole table
    /// between the handler's first step and its end, which would hold back the hub request it just queued
    /// (WebAssembly runs on one thread: the request goes out only once the handler yields).
    /// </summary>
    async Task IHandleEvent.HandleEventAsync(EventCallbackWorkItem callback, object? arg)
    {
        await callback.InvokeAsync(arg);
        StateHasChanged();
    }

    private Task OnTextChanged(string? text)
    {
        _text = string.IsNullOrEmpty(text) ? null : text;
        return ChangeAsync();
    }

    private Task OnClustersChangedAsync(IReadOnlyList<string> clusters)
    {
        _clusters = clusters;
        return ChangeAsync();
    }

    private Task OnNamespacesChangedAsync(IReadOnlyList<string> namespaces)
    {
        _namespaces = namespaces;
        return ChangeAsync();
    }

    private Task SortByAsync(string column)
    {
        _descending = string.Equals(SortColumn, column, StringComparison.OrdinalIgnoreCase) && !_descending;
        _sort = column;
        return ChangeAsync();
    }

    private async Task OnColumnToggledAsync((string Column, bool Shown) toggle)
    {
        _shown[toggle.Column] = toggle.Shown;
        await Preference.SaveAsync(Kind, _shown);
    }

    private void OnViewChanged()
    {
        if (_renderPending)
        {
            return;
        }

        _renderPending = true;
        _ = RenderSoonAsync();
    }

    private async Task RenderSoonAsync()
    {
        await Task.Delay(RenderInterval, Time);
        _renderPending = false;
        await InvokeAsync(async () =>
        {
            if (_virtualize is not null)
            {
                await _virtualize.RefreshDataAsync();
            }

            StateHasChanged();
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_view is not null)
        {
            _view.Changed -= OnViewChanged;
            await _view.DisposeAsync();
        }
    }
}
