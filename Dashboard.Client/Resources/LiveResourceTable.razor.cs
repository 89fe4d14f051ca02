using Dashboard.Client.Live;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web.Virtualization;

namespace Dashboard.Client.Resources;

/// <summary>
/// The one table every kind is shown in: virtualized, and bound to a live view on the server whose window
/// follows the rows in sight (filter, sort and the window are the server's work). Re-rendered at most every
/// 100 ms however fast rows change.
/// </summary>
public sealed partial class LiveResourceTable
{
    private const float RowHeight = 37;
    private static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(100);

    private LiveViewModel? _view;
    private Virtualize<ViewRow>? _virtualize;
    private string? _text;
    private string? _sort;
    private bool _descending;
    private string? _error;
    private bool _renderPending;

    [Inject]
    public required LiveViews Views { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    /// <summary>The kind's plural resource name, e.g. "deployments".</summary>
    [Parameter]
    [EditorRequired]
    public required string Kind { get; set; }

    [Parameter]
    [EditorRequired]
    public required string Title { get; set; }

    /// <summary>The first window asked for, before the browser has measured how many rows are in sight.</summary>
    [Parameter]
    public int InitialCount { get; set; } = 50;

    [Parameter]
    public string Height { get; set; } = "calc(100vh - 230px)";

    private string? SortColumn => _sort ?? "Name";

    private IEnumerable<(ViewColumn Column, int Index)> VisibleColumns =>
        (_view?.Columns ?? []).Select((c, i) => (c, i)).Where(c => c.c.Priority == 0);

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _view = await Views.OpenAsync(Query(0, InitialCount));
            _view.Changed += OnViewChanged;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _error = $"The live view could not be opened: {e.Message}";
        }
    }

    private ViewQuery Query(int offset, int count) =>
        new(Kind, Text: _text, Sort: _sort, Descending: _descending, Offset: offset, Count: count);

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

    private async Task ChangeAsync()
    {
        if (_view is null)
        {
            return;
        }

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

    private Task OnTextChanged(string? text)
    {
        _text = text;
        return ChangeAsync();
    }

    private Task SortByAsync(string column)
    {
        _descending = string.Equals(SortColumn, column, StringComparison.OrdinalIgnoreCase) && !_descending;
        _sort = column;
        return ChangeAsync();
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
