using Dashboard.Client.Access;
using Dashboard.Client.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Client.Layout;

public sealed partial class MainLayout
{
    internal const string SignOutPath = "api/auth/signout";

    private MudThemeProvider? _themeProvider;
    private bool _drawerOpen = true;
    private bool _isDark;
    private string? _loadError;
    private bool _leaving;

    [Inject]
    private ThemePreference Themes { get; set; } = null!;

    [Inject]
    private CurrentSession Session { get; set; } = null!;

    [Inject]
    private DashboardApi Api { get; set; } = null!;

    [Inject]
    private IFleetConnection Connection { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    protected override async Task OnInitializedAsync()
    {
        Session.Changed += OnSessionChanged;
        Connection.SignedOut += OnSignedOut;
        Connection.Reconnected += RefreshSessionAsync;
        await LoadSessionAsync();
    }

    /// <summary>The page renders only for a known user: its calls then carry the antiforgery token, and nobody connects anonymously.</summary>
    private async Task LoadSessionAsync()
    {
        _loadError = null;
        try
        {
            await Session.GetUserAsync();
        }
        catch (Exception e) when (e is ApiException or HttpRequestException)
        {
            _loadError = e.Message;
        }

        if (Session.IsSignedOut)
        {
            GoToSignIn();
        }
    }

    /// <summary>
    /// A new hub connection may follow changed access (the server closes connections whose bindings changed, or it
    /// restarted): ask who we are again, so the navigation and the antiforgery token stay current.
    /// </summary>
    private async Task RefreshSessionAsync()
    {
        try
        {
            await Session.ReloadAsync();
        }
        catch (Exception e) when (e is ApiException or HttpRequestException)
        {
            // Keep what we knew; the next reconnect or page load asks again.
        }
    }

    private void OnSessionChanged()
    {
        if (Session.IsSignedOut)
        {
            _ = InvokeAsync(GoToSignIn);
        }
        else
        {
            _ = InvokeAsync(StateHasChanged);
        }
    }

    private void OnSignedOut() => _ = InvokeAsync(Session.End); // the hub's word: the session changes, which leads to the sign-in page

    private void GoToSignIn()
    {
        if (_leaving)
        {
            return;
        }

        _leaving = true;
        Navigation.NavigateTo(SignInAddress.For(Navigation));
    }

    private async Task SignOutAsync()
    {
        try
        {
            await Api.PostAsync(SignOutPath);
        }
        catch (Exception e) when (e is ApiException or HttpRequestException)
        {
            // Signed out already, or the server is away: the sign-in page is the right place either way.
        }

        _leaving = true;
        Navigation.NavigateTo(SignInAddress.Page, forceLoad: true);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        var saved = await Themes.LoadIsDarkAsync();
        _isDark = saved ?? (_themeProvider is not null && await _themeProvider.GetSystemDarkModeAsync());
        StateHasChanged();
    }

    private async Task ToggleDarkModeAsync()
    {
        _isDark = !_isDark;
        await Themes.SaveAsync(_isDark);
    }

    public void Dispose()
    {
        Session.Changed -= OnSessionChanged;
        Connection.SignedOut -= OnSignedOut;
        Connection.Reconnected -= RefreshSessionAsync;
    }
}
