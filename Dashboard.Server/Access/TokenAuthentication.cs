using System.Security.Claims;
using System.Text.Encodings.Web;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Access;

/// <summary>
/// Bearer tokens for scripts and automation: session tokens from POST /api/session and personal API tokens.
/// In the Authorization header, or as access_token on the hub's URL (browsers cannot set headers on websockets).
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionStore sessions) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Token";

    public static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Path.StartsWithSegments(FleetHubRoute.Path) && request.Query["access_token"].ToString() is { Length: > 0 } query
            ? query
            : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (TokenOf(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        var session = await sessions.FindByTokenAsync(token, Context.RequestAborted);
        if (session is null)
        {
            return AuthenticateResult.Fail("The token is unknown, expired or revoked.");
        }

        if (session.Kind == SessionKind.Personal)
        {
            await sessions.TouchAsync(session.Id, Context.RequestAborted);
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, session.UserId),
                new Claim(ClaimTypes.Name, session.UserName),
                new Claim(SessionStore.BrowserClaim, session.Id.ToString()),
                new Claim(AccessExtensions.SignInMethodClaim, session.Kind == SessionKind.Personal ? "personal token" : "session token"),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
