using Dashboard.Client.Access;
using Dashboard.Shared.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Client.Pages.Admin;

/// <summary>One team: rename, delete, members, bindings. Every change is the server's; the page reloads after it.</summary>
public sealed partial class TeamCard : ApiComponentBase
{
    internal const string ClustersHelp = "\"*\" for all; names such as onprem-prod or eks-*; or labels such as environment=prod,provider=aws";
    internal const string NamespacesHelp = "\"*\" for all (and nodes); or globs such as shop,team-a-*";

    private bool _editing;
    private string _editName = "";
    private string _editGroup = "";
    private string? _memberName;
    private TeamRole _role = TeamRole.Viewer;
    private string _clusters = "*";
    private string _namespaces = "*";

    [Parameter, EditorRequired]
    public required TeamSummary Team { get; set; }

    /// <summary>Everyone's user names, to suggest members.</summary>
    [Parameter]
    public IReadOnlyList<string> UserNames { get; set; } = [];

    /// <summary>Raised after the server accepted a change of this team.</summary>
    [Parameter]
    public EventCallback Changed { get; set; }

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    private string TeamPath => $"{Teams.TeamsPath}/{Team.Id}";

    private static string RoleHelp(TeamRole role) => role switch
    {
        TeamRole.Viewer => "Read",
        TeamRole.Operator => "Read and act: scale, restart, delete, cordon, drain",
        _ => "Everything over the selected scope",
    };

    private static Color RoleColor(TeamRole role) => role switch
    {
        TeamRole.Viewer => Color.Info,
        TeamRole.Operator => Color.Warning,
        _ => Color.Error,
    };

    private Task<IEnumerable<string>> SearchUsersAsync(string? text, CancellationToken cancellationToken)
    {
        var members = Team.Members.Select(m => m.UserName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Task.FromResult(UserNames
            .Where(name => !members.Contains(name))
            .Where(name => string.IsNullOrWhiteSpace(text) || name.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)));
    }

    private void StartEdit()
    {
        _editName = Team.Name;
        _editGroup = Team.IdentityProviderGroup ?? "";
        _editing = true;
    }

    private async Task SaveAsync()
    {
        if (string.IsNullOrWhiteSpace(_editName))
        {
            Error = "A team needs a name.";
            return;
        }

        var request = new TeamRequest(_editName.Trim(), string.IsNullOrWhiteSpace(_editGroup) ? null : _editGroup.Trim());
        if (await ChangeAsync(() => Api.PutAsync(TeamPath, request), $"Team {request.Name} saved."))
        {
            _editing = false;
        }
    }

    private async Task DeleteAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete team",
            $"Delete the team \"{Team.Name}\"? Its members lose the rights its {Team.Bindings.Count} binding(s) gave them.",
            yesText: "Delete",
            cancelText: "Cancel");
        if (confirmed == true)
        {
            await ChangeAsync(() => Api.DeleteAsync(TeamPath), $"Team {Team.Name} deleted.");
        }
    }

    private async Task AddMemberAsync()
    {
        if (string.IsNullOrWhiteSpace(_memberName))
        {
            Error = "Type the username of the member to add.";
            return;
        }

        var request = new AddMemberRequest(_memberName.Trim());
        if (await ChangeAsync(() => Api.PostAsync($"{TeamPath}/members", request), $"{request.UserName} added to {Team.Name}."))
        {
            _memberName = null;
        }
    }

    private async Task RemoveMemberAsync(TeamMember member) =>
        await ChangeAsync(() => Api.DeleteAsync($"{TeamPath}/members/{Uri.EscapeDataString(member.UserId)}"),
            $"{member.UserName} removed from {Team.Name}.");

    private async Task AddBindingAsync()
    {
        if (string.IsNullOrWhiteSpace(_clusters) || string.IsNullOrWhiteSpace(_namespaces))
        {
            Error = "A binding needs clusters and namespaces (\"*\" for all).";
            return;
        }

        var request = new BindingRequest(_role, _clusters.Trim(), _namespaces.Trim());
        if (await ChangeAsync(() => Api.PostAsync<BindingSummary>($"{TeamPath}/bindings", request), $"{request.Role} binding added to {Team.Name}."))
        {
            _role = TeamRole.Viewer;
            _clusters = "*";
            _namespaces = "*";
        }
    }

    private async Task RemoveBindingAsync(BindingSummary binding) =>
        await ChangeAsync(() => Api.DeleteAsync($"api/admin/bindings/{binding.Id}"), $"{binding.Role} binding removed from {Team.Name}.");

    private async Task<bool> ChangeAsync(Func<Task> call, string done)
    {
        var accepted = await CallAsync(call, done);
        if (accepted)
        {
            await Changed.InvokeAsync();
        }

        return accepted;
    }
}
