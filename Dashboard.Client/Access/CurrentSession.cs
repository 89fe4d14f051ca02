using System.Net;
using System.Net.Http.Json;
using Dashboard.Shared.Access;

namespace Dashboard.Client.Access;

/// <summary>
/// Who is signed in in this browser: GET /api/me, asked once and again on demand. "Not signed in" is an
/// answer (<see cref="IsSignedOut"/>), not an error; the layout turns it into the sign-in page.
/// </summary>
public sealed class CurrentSession(HttpClient http)
{
    internal const string MePath = "api/me";

    private Task<CurrentUser?>? _loading;

    public CurrentUser? User { get; private set; }

    /// <summary>The server said there is no session (GET /api/me or a later call answered 401, or the hub closed for sign-out).</summary>
    public bool IsSignedOut { get; private set; }

    /// <summary>Raised when the user was loaded or the session ended.</summary>
    public event Action? Changed;

    /// <summary>The signed-in user, or null when nobody is; loads once, later calls share that answer.</summary>
    public Task<CurrentUser?> GetUserAsync()
    {
        // A failed load (server unreachable) is not remembered: the next caller asks again.
        if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
        {
            _loading = LoadAsync();
        }

        return _loading;
    }

    /// <summary>Asks the server again, for example after the user's teams changed.</summary>
    public Task<CurrentUser?> ReloadAsync() => _loading = LoadAsync();

    /// <summary>The server no longer knows this browser's session.</summary>
    public void End()
    {
        var wasSignedOut = IsSignedOut;
        User = null;
        IsSignedOut = true;
        _loading = Task.FromResult<CurrentUser?>(null);
        if (!wasSignedOut)
        {
            Changed?.Invoke();
        }
    }

    private async Task<CurrentUser?> LoadAsync()
    {
        using var response = await http.GetAsync(MePath);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            End();
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await ApiException.FromResponseAsync(response);
        }

        User = await response.Content.ReadFromJsonAsync(AccessJsonContext.Default.CurrentUser)
            ?? throw new ApiException(response.StatusCode, "The server answered an empty user.");
        IsSignedOut = false;
        Changed?.Invoke();
        return User;
    }
}
