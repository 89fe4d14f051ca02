using Dashboard.Client.Access;
using Dashboard.Shared.Access;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

public sealed partial class SignIn
{
    internal const string ProvidersPath = "api/auth/providers";
    internal const string SignInPath = "api/auth/signin";
    internal const string SingleSignOnPath = "api/auth/oidc";

    private SignInOptions? _options;
    private string _userName = "";
    private string _password = "";
    private string? _error;
    private bool _busy;

    [Inject]
    private DashboardApi Api { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    /// <summary>Where the server sent us from; followed only when it is a path of this site.</summary>
    [SupplyParameterFromQuery]
    public string? ReturnUrl { get; set; }

    /// <summary>Why the server sent the browser back here from single sign-on ("sso": it failed, "disabled": the account is).</summary>
    [SupplyParameterFromQuery(Name = "error")]
    public string? ErrorCode { get; set; }

    private string ReturnTarget => SignInAddress.ReturnTarget(ReturnUrl);

    protected override async Task OnInitializedAsync()
    {
        _error = ErrorCode switch
        {
            "sso" => "Single sign-on did not complete. Try again, or ask an administrator.",
            "disabled" => "This account is disabled. Ask an administrator to enable it.",
            _ => null,
        };

        try
        {
            _options = await Api.GetAsync<SignInOptions>(ProvidersPath);
        }
        catch (Exception e) when (e is ApiException or HttpRequestException)
        {
            // Offer the password form anyway: the server may answer the sign-in itself.
            _options = new SignInOptions(Local: true, SingleSignOnName: null);
            _error = $"Could not ask the server how to sign in: {e.Message}";
        }
    }

    private async Task SignInAsync()
    {
        if (string.IsNullOrWhiteSpace(_userName) || string.IsNullOrEmpty(_password))
        {
            _error = "Enter your username and password.";
            return;
        }

        _busy = true;
        _error = null;
        try
        {
            await Api.PostAsync<CurrentUser>(SignInPath, new SignInRequest(_userName, _password));

            // A full page load: the app starts again with the new session cookie, and its antiforgery token
            // (bound to the signed-in identity) is read afresh from /api/me.
            Navigation.NavigateTo(ReturnTarget, forceLoad: true);
        }
        catch (ApiException e)
        {
            _error = e.Message;
            _password = "";
        }
        catch (HttpRequestException)
        {
            _error = "The server could not be reached. Try again in a moment.";
        }
        finally
        {
            _busy = false;
        }
    }

    private void SignInWithSingleSignOn() =>
        Navigation.NavigateTo($"{SingleSignOnPath}?returnUrl={Uri.EscapeDataString(ReturnTarget)}", forceLoad: true);
}
