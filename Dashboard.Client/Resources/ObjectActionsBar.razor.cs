using Dashboard.Client.Access;
using Dashboard.Shared.Access;
using Dashboard.Shared.Actions;
using Dashboard.Shared.Fleet;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Client.Resources;

/// <summary>
/// Scale, restart, delete, cordon, uncordon, drain, undo: the buttons of an object's kind, each asking to
/// confirm first (in a prod cluster a destructive one asks to type the object's name), then showing what the
/// cluster did or why it refused.
/// </summary>
public sealed partial class ObjectActionsBar
{
    private IReadOnlyList<string> _actions = [];
    private string? _open;
    private int _replicas;
    private string? _typed;
    private ActionResult? _result;

    [Inject]
    private CurrentSession Session { get; set; } = null!;

    [Parameter, EditorRequired]
    public required string ApiPath { get; set; }

    [Parameter, EditorRequired]
    public required string Plural { get; set; }

    [Parameter, EditorRequired]
    public required string Cluster { get; set; }

    [Parameter, EditorRequired]
    public required string Name { get; set; }

    /// <summary>The replicas the object asks for now (the scale field starts there).</summary>
    [Parameter]
    public int? Replicas { get; set; }

    /// <summary>Told after an action the cluster accepted (the page reads the object again).</summary>
    [Parameter]
    public EventCallback<ActionResult> Done { get; set; }

    /// <summary>The cluster's environment label, once known ("prod" asks for the name).</summary>
    private string? Environment { get; set; }

    private bool MayAct => Session.User is { } user && (user.IsAdmin || user.Grants.Any(g => g.Role >= TeamRole.Operator));

    protected override async Task OnParametersSetAsync()
    {
        _actions = [.. new[]
        {
            ObjectActionNames.Scale, ObjectActionNames.Restart, ObjectActionNames.Undo, ObjectActionNames.Cordon,
            ObjectActionNames.Uncordon, ObjectActionNames.Drain, ObjectActionNames.Delete,
        }.Where(a => ObjectActionNames.AppliesTo(a, Plural))];
        if (Environment is null && MayAct)
        {
            try
            {
                var clusters = await Api.GetAsync<ClusterSummary[]>("api/clusters");
                Environment = clusters.FirstOrDefault(c => c.Name == Cluster)?.Labels.Environment ?? "";
            }
            catch (Exception e) when (e is ApiException or HttpRequestException)
            {
                Environment = ""; // the server still asks for the name where it must
            }
        }
    }

    private bool NeedsName(string action) =>
        ObjectActionNames.IsDestructive(action) && string.Equals(Environment, "prod", StringComparison.OrdinalIgnoreCase);

    private void Open(string action)
    {
        _open = action;
        _typed = null;
        _replicas = Replicas ?? 1;
        _result = null;
        Error = null;
    }

    private async Task RunAsync()
    {
        if (_open is not { } action)
        {
            return;
        }

        var request = new ActionRequest(
            Replicas: action == ObjectActionNames.Scale ? _replicas : null,
            Confirm: NeedsName(action) ? _typed : null);
        ActionResult? result = null;
        if (await CallAsync(async () => result = await Api.PostAsync<ActionResult>($"{ApiPath}/actions/{action}", request)))
        {
            _result = result;
            _open = null;
            await Done.InvokeAsync(result!);
        }
    }

    private static string Label(string action) => action switch
    {
        ObjectActionNames.Scale => "Scale",
        ObjectActionNames.Restart => "Restart",
        ObjectActionNames.Undo => "Roll back",
        ObjectActionNames.Cordon => "Cordon",
        ObjectActionNames.Uncordon => "Uncordon",
        ObjectActionNames.Drain => "Drain",
        _ => "Delete",
    };

    private static string Icon(string action) => action switch
    {
        ObjectActionNames.Scale => Icons.Material.Filled.UnfoldMore,
        ObjectActionNames.Restart => Icons.Material.Filled.RestartAlt,
        ObjectActionNames.Undo => Icons.Material.Filled.Undo,
        ObjectActionNames.Cordon => Icons.Material.Filled.Block,
        ObjectActionNames.Uncordon => Icons.Material.Filled.CheckCircleOutline,
        ObjectActionNames.Drain => Icons.Material.Filled.LowPriority,
        _ => Icons.Material.Filled.Delete,
    };

    private string Question(string action) => action switch
    {
        ObjectActionNames.Scale => $"Scale {Name} in {Cluster} to how many replicas?",
        ObjectActionNames.Restart => $"Restart {Name} in {Cluster}? Its pods are replaced one by one.",
        ObjectActionNames.Undo => $"Roll {Name} in {Cluster} back to its previous revision?",
        ObjectActionNames.Cordon => $"Cordon node {Name} in {Cluster}? No new pods are scheduled on it.",
        ObjectActionNames.Uncordon => $"Uncordon node {Name} in {Cluster}?",
        ObjectActionNames.Drain => $"Drain node {Name} in {Cluster}? It is cordoned and its pods are evicted (DaemonSet pods stay; disruption budgets hold).",
        _ => $"Delete {Name} in {Cluster}? This cannot be undone.",
    };
}
