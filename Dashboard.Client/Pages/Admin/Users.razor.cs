using Dashboard.Client.Access;
using Dashboard.Shared.Access;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages.Admin;

/// <summary>Accounts: list, create, disable or enable, reset a password. Teams and bindings give them rights.</summary>
public sealed partial class Users : ApiComponentBase
{
    internal const string UsersPath = "api/admin/users";

    private List<UserSummary>? _users;
    private string _newUserName = "";
    private string _newPassword = "";
    private UserSummary? _resetting;
    private string _resetPassword = "";

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    protected override Task OnInitializedAsync() =>
        CallAsync(async () => _users = [.. (await Api.GetAsync<UserSummary[]>(UsersPath)).OrderBy(u => u.UserName, StringComparer.OrdinalIgnoreCase)]);

    private bool IsLockedOut(UserSummary user) => user.LockedOutUntilUtc > Time.GetUtcNow().UtcDateTime;

    private async Task CreateAsync()
    {
        if (string.IsNullOrWhiteSpace(_newUserName) || string.IsNullOrEmpty(_newPassword))
        {
            Error = "Enter a username and an initial password.";
            return;
        }

        var request = new CreateUserRequest(_newUserName.Trim(), _newPassword);
        await CallAsync(async () =>
        {
            var created = await Api.PostAsync<UserSummary>(UsersPath, request);
            Replace(created);
            _newUserName = "";
            _newPassword = "";
        }, $"User {request.UserName} created.");
    }

    private async Task ToggleDisabledAsync(UserSummary user) =>
        await CallAsync(async () =>
        {
            await Api.PutAsync($"{UsersPath}/{Uri.EscapeDataString(user.Id)}/disabled", new SetDisabledRequest(!user.Disabled));
            Replace(user with { Disabled = !user.Disabled });
        }, user.Disabled ? $"{user.UserName} may sign in again." : $"{user.UserName} is disabled and signed out everywhere.");

    private void StartReset(UserSummary user)
    {
        _resetting = user;
        _resetPassword = "";
    }

    private void CancelReset()
    {
        _resetting = null;
        _resetPassword = "";
    }

    private async Task ResetPasswordAsync()
    {
        if (_resetting is not { } user || string.IsNullOrEmpty(_resetPassword))
        {
            Error = "Enter the new password.";
            return;
        }

        var done = await CallAsync(
            () => Api.PutAsync($"{UsersPath}/{Uri.EscapeDataString(user.Id)}/password", new ResetPasswordRequest(_resetPassword)),
            $"Password of {user.UserName} reset.");
        if (done)
        {
            CancelReset();
        }
    }

    private void Replace(UserSummary user)
    {
        _users ??= [];
        _users.RemoveAll(u => u.Id == user.Id);
        _users.Add(user);
        _users.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.UserName, b.UserName));
    }
}
