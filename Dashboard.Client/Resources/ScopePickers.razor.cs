using Dashboard.Client.Live;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Resources;

/// <summary>
/// Cluster and namespace pickers: the clusters from GET /api/clusters, the namespaces from a live view of
/// the namespaces the user sees (of the chosen clusters, when some are chosen). Both lists hold the chosen
/// values too, so a link naming a cluster that is not (yet) known still shows it, and it can be removed.
/// </summary>
public sealed partial class ScopePickers : IAsyncDisposable
{
    /// <summary>More namespaces than any fleet screen should list; the picker is a convenience, the filter still works.</summary>
    private const int NamespaceLimit = 1000;

    private IReadOnlyList<string> _clusterNames = [];
    private LiveViewModel? _namespaceView;
    private bool _namespacesOpening;

    [Inject]
    public required Dashboard.Client.Access.DashboardApi Api { get; set; }

    [Inject]
    public required LiveViews Views { get; set; }

    [Parameter]
    public IReadOnlyList<string> Clusters { get; set; } = [];

    [Parameter]
    public EventCallback<IReadOnlyList<string>> ClustersChanged { get; set; }

    [Parameter]
    public IReadOnlyList<string> Namespaces { get; set; } = [];

    [Parameter]
    public EventCallback<IReadOnlyList<string>> NamespacesChanged { get; set; }

    /// <summary>False for cluster-scoped kinds: they have no namespace to pick.</summary>
    [Parameter]
    public bool ShowNamespaces { get; set; }

    private IEnumerable<string> ClusterItems => _clusterNames.Union(Clusters, StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase);

    private IEnumerable<string> NamespaceItems =>
        (_namespaceView?.Rows ?? [])
            .Where(r => Clusters.Count == 0 || Clusters.Contains(r.Cluster, StringComparer.Ordinal))
            .Select(r => r.Name)
            .Union(Namespaces, StringComparer.Ordinal)
            .Order(StringComparer.OrdinalIgnoreCase);

    protected override async Task OnInitializedAsync()
    {
        try
        {
            var clusters = await Api.GetAsync<Dashboard.Shared.Fleet.ClusterSummary[]>("api/clusters");
            _clusterNames = clusters?.Select(c => c.Name).ToList() ?? [];
        }
        catch (Exception e) when (e is HttpRequestException or Dashboard.Client.Access.ApiException or System.Text.Json.JsonException or NotSupportedException)
        {
            _clusterNames = []; // the picker then offers only what the address names; the table still works
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (ShowNamespaces && _namespaceView is null && !_namespacesOpening)
        {
            _namespacesOpening = true;
            try
            {
                _namespaceView = await Views.OpenAsync(new ViewQuery("namespaces", Count: NamespaceLimit));
                _namespaceView.Changed += OnNamespacesViewChanged;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A user who sees no namespace object (a namespace-limited grant) gets an empty list: the chosen ones still show.
            }
        }
    }

    private void OnNamespacesViewChanged() => _ = InvokeAsync(StateHasChanged);

    private Task OnClustersChangedAsync(IEnumerable<string>? values) => ClustersChanged.InvokeAsync(Ordered(values));

    private Task OnNamespacesChangedAsync(IEnumerable<string>? values) => NamespacesChanged.InvokeAsync(Ordered(values));

    private static List<string> Ordered(IEnumerable<string>? values) =>
        (values ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private static string Summary(IReadOnlyList<string> values) => values.Count switch
    {
        0 => "",
        <= 2 => string.Join(", ", values),
        _ => $"{values[0]} and {values.Count - 1} more",
    };

    public async ValueTask DisposeAsync()
    {
        if (_namespaceView is not null)
        {
            _namespaceView.Changed -= OnNamespacesViewChanged;
            await _namespaceView.DisposeAsync();
        }
    }
}
