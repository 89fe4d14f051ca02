using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Client.Access;

/// <summary>A component that calls the server's API: a refused or failed call shows as <see cref="Error"/>, never as a crash.</summary>
public abstract class ApiComponentBase : ComponentBase
{
    [Inject]
    protected DashboardApi Api { get; set; } = null!;

    [Inject]
    protected ISnackbar Snackbar { get; set; } = null!;

    /// <summary>The server's explanation of the last failed call, for a MudAlert.</summary>
    protected string? Error { get; set; }

    protected bool Busy { get; private set; }

    /// <summary>Runs one call; on success shows <paramref name="done"/> in a snackbar and answers true.</summary>
    protected async Task<bool> CallAsync(Func<Task> call, string? done = null)
    {
        Busy = true;
        Error = null;
        try
        {
            await call();
            if (done is not null)
            {
                Snackbar.Add(done, Severity.Success);
            }

            return true;
        }
        catch (ApiException e)
        {
            Error = e.Message;
        }
        catch (HttpRequestException)
        {
            Error = "The server could not be reached. Try again in a moment.";
        }
        finally
        {
            Busy = false;
        }

        return false;
    }
}
