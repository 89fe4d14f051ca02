using Dashboard.Client.Access;
using Dashboard.Shared.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Dashboard.Client.Pages;

/// <summary>The signed-in user's API tokens: list, create (the secret is shown once), revoke.</summary>
public sealed partial class Account : ApiComponentBase
{
    internal const string TokensPath = "api/me/tokens";
    private const int DefaultExpiryDays = 90;

    private List<ApiTokenSummary>? _tokens;
    private CreatedApiToken? _created;
    private string _name = "";
    private int? _expiresInDays = DefaultExpiryDays;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    [Inject]
    private IJSRuntime Js { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    protected override Task OnInitializedAsync() =>
        CallAsync(async () => _tokens = [.. await Api.GetAsync<ApiTokenSummary[]>(TokensPath)]);

    private bool IsExpired(ApiTokenSummary token) => token.ExpiresAtUtc < Time.GetUtcNow().UtcDateTime;

    private async Task CreateAsync()
    {
        if (string.IsNullOrWhiteSpace(_name))
        {
            Error = "Give the token a name, so you can tell it apart later.";
            return;
        }

        var request = new CreateApiTokenRequest(_name.Trim(), _expiresInDays);
        await CallAsync(async () =>
        {
            // Held only by this page, and dropped when dismissed or when the page is left.
            _created = await Api.PostAsync<CreatedApiToken>(TokensPath, request);
            _tokens = [_created.Token, .. (_tokens ?? []).Where(t => t.Id != _created.Token.Id)];
            _name = "";
            _expiresInDays = DefaultExpiryDays;
        });
    }

    private void DismissSecret() => _created = null;

    private async Task CopySecretAsync()
    {
        if (_created is null)
        {
            return;
        }

        try
        {
            await Js.InvokeVoidAsync("navigator.clipboard.writeText", _created.Secret);
            Snackbar.Add("Token copied to the clipboard.", Severity.Success);
        }
        catch (JSException)
        {
            // The clipboard needs a secure context (HTTPS) and the user's permission.
            Snackbar.Add("The browser refused the clipboard: select the token and copy it by hand.", Severity.Warning);
        }
    }

    private async Task RevokeAsync(ApiTokenSummary token)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Revoke token",
            $"Revoke \"{token.Name}\"? Anything still using it will be refused from now on.",
            yesText: "Revoke",
            cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        await CallAsync(async () =>
        {
            await Api.DeleteAsync($"{TokensPath}/{token.Id}");
            _tokens?.RemoveAll(t => t.Id == token.Id);
            if (_created?.Token.Id == token.Id)
            {
                _created = null;
            }
        }, $"Token \"{token.Name}\" revoked.");
    }
}
