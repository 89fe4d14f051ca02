using Dashboard.Client.Access;
using Dashboard.Shared.Search;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Dashboard.Client.Search;

/// <summary>
/// Ctrl+K (or the app bar's button): any object by name across the fleet, within what the user may see (the
/// server filters). Each hit links to the object's detail page.
/// </summary>
public sealed partial class GlobalSearch
{
    private static readonly DialogOptions DialogOptions = new() { MaxWidth = MaxWidth.Small, FullWidth = true, Position = DialogPosition.TopCenter, CloseOnEscapeKey = true };

    private bool _open;
    private string _text = "";
    private List<SearchHit>? _hits;
    private string? _error;
    private IJSObjectReference? _module;
    private IJSObjectReference? _listener;
    private DotNetObjectReference<GlobalSearch>? _self;
    private CancellationTokenSource? _pending;

    [Inject]
    private DashboardApi Api { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    public static string Link(SearchHit hit) =>
        $"/resources/{Uri.EscapeDataString(hit.Plural)}/{Uri.EscapeDataString(hit.Cluster)}/{Uri.EscapeDataString(hit.Namespace ?? "-")}/{Uri.EscapeDataString(hit.Name)}";

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        try
        {
            _self = DotNetObjectReference.Create(this);
            _module = await JS.InvokeAsync<IJSObjectReference>("import", "./search.js");
            _listener = await _module.InvokeAsync<IJSObjectReference>("listen", _self);
        }
        catch (JSException)
        {
            // Without the shortcut the button still opens the search.
        }
    }

    [JSInvokable]
    public Task OpenFromShortcut() => InvokeAsync(OpenAsync);

    private Task OpenAsync()
    {
        _open = true;
        StateHasChanged();
        return Task.CompletedTask;
    }

    private void Close() => _open = false;

    private async Task OnTextChangedAsync(string value)
    {
        _text = value ?? "";
        var query = _text.Trim();
        if (_pending is not null)
        {
            await _pending.CancelAsync();
            _pending.Dispose();
        }

        _pending = new CancellationTokenSource();
        if (query.Length < 2)
        {
            _hits = null;
            _error = null;
            return;
        }

        try
        {
            _hits = await Api.GetAsync<List<SearchHit>>($"api/search?q={Uri.EscapeDataString(query)}&limit=20", _pending.Token);
            _error = null;
        }
        catch (ApiException e)
        {
            _error = e.Message;
        }
        catch (OperationCanceledException)
        {
            // a newer keystroke asked again
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_listener is not null)
            {
                await _listener.InvokeVoidAsync("dispose");
                await _listener.DisposeAsync();
            }

            if (_module is not null)
            {
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // the page is going away anyway
        }

        _self?.Dispose();
        _pending?.Dispose();
    }
}
