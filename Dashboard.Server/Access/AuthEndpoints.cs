using System.Security.Claims;
using System.Text.Json;
using Dashboard.Server.Audit;
using Dashboard.Server.Data;
using Dashboard.Shared.Access;
using Dashboard.Shared.Audit;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Access;

/// <summary>Signing in and out (cookie, bearer token, single sign-on), who am I, and my personal API tokens.</summary>
public static class AuthEndpoints
{
    private const string Refused = "Wrong username or password, or the account is locked or disabled.";
    private const string PasswordMethod = "password";

    public static WebApplication MapAuthApi(this WebApplication app)
    {
        var auth = app.MapGroup("/api/auth");
        auth.MapGet("/providers", (IConfiguration configuration) =>
        {
            var sso = configuration.GetSection(SingleSignOnSettings.Section).Get<SingleSignOnSettings>();
            return new Dashboard.Shared.Access.SignInOptions(true, sso is { Enabled: true } ? sso.DisplayName : null);
        }).AllowAnonymous();
        auth.MapPost("/signin", SignInAsync).AllowAnonymous();
        auth.MapPost("/signout", SignOutAsync);
        auth.MapGet("/oidc", (string? returnUrl, IConfiguration configuration) =>
            configuration.GetSection(SingleSignOnSettings.Section).Get<SingleSignOnSettings>() is { Enabled: true }
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalUrl(returnUrl) }, [SingleSignOnSettings.Scheme])
                : Results.Problem("Single sign-on is not configured.", statusCode: StatusCodes.Status404NotFound)).AllowAnonymous();

        app.MapPost("/api/session", CreateSessionTokenAsync).AllowAnonymous();

        var me = app.MapGroup("/api/me");
        me.MapGet("", MeAsync);
        me.MapGet("/tokens", ListTokensAsync);
        me.MapPost("/tokens", CreateTokenAsync);
        me.MapDelete("/tokens/{id:guid}", RevokeTokenAsync);
        return app;
    }

    /// <summary>Only a path on this site: anything else (another host, "//host") would make sign-in an open redirect.</summary>
    public static string LocalUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";

    private static async Task<Results<Ok<CurrentUser>, JsonHttpResult<ProblemDetails>, ProblemHttpResult>> SignInAsync(
        HttpContext http, UserManager<DashboardUser> users, SignInManager<DashboardUser> signIns, SessionStore sessions,
        RightsStore rights, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (await ReadAsync<SignInRequest>(http) is not { Username.Length: > 0, Password.Length: > 0 } request)
        {
            return TypedResults.Problem("Send JSON {\"username\": ..., \"password\": ...}.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (await CheckAsync(request, http, users, signIns) is not { } user)
        {
            return RefusedResult();
        }

        var lifetime = TimeSpan.FromHours(configuration.GetValue("Access:SessionHours", 12));
        var session = await sessions.StartBrowserSessionAsync(user.Id, lifetime, cancellationToken);
        var principal = AccessExtensions.Principal(user.Id, user.UserName!, session, AccessExtensions.CookieScheme, PasswordMethod);
        await http.SignInAsync(AccessExtensions.CookieScheme, principal, new AuthenticationProperties { IsPersistent = false });
        AccessLog.SignedIn(AccessExtensions.Logger(http), user.UserName!, PasswordMethod);
        await http.AuditAsync(await http.ActorAsync(user.Id, user.UserName, PasswordMethod),
            new AuditEvent(AuditActions.SignIn, AuditTarget.User(user.UserName, user.Id), new Dictionary<string, string?> { ["session"] = "browser" }));
        var current = await rights.ForAsync(principal, cancellationToken);
        return TypedResults.Ok(Describe(current, null));
    }

    private static async Task<Results<Ok<SessionToken>, JsonHttpResult<ProblemDetails>, ProblemHttpResult>> CreateSessionTokenAsync(
        HttpContext http, UserManager<DashboardUser> users, SignInManager<DashboardUser> signIns, SessionStore sessions,
        IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (await ReadAsync<SignInRequest>(http) is not { Username.Length: > 0, Password.Length: > 0 } request)
        {
            return TypedResults.Problem("Send JSON {\"username\": ..., \"password\": ...}.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (await CheckAsync(request, http, users, signIns) is not { } user)
        {
            return RefusedResult();
        }

        var lifetime = TimeSpan.FromMinutes(configuration.GetValue("Access:TokenMinutes", 60));
        var (session, secret) = await sessions.CreateTokenAsync(user.Id, SessionKind.Api, null, lifetime, cancellationToken);
        AccessLog.SignedIn(AccessExtensions.Logger(http), user.UserName!, "session token");
        await http.AuditAsync(await http.ActorAsync(user.Id, user.UserName, PasswordMethod),
            new AuditEvent(AuditActions.SignIn, AuditTarget.User(user.UserName, user.Id), new Dictionary<string, string?> { ["session"] = "session token" }));
        return TypedResults.Ok(new SessionToken(secret, session.ExpiresAtUtc!.Value));
    }

    /// <summary>One and the same body for every refused sign-in (a ProblemHttpResult would add a different traceId each time).</summary>
    private static JsonHttpResult<ProblemDetails> RefusedResult() =>
        TypedResults.Json(new ProblemDetails { Title = "Sign-in refused", Status = StatusCodes.Status401Unauthorized, Detail = Refused },
            statusCode: StatusCodes.Status401Unauthorized, contentType: "application/problem+json");

    /// <summary>
    /// The same answer, and about the same time, for an unknown user, a wrong password, a locked or a disabled
    /// account: a caller learns nothing about which accounts exist. Failures count toward the lockout. The audit
    /// history tells them apart (a wrong password is Failed, a locked or disabled account Denied, and the
    /// failure that locks an account is followed by an auth.lockout record); the password is never in it. Names
    /// that are no account are recorded once a minute per address (each is logged), as anyone can send them.
    /// </summary>
    private static async Task<DashboardUser?> CheckAsync(SignInRequest request, HttpContext http, UserManager<DashboardUser> users, SignInManager<DashboardUser> signIns)
    {
        var logger = AccessExtensions.Logger(http);
        var remote = http.Connection.RemoteIpAddress?.ToString();
        var user = await users.FindByNameAsync(request.Username);
        var signIn = new AuditEvent(AuditActions.SignIn, AuditTarget.User(user?.UserName ?? request.Username, user?.Id));
        if (user is null)
        {
            users.PasswordHasher.HashPassword(new DashboardUser(), request.Password);
            AccessLog.SignInRefused(logger, request.Username, remote, "unknown user");
            if (http.RequestServices.GetRequiredService<AnonymousAuditThrottle>().Allows("unknown user", http))
            {
                await http.AuditAsync(await http.ActorAsync(null, request.Username, PasswordMethod), signIn, AuditOutcome.Failed, "unknown user");
            }
            return null;
        }

        var wasLocked = await users.IsLockedOutAsync(user);
        var result = await signIns.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: true);
        if (!result.Succeeded || user.Disabled)
        {
            AccessLog.SignInRefused(logger, request.Username, remote,
                result.IsLockedOut ? "locked out" : result.Succeeded ? "disabled" : "wrong password");
            var reason = result.Succeeded ? "disabled" : result.IsLockedOut && wasLocked ? "locked out" : "wrong password";
            var actor = await http.ActorAsync(user.Id, user.UserName, PasswordMethod);
            await http.AuditAsync(actor, signIn, reason == "wrong password" ? AuditOutcome.Failed : AuditOutcome.Denied, reason);
            if (result.IsLockedOut && !wasLocked)
            {
                var until = (await users.GetLockoutEndDateAsync(user))?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                await http.AuditAsync(actor, new AuditEvent(AuditActions.Lockout, signIn.Target, new Dictionary<string, string?> { ["until"] = until }),
                    AuditOutcome.Succeeded, "too many failed sign-ins");
            }

            return null;
        }

        return user;
    }

    private static async Task<NoContent> SignOutAsync(HttpContext http, SessionStore sessions, CancellationToken cancellationToken)
    {
        if (http.User.SessionId() is { } id)
        {
            await sessions.EndAsync(id, cancellationToken);
        }

        await http.AuditAsync(new AuditEvent(AuditActions.SignOut, AuditTarget.User(http.User.Identity?.Name, http.User.FindFirstValue(ClaimTypes.NameIdentifier))));
        await http.SignOutAsync(AccessExtensions.CookieScheme);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<CurrentUser>, UnauthorizedHttpResult>> MeAsync(HttpContext http, RightsStore rights, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var current = await rights.ForAsync(http.User, cancellationToken);
        if (current.Disabled)
        {
            return TypedResults.Unauthorized();
        }

        var token = http.User.Identity?.AuthenticationType == AccessExtensions.CookieScheme ? antiforgery.GetAndStoreTokens(http).RequestToken : null;
        return TypedResults.Ok(Describe(current, token));
    }

    private static CurrentUser Describe(UserRights rights, string? antiforgeryToken) =>
        new(rights.UserId, rights.UserName, rights.Scope.IsFleetAdmin, rights.Teams, rights.Scope.Grants, antiforgeryToken);

    private static async Task<List<ApiTokenSummary>> ListTokensAsync(ClaimsPrincipal user, IDbContextFactory<DashboardDbContext> contexts, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var tokens = await db.Sessions
            .Where(s => s.UserId == id && s.Kind == SessionKind.Personal && s.EndedAtUtc == null && (s.ExpiresAtUtc == null || s.ExpiresAtUtc > now))
            .ToListAsync(cancellationToken);
        return tokens.OrderBy(t => t.CreatedAtUtc).Select(Summary).ToList();
    }

    private static async Task<Results<Ok<CreatedApiToken>, ProblemHttpResult>> CreateTokenAsync(
        HttpContext http, SessionStore sessions, CancellationToken cancellationToken)
    {
        var request = await ReadAsync<CreateApiTokenRequest>(http);
        if (request is not { Name.Length: > 0 and <= 100 } || request.ExpiresInDays is < 1 or > 3650)
        {
            return TypedResults.Problem("A token needs a name (up to 100 characters) and, if it expires, 1 to 3650 days.", statusCode: StatusCodes.Status400BadRequest);
        }

        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var lifetime = request.ExpiresInDays is { } days ? TimeSpan.FromDays(days) : (TimeSpan?)null;
        var (session, secret) = await sessions.CreateTokenAsync(userId, SessionKind.Personal, request.Name.Trim(), lifetime, cancellationToken);
        AccessLog.Changed(AccessExtensions.Logger(http), http.User.Identity!.Name!, $"created the API token '{session.Name}' ({session.TokenPrefix}…)");
        await http.AuditAsync(new AuditEvent(AuditActions.TokenCreate, new AuditTarget(Kind: "ApiToken", Name: session.Name, Uid: session.Id.ToString()),
            new Dictionary<string, string?> { ["expiresAtUtc"] = session.ExpiresAtUtc?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }));
        return TypedResults.Ok(new CreatedApiToken(Summary(session), secret));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeTokenAsync(
        Guid id, HttpContext http, IDbContextFactory<DashboardDbContext> contexts, SessionStore sessions, CancellationToken cancellationToken)
    {
        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Sessions.AnyAsync(s => s.Id == id && s.UserId == userId && s.Kind == SessionKind.Personal && s.EndedAtUtc == null, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        await sessions.EndAsync(id, cancellationToken);
        AccessLog.Changed(AccessExtensions.Logger(http), http.User.Identity!.Name!, $"revoked the API token {id}");
        await http.AuditAsync(new AuditEvent(AuditActions.TokenRevoke, new AuditTarget(Kind: "ApiToken", Uid: id.ToString())));
        return TypedResults.NoContent();
    }

    private static ApiTokenSummary Summary(UserSession s) =>
        new(s.Id, s.Name ?? "", s.TokenPrefix ?? "", s.CreatedAtUtc, s.ExpiresAtUtc, s.LastUsedAtUtc);

    /// <summary>A body that is not the expected JSON is the caller's error (400), never a server error.</summary>
    internal static async Task<T?> ReadAsync<T>(HttpContext http) where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            return null;
        }

        try
        {
            return await http.Request.ReadFromJsonAsync<T>(http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
