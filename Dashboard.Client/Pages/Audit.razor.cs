using System.Globalization;
using Dashboard.Client.Access;
using Dashboard.Shared.Audit;
using MudBlazor;

namespace Dashboard.Client.Pages;

/// <summary>
/// The audit history, newest first, within what the user may see (the server decides): filters, older pages
/// by keyset, CSV export of the same selection; new records the server pushes appear on top while it is open.
/// </summary>
public sealed partial class Audit : IDisposable
{
    private const int PageSize = 100;

    private AuditFilterState _filter = new();
    private List<AuditRecordView> _records = [];
    private long? _nextAfter;
    private IDisposable? _pushed;
    private bool _refreshing;

    [Microsoft.AspNetCore.Components.Inject]
    private Dashboard.Client.Live.IFleetConnection Connection { get; set; } = null!;

    private string CsvHref => $"api/audit.csv?{_filter.Query}";

    protected override async Task OnInitializedAsync()
    {
        // A pushed record says "something new you may see": the first page is read again with the filters.
        _pushed = Connection.On<AuditRecordView>(nameof(Dashboard.Shared.Live.IFleetClient.AuditAppended), record => _ = InvokeAsync(RefreshAsync));
        Connection.Reconnected += SubscribeAsync;
        _ = SubscribeAsync(); // waits for the connection, if need be; the page reads meanwhile
        await LoadAsync();
    }

    private async Task SubscribeAsync()
    {
        try
        {
            await Connection.SendAsync(nameof(Dashboard.Shared.Live.IFleetHub.SubscribeAudit));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // not connected yet: Reconnected subscribes again
        }
    }

    private async Task SetAsync(Func<AuditFilterState, AuditFilterState> change)
    {
        _filter = change(_filter);
        await LoadAsync();
    }

    private async Task LoadAsync() => await CallAsync(async () =>
    {
        var page = await Api.GetAsync<AuditPage>($"api/audit?{_filter.Query}&limit={PageSize}");
        _records = [.. page.Items];
        _nextAfter = page.NextAfter;
    });

    private async Task MoreAsync()
    {
        if (_nextAfter is not { } after)
        {
            return;
        }

        await CallAsync(async () =>
        {
            var page = await Api.GetAsync<AuditPage>($"api/audit?{_filter.Query}&limit={PageSize}&after={after}");
            _records.AddRange(page.Items);
            _nextAfter = page.NextAfter;
        });
    }

    /// <summary>New records on top (the first page again, merged: pages already read further down stay).</summary>
    private async Task RefreshAsync()
    {
        if (_refreshing)
        {
            return; // a burst of records is one read
        }

        _refreshing = true;
        try
        {
            var page = await Api.GetAsync<AuditPage>($"api/audit?{_filter.Query}&limit={PageSize}");
            var newest = _records.Count == 0 ? 0 : _records[0].Id;
            var fresh = page.Items.Where(r => r.Id > newest).ToList();
            if (fresh.Count > 0)
            {
                _records.InsertRange(0, fresh);
                StateHasChanged();
            }
        }
        catch (Exception e) when (e is ApiException or HttpRequestException)
        {
            // the next record tries again; a 401 has ended the session already
        }
        finally
        {
            _refreshing = false;
        }
    }

    private static string Target(AuditTargetView t) =>
        string.Join(" / ", new[] { t.Cluster, t.Namespace, t.Kind is null ? null : $"{t.Kind} {t.Name}".Trim() }.Where(s => !string.IsNullOrEmpty(s)));

    private static string Change(AuditRecordView r) => (r.Before, r.After) switch
    {
        (null, null) => "",
        ({ } before, null) => before,
        (null, { } after) => $"→ {after}",
        var (before, after) => $"{before} → {after}",
    };

    private static Color OutcomeColor(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Succeeded => Color.Success,
        AuditOutcome.Failed or AuditOutcome.Denied => Color.Error,
        AuditOutcome.Unknown => Color.Warning,
        _ => Color.Default,
    };

    public void Dispose()
    {
        _pushed?.Dispose();
        Connection.Reconnected -= SubscribeAsync;
    }

    /// <summary>The filters as the API's query string.</summary>
    private sealed record AuditFilterState(string? Text = null, string? User = null, string? Team = null, string? Cluster = null,
        string? Namespace = null, string? Kind = null, string? Action = null, string? Outcome = null, DateTime? From = null, DateTime? To = null)
    {
        public string Query => string.Join('&', new (string Key, string? Value)[]
            {
                ("text", Text), ("user", User), ("team", Team), ("cluster", Cluster), ("namespace", Namespace), ("kind", Kind), ("action", Action),
                ("outcome", Outcome),
                ("from", From?.ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture)),
                ("to", To?.AddDays(1).ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture)),
            }
            .Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!.Trim())}"));
    }
}
