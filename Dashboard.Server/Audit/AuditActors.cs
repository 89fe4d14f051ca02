using System.Data.Common;
using System.Security.Claims;
using Dashboard.Server.Access;
using Dashboard.Shared.Audit;

namespace Dashboard.Server.Audit;

/// <summary>The actor of a request, as a record names them, and recording an event of a request in one call.</summary>
public static class AuditActors
{
    /// <summary>The signed-in caller (or an anonymous one: address and user agent only).</summary>
    public static Task<Actor> ActorAsync(this HttpContext http)
    {
        var user = http.User;
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        return id is null
            ? Task.FromResult(Anonymous(http))
            : http.ActorAsync(id, user.Identity?.Name ?? "", MethodOf(user));
    }

    /// <summary>Someone signing in: the user they said they are (an id when the account exists) and how.</summary>
    public static async Task<Actor> ActorAsync(this HttpContext http, string? userId, string? userName, string method) =>
        Anonymous(http) with { UserId = userId, UserName = userName, Teams = await TeamsAsync(http, userId), Method = method };

    /// <summary>Records an event of this request (see <see cref="AuditLog.RecordAsync"/>): never fails the request.</summary>
    public static async Task AuditAsync(this HttpContext http, AuditEvent audited, AuditOutcome outcome = AuditOutcome.Succeeded, string? error = null) =>
        await http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(await http.ActorAsync(), audited, outcome, error);

    /// <summary>Records an event whose actor is not (yet) the request's user, e.g. a sign-in.</summary>
    public static async Task AuditAsync(this HttpContext http, Actor actor, AuditEvent audited, AuditOutcome outcome = AuditOutcome.Succeeded, string? error = null) =>
        await http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(actor, audited, outcome, error);

    private static Actor Anonymous(HttpContext http) =>
        Actor.Anonymous with
        {
            Address = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null,
        };

    /// <summary>Cookies made before the method claim existed say only that they are cookies.</summary>
    private static string MethodOf(ClaimsPrincipal user) =>
        user.FindFirstValue(AccessExtensions.SignInMethodClaim) ??
        (user.Identity?.AuthenticationType == TokenAuthenticationHandler.SchemeName ? "token" : "cookie");

    /// <summary>The user's teams now; none when the user is unknown or the database does not answer (the record still goes).</summary>
    private static async Task<IReadOnlyList<string>> TeamsAsync(HttpContext http, string? userId)
    {
        if (userId is null)
        {
            return [];
        }

        try
        {
            var rights = await http.RequestServices.GetRequiredService<RightsStore>().GetAsync(userId, CancellationToken.None);
            return rights?.Teams ?? [];
        }
        catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
        {
            return [];
        }
    }
}
