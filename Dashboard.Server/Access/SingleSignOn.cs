using System.Security.Claims;
using System.Text.Json;
using Dashboard.Server.Audit;
using Dashboard.Server.Data;
using Dashboard.Shared.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Access;

/// <summary>Authentication:OpenIdConnect in appsettings. Single sign-on is on when Authority is set.</summary>
public sealed class SingleSignOnSettings
{
    public const string Section = "Authentication:OpenIdConnect";
    public const string Scheme = "oidc";
    public const string Method = "single sign-on";

    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The button's words: "Sign in with ...".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    public string GroupsClaim { get; set; } = "groups";

    public List<string> Scopes { get; set; } = ["openid", "profile", "email"];

    /// <summary>Turn off only for a provider on loopback in tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Identity provider group to team name, besides each team's own IdentityProviderGroup.</summary>
    public Dictionary<string, string> GroupTeams { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}

/// <summary>
/// OpenID Connect sign-in: the provider's user becomes (or is matched to) a dashboard user by issuer and subject,
/// their groups set their teams, and they get a server-side session like a local sign-in.
/// </summary>
public sealed class SingleSignOn(
    IDbContextFactory<DashboardDbContext> contexts,
    SessionStore sessions,
    RightsStore rights,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<SingleSignOn> logger)
{
    public static void Register(AuthenticationBuilder authentication, IConfiguration configuration)
    {
        var settings = configuration.GetSection(SingleSignOnSettings.Section).Get<SingleSignOnSettings>() ?? new();
        if (!settings.Enabled)
        {
            return;
        }

        authentication.AddOpenIdConnect(SingleSignOnSettings.Scheme, settings.DisplayName, options =>
        {
            options.Authority = settings.Authority;
            options.ClientId = settings.ClientId;
            options.ClientSecret = settings.ClientSecret;
            options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            options.ResponseType = "code";
            options.ResponseMode = "query"; // a top-level GET back: the Lax correlation cookie comes along
            options.UsePkce = true;
            options.MapInboundClaims = false;
            options.GetClaimsFromUserInfoEndpoint = false;
            options.SaveTokens = false;
            options.Scope.Clear();
            foreach (var scope in settings.Scopes)
            {
                options.Scope.Add(scope);
            }

            options.SignInScheme = AccessExtensions.CookieScheme;
            options.CorrelationCookie.SameSite = SameSiteMode.Lax;
            options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.NonceCookie.SameSite = SameSiteMode.Lax;
            options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Events.OnTicketReceived = context => context.HttpContext.RequestServices.GetRequiredService<SingleSignOn>().CompleteAsync(context);
            options.Events.OnRemoteFailure = async context =>
            {
                context.HttpContext.RequestServices.GetRequiredService<ILogger<SingleSignOn>>()
                    .LogWarning("Single sign-on failed: {Reason}", context.Failure?.Message);
                await context.HttpContext.AuditAsync(await context.HttpContext.ActorAsync(null, null, SingleSignOnSettings.Method),
                    new AuditEvent(AuditActions.SignIn, AuditTarget.None), AuditOutcome.Failed, context.Failure?.Message ?? "single sign-on failed");
                context.Response.Redirect("/signin?error=sso");
                context.HandleResponse();
            };
        });
    }

    private SingleSignOnSettings Settings => configuration.GetSection(SingleSignOnSettings.Section).Get<SingleSignOnSettings>() ?? new();

    public async Task CompleteAsync(TicketReceivedContext context)
    {
        var external = context.Principal!;
        var subject = external.FindFirstValue("sub");
        if (string.IsNullOrEmpty(subject))
        {
            context.Fail("The identity provider named no subject.");
            return;
        }

        var issuer = external.FindFirst("sub")!.Issuer;
        var name = external.FindFirstValue("preferred_username") ?? external.FindFirstValue("email") ?? external.FindFirstValue("name") ?? subject;
        var groups = Groups(external, Settings.GroupsClaim);
        var user = await SyncAsync($"{issuer}|{subject}", name, groups, context.HttpContext.RequestAborted);
        if (user is null)
        {
            AccessLog.SignInRefused(AccessExtensions.Logger(context.HttpContext), name, context.HttpContext.Connection.RemoteIpAddress?.ToString(), "disabled (single sign-on)");
            await context.HttpContext.AuditAsync(await context.HttpContext.ActorAsync(null, name, SingleSignOnSettings.Method),
                new AuditEvent(AuditActions.SignIn, AuditTarget.User(name)), AuditOutcome.Denied, "disabled");
            context.Response.Redirect("/signin?error=disabled");
            context.HandleResponse();
            return;
        }

        var lifetime = TimeSpan.FromHours(configuration.GetValue("Access:SessionHours", 12));
        var session = await sessions.StartBrowserSessionAsync(user.Id, lifetime, context.HttpContext.RequestAborted);
        context.Principal = AccessExtensions.Principal(user.Id, user.UserName!, session, AccessExtensions.CookieScheme, SingleSignOnSettings.Method);
        AccessLog.SignedIn(logger, user.UserName!, SingleSignOnSettings.Method);
        await context.HttpContext.AuditAsync(await context.HttpContext.ActorAsync(user.Id, user.UserName!, SingleSignOnSettings.Method),
            new AuditEvent(AuditActions.SignIn, AuditTarget.User(user.UserName, user.Id), new Dictionary<string, string?> { ["issuer"] = issuer }));
    }

    /// <summary>Finds or makes the user, and sets their identity-provider team memberships to their groups; null when disabled.</summary>
    public async Task<DashboardUser?> SyncAsync(string externalId, string preferredName, IReadOnlyCollection<string> groups, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.Include(u => u.Memberships).FirstOrDefaultAsync(u => u.ExternalId == externalId, cancellationToken);
        if (user is null)
        {
            // A local account with the same name is never taken over: the newcomer gets a qualified name.
            var normalized = preferredName.ToUpperInvariant();
            var taken = await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, cancellationToken);
            var userName = taken ? $"{preferredName}@{new Uri(externalId.Split('|')[0]).Host}" : preferredName;
            user = new DashboardUser
            {
                UserName = userName,
                NormalizedUserName = userName.ToUpperInvariant(),
                ExternalId = externalId,
                SecurityStamp = Guid.NewGuid().ToString(),
                CreatedAtUtc = time.GetUtcNow().UtcDateTime,
            };
            db.Users.Add(user);
        }

        if (user.Disabled)
        {
            return null;
        }

        var mapped = Settings.GroupTeams.Where(m => groups.Contains(m.Key)).Select(m => m.Value).ToList();
        var teams = await db.Teams
            .Where(t => (t.IdentityProviderGroup != null && groups.Contains(t.IdentityProviderGroup)) || mapped.Contains(t.Name))
            .Select(t => t.Id)
            .ToListAsync(cancellationToken);
        user.Memberships.RemoveAll(m => m.FromIdentityProvider && !teams.Contains(m.TeamId));
        foreach (var team in teams.Where(t => user.Memberships.All(m => m.TeamId != t)))
        {
            user.Memberships.Add(new TeamMembership { TeamId = team, UserId = user.Id, FromIdentityProvider = true });
        }

        await db.SaveChangesAsync(cancellationToken);
        rights.Forget();
        return user;
    }

    /// <summary>Groups come as one claim each, or as one JSON array, depending on the provider.</summary>
    private static List<string> Groups(ClaimsPrincipal principal, string claim) =>
        principal.FindAll(claim).SelectMany(c => c.Value.StartsWith('[')
                ? JsonSerializer.Deserialize<string[]>(c.Value) ?? []
                : [c.Value])
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
