using Dashboard.Client.Access;
using Dashboard.Shared.Access;

namespace Dashboard.Client.Pages.Admin;

/// <summary>Teams, their members and their role bindings; each team is a <see cref="TeamCard"/>.</summary>
public sealed partial class Teams : ApiComponentBase
{
    internal const string TeamsPath = "api/admin/teams";

    private List<TeamSummary>? _teams;
    private IReadOnlyList<string> _userNames = [];
    private string _newName = "";
    private string _newGroup = "";

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        try
        {
            // Only suggestions for adding members: without them one can still type a name.
            _userNames = [.. (await Api.GetAsync<UserSummary[]>(Users.UsersPath)).Select(u => u.UserName).Order(StringComparer.OrdinalIgnoreCase)];
        }
        catch (Exception e) when (e is ApiException or HttpRequestException)
        {
            _userNames = [];
        }
    }

    private async Task LoadAsync() =>
        await CallAsync(async () => _teams = [.. (await Api.GetAsync<TeamSummary[]>(TeamsPath)).OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase)]);

    private async Task CreateAsync()
    {
        if (string.IsNullOrWhiteSpace(_newName))
        {
            Error = "Give the team a name.";
            return;
        }

        var request = new TeamRequest(_newName.Trim(), string.IsNullOrWhiteSpace(_newGroup) ? null : _newGroup.Trim());
        await CallAsync(async () =>
        {
            var created = await Api.PostAsync<TeamSummary>(TeamsPath, request);
            _teams = [.. (_teams ?? []).Where(t => t.Id != created.Id).Append(created).OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase)];
            _newName = "";
            _newGroup = "";
        }, $"Team {request.Name} created. Add members and a binding to give it rights.");
    }
}
