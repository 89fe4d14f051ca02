using Dashboard.Shared.Topology;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>
/// A namespace drawn as columns of boxes joined by arrows (SVG, no library): each kind in its column, each box
/// a link to the object's detail page. Live: the server pushes "this namespace changed" over the hub
/// (WatchNamespace), and the map is read again.
/// </summary>
public sealed partial class Topology
{
    internal static readonly string[] Columns = ["Ingresses", "Services", "Deployments", "ReplicaSets", "Pods", "Nodes"];
    private const int BoxWidth = 172;
    private const int BoxHeight = 42;
    private const int ColumnGap = 40;
    private const int RowGap = 14;
    private const int Top = 34;

    private TopologyGraph? _graph;
    private Dictionary<string, (int X, int Y)> _positions = new(StringComparer.Ordinal);
    private string _cluster = "";
    private string _namespace = "";
    private IDisposable? _pushed;
    private (string Cluster, string Namespace)? _watched;

    [Parameter]
    public string? Cluster { get; set; }

    [Parameter]
    public string? Namespace { get; set; }

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private Live.IFleetConnection Connection { get; set; } = null!;

    protected override async Task OnParametersSetAsync()
    {
        _cluster = Cluster ?? _cluster;
        _namespace = Namespace ?? (_namespace.Length == 0 ? "shop" : _namespace);
        if (Cluster is not null && Namespace is not null)
        {
            if (_pushed is null)
            {
                _pushed = Connection.On<Shared.Live.NamespaceRef>(nameof(Shared.Live.IFleetClient.NamespaceChanged), changed =>
                {
                    if (changed.Cluster == Cluster && changed.Namespace == Namespace)
                    {
                        _ = InvokeAsync(LoadAsync);
                    }
                });
                Connection.Reconnected += WatchAsync;
            }

            await LoadAsync();
            _ = WatchAsync(); // waits for the connection, if need be; the map is read meanwhile
        }
    }

    private async Task WatchAsync()
    {
        if (Cluster is not { } cluster || Namespace is not { } ns)
        {
            return;
        }

        try
        {
            await Connection.SendAsync(nameof(Shared.Live.IFleetHub.WatchNamespace), cluster, ns);
            if (_watched is not null && _watched != (cluster, ns))
            {
                await LoadAsync(); // a change between the first read and this watch is not lost
            }

            _watched = (cluster, ns);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // not connected yet, or a namespace out of reach (the read says so): Reconnected watches again
        }
    }

    private void ShowAsync() =>
        Navigation.NavigateTo($"topology/{Uri.EscapeDataString(_cluster.Trim())}/{Uri.EscapeDataString(_namespace.Trim())}");

    private async Task LoadAsync()
    {
        if (Cluster is null || Namespace is null)
        {
            return;
        }

        await CallAsync(async () =>
        {
            var graph = await Api.GetAsync<TopologyGraph>($"api/topology/{Uri.EscapeDataString(Cluster)}/{Uri.EscapeDataString(Namespace)}");
            _positions = Layout(graph);
            _graph = graph;
        });
        StateHasChanged();
    }

    /// <summary>Each column stacks its boxes from the top, in the server's order (by name).</summary>
    internal static Dictionary<string, (int X, int Y)> Layout(TopologyGraph graph)
    {
        var rows = new int[Columns.Length];
        var positions = new Dictionary<string, (int X, int Y)>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            var column = Math.Clamp(node.Column, 0, Columns.Length - 1);
            positions[node.Id] = (X(column), Top + (rows[column]++ * (BoxHeight + RowGap)));
        }

        return positions;
    }

    private static int X(int column) => 10 + (column * (BoxWidth + ColumnGap));

    private static int Width(TopologyGraph graph) => X(Columns.Length) - ColumnGap + 10;

    private static int Height(TopologyGraph graph) =>
        Top + 20 + (graph.Nodes.GroupBy(n => n.Column).Select(g => g.Count()).DefaultIfEmpty(0).Max() * (BoxHeight + RowGap));

    private static string Short(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private string Link(TopologyNode node)
    {
        var plural = node.Kind switch
        {
            "Ingress" => "ingresses",
            _ => node.Kind.ToLowerInvariant() + "s",
        };
        var ns = node.Kind == "Node" ? "-" : _graph!.Namespace;
        return $"/resources/{plural}/{Uri.EscapeDataString(_graph!.Cluster)}/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(node.Name)}";
    }

    public void Dispose()
    {
        _pushed?.Dispose();
        Connection.Reconnected -= WatchAsync;
    }
}
