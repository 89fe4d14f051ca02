using Dashboard.Client.Live;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Resources;

/// <summary>
/// The one table every kind is shown in: bound to a live view on the server (filter, sort and the page's
/// window are the server's work), re-rendered at most every 100 ms however fast rows change.
/// </summary>
public sealed partial class LiveResourceTable
{
    private static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(100);

    private LiveViewModel? _view;
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

    [Parameter]
    public int PageSize { get; set; } = 50;

    private string? SortColumn => _sort ?? "Name";

    private int Page => _view is null ? 1 : (_view.Offset / PageSize) + 1;

    private int Pages => _view is null ? 0 : Math.Max(1, (int)Math.Ceiling(_view.Total / (double)PageSize));

    private IEnumerable<(ViewColumn Column, int Index)> VisibleColumns =>
        (_view?.Columns ?? []).Select((c, i) => (c, i)).Where(c => c.c.Priority == 0);

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _view = await Views.OpenAsync(Query(0));
            _view.Changed += OnViewChanged;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _error = $"The live view could not be opened: {e.Message}";
        }
    }

    private ViewQuery Query(int offset) => new(Kind, Text: _text, Sort: _sort, Descending: _descending, Offset: offset, Count: PageSize);

    private async Task ChangeAsync(int offset)
    {
        if (_view is null)
        {
            return;
        }

        try
        {
            _error = null;
            await _view.ChangeAsync(Query(offset));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _error = $"The view could not be changed: {e.Message}";
        }
    }

    private Task OnTextChanged(string? text)
    {
        _text = text;
        return ChangeAsync(0);
    }

    private Task SortByAsync(string column)
    {
        _descending = string.Equals(SortColumn, column, StringComparison.OrdinalIgnoreCase) && !_descending;
        _sort = column;
        return ChangeAsync(0);
    }

    private Task GoToPageAsync(int page) => ChangeAsync((page - 1) * PageSize);

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
        await InvokeAsync(StateHasChanged);
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
