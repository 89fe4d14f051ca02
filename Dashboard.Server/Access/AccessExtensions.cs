using System.Data.Common;
using System.Security.Claims;
using Dashboard.Server.Audit;
using Dashboard.Server.Data;
using Dashboard.Shared.Audit;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Identity;

namespace Dashboard.Server.Access;

/// <summary>
/// Secure by default: every endpoint, the hub included, needs a signed-in user unless it says otherwise
/// (the fallback policy covers endpoints nobody thought of). A browser signs in with a cookie naming a
/// server-side session; scripts use bearer tokens; single sign-on is there when configured.
/// </summary>
public static class AccessExtensions
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string DefaultScheme = "Dashboard";
    public const string FleetAdminPolicy = "FleetAdmin";
    public const string AntiforgeryHeader = "X-XSRF-TOKEN";

    /// <summary>How the session began (password, single sign-on, session token, personal token): the audit history names it.</summary>
    public const string SignInMethodClaim = "dashboard:signin-method";

    public static WebApplicationBuilder AddAccess(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var settings = builder.Configuration.GetSection("Access");
        services.AddSingleton<SessionStore>();
        services.AddSingleton<RightsStore>();
        services.AddSingleton<ConnectionGuard>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectionGuard>());
        services.AddHostedService<AdminBootstrap>();
        services.AddScoped<SingleSignOn>();

        services.AddDataProtection().SetApplicationName("fleet-dashboard").PersistKeysToDbContext<DashboardDbContext>();
        services.AddIdentityCore<DashboardUser>(options =>
            {
                options.Password.RequiredLength = 10;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(settings.GetValue("LockoutMinutes", 5));
                options.Lockout.AllowedForNewUsers = true;
            })
            .AddEntityFrameworkStores<DashboardDbContext>()
            .AddSignInManager();

        var authentication = services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, "Session cookie or bearer token", options =>
                options.ForwardDefaultSelector = context =>
                    TokenAuthenticationHandler.TokenOf(context.Request) is null ? CookieScheme : TokenAuthenticationHandler.SchemeName)
            .AddCookie(CookieScheme, options =>
            {
                options.Cookie.Name = "dashboard.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax; // Strict would drop it on the way back from single sign-on
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromMinutes(settings.GetValue("IdleTimeoutMinutes", 30));
                options.SlidingExpiration = true;
                options.LoginPath = "/signin";
                options.ReturnUrlParameter = "returnUrl";
                options.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden);
                options.Events.OnValidatePrincipal = ValidateSessionAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        SingleSignOn.Register(authentication, builder.Configuration);

        services.AddAuthorization(options =>
        {
            options.DefaultPolicy = new AuthorizationPolicyBuilder(DefaultScheme).RequireAuthenticatedUser().Build();
            // Any endpoint that says nothing needs a signed-in user, except the client's own framework files (some
            // of which, like the resource collection, are mapped without metadata one could mark).
            options.FallbackPolicy = new AuthorizationPolicyBuilder(DefaultScheme)
                .RequireAssertion(context => context.User.Identity?.IsAuthenticated == true ||
                                             (context.Resource is HttpContext http && IsClientFile(http.Request.Path)))
                .Build();
            options.AddPolicy(FleetAdminPolicy, policy => policy.AddAuthenticationSchemes(DefaultScheme).RequireAuthenticatedUser()
                .AddRequirements(new FleetAdminRequirement()));
        });
        services.AddSingleton<IAuthorizationHandler, FleetAdminHandler>();
        services.AddSingleton<AnonymousAuditThrottle>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, DeniedRequestLogger>();
        services.AddAntiforgery(options =>
        {
            options.HeaderName = AntiforgeryHeader;
            options.Cookie.Name = "dashboard.xsrf";
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<DatabaseDownHandler>();
        return builder;
    }

    public static WebApplication UseAccess(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.Use(CheckHubOrigin);
        app.UseAuthorization();
        app.Use(CheckAntiforgery);
        return app;
    }

    public static ClaimsPrincipal Principal(string userId, string userName, Guid sessionId, string scheme, string method) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, userId),
                new Claim(ClaimTypes.Name, userName),
                new Claim(SessionStore.BrowserClaim, sessionId.ToString()),
                new Claim(SignInMethodClaim, method),
            ],
            scheme));

    public static Guid? SessionId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(SessionStore.BrowserClaim), out var id) ? id : null;

    /// <summary>API, hub and metrics callers get a status code; a browser asking for a page is sent to sign in.</summary>
    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsMachinePath(context.Request.Path) || status == StatusCodes.Status403Forbidden)
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    /// <summary>The WebAssembly app's files: code and styles anyone may load, holding no data.</summary>
    public static bool IsClientFile(PathString path) =>
        path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content");

    private static bool IsMachinePath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/metrics");

    /// <summary>A cookie is good only while its server-side session is: signed out, expired or disabled ends it.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionStore>();
        if (context.Principal?.SessionId() is not { } id ||
            await sessions.FindAsync(id, context.HttpContext.RequestAborted) is not { } session ||
            session.UserId != context.Principal.FindFirstValue(ClaimTypes.NameIdentifier))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    /// <summary>A cross-site page must not open a live connection riding on the user's cookie.</summary>
    private static async Task CheckHubOrigin(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments(FleetHubRoute.Path) && context.Request.Headers.Origin.ToString() is { Length: > 0 } origin)
        {
            var own = $"{context.Request.Scheme}://{context.Request.Host}";
            var allowed = context.RequestServices.GetRequiredService<IConfiguration>().GetSection("Access:AllowedOrigins").Get<string[]>() ?? [];
            if (!string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) && !allowed.Contains(origin, StringComparer.OrdinalIgnoreCase))
            {
                AccessLog.OriginRefused(Logger(context), origin, own);
                await context.AuditAsync(Denial(context, $"origin {origin} is not the app's ({own})"), AuditOutcome.Denied, "cross-origin hub connection refused");
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
        }

        await next(context);
    }

    /// <summary>
    /// Writes authenticated by the cookie must carry the antiforgery token (from GET /api/me) in a header;
    /// bearer-token requests carry no cookie and need none. Sign-in carries its own credentials, and the hub
    /// is guarded by its origin check.
    /// </summary>
    private static async Task CheckAntiforgery(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method) &&
            context.User.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme } &&
            !request.Path.StartsWithSegments(FleetHubRoute.Path) &&
            !request.Path.StartsWithSegments("/api/auth/signin") &&
            !request.Path.StartsWithSegments("/api/session") &&
            !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
        {
            AccessLog.Denied(Logger(context), request.Method, request.Path, context.User.Identity.Name ?? "?", "missing or invalid antiforgery token");
            await context.AuditAsync(Denial(context, "missing or invalid antiforgery token"), AuditOutcome.Denied, "missing or invalid antiforgery token");
            await Results.Problem($"This request needs the antiforgery token in the {AntiforgeryHeader} header (GET /api/me answers it).",
                statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    internal static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(AccessLog.Category);

    /// <summary>A refused request as the audit history keeps it: the endpoint is the target.</summary>
    internal static AuditEvent Denial(HttpContext context, string reason) =>
        new(AuditActions.Denied, AuditTarget.Endpoint(context.Request.Path),
            new Dictionary<string, string?> { ["method"] = context.Request.Method, ["path"] = context.Request.Path, ["reason"] = reason });
}

public sealed class FleetAdminRequirement : IAuthorizationRequirement;

/// <summary>Admin over the whole fleet, read fresh from the user's bindings (not from what the cookie says).</summary>
internal sealed class FleetAdminHandler(RightsStore rights) : AuthorizationHandler<FleetAdminRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, FleetAdminRequirement requirement)
    {
        if ((await rights.ForAsync(context.User, CancellationToken.None)).Scope.IsFleetAdmin)
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// Every refused request leaves a structured event; a signed-in user's refusal also an audit record (Denied).
/// Callers who are not signed in are nobody in particular and cost nothing to be: their refusals are recorded
/// once a minute per address (every one is logged), so that they cannot flood the history or hold its lock.
/// </summary>
internal sealed class DeniedRequestLogger(AnonymousAuditThrottle throttle) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            var reason = authorizeResult.Forbidden ? "forbidden" : "not signed in";
            AccessLog.Denied(AccessExtensions.Logger(context), context.Request.Method, context.Request.Path,
                context.User.Identity?.Name ?? "anonymous", reason);
            if (context.User.Identity?.IsAuthenticated == true || throttle.Allows("denied", context))
            {
                await context.AuditAsync(AccessExtensions.Denial(context, reason), AuditOutcome.Denied, reason);
            }
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>
/// What anyone can cause without an account (a refusal, a sign-in as a name that does not exist) is recorded
/// once a minute per address and kind, so that it cannot flood the audit history or hold its lock; every one
/// is still logged. What concerns an account (a wrong password, a lockout) is always recorded.
/// </summary>
internal sealed class AnonymousAuditThrottle(TimeProvider time)
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);
    private const int MaxKeys = 10_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _last = new(StringComparer.Ordinal);

    public bool Allows(string kind, HttpContext context)
    {
        var key = $"{kind} {context.Connection.RemoteIpAddress}";
        var now = time.GetUtcNow();
        if (_last.TryGetValue(key, out var last) && now - last < Every)
        {
            return false;
        }

        if (_last.Count >= MaxKeys)
        {
            foreach (var old in _last.Where(a => now - a.Value >= Every).Select(a => a.Key).ToList())
            {
                _last.TryRemove(old, out _);
            }
        }

        _last[key] = now;
        return true;
    }
}

/// <summary>The database being away is said plainly, as a 503 (nothing is half-written: each change is one transaction).</summary>
internal sealed class DatabaseDownHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (DbException or TimeoutException or Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException) &&
            exception.InnerException is not (DbException or TimeoutException))
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new()
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = 503, Title = "The database is not reachable", Detail = "Nothing was changed. Try again when the database is back." },
            Exception = exception,
        });
    }
}
