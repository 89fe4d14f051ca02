using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Dashboard.Testing;

/// <summary>
/// A real OpenID Connect provider (OpenIddict) on 127.0.0.1 and a free port, for signing in end to end.
/// There is no login page: the authorization endpoint signs in the user last given to <see cref="SetUser"/>
/// at once, as an identity provider would for a user who already has a session there.
/// Stores nothing: OpenIddict runs in degraded mode and the handlers below check clients against
/// <see cref="RegisterClient"/>; authorization codes are self-contained encrypted tokens.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    /// <summary>The claim that carries the user's groups, always a JSON array.</summary>
    public const string GroupsClaim = "groups";

    private readonly Lock _registering = new();
    // Replaced whole, never changed in place, so the request handlers read them without locking.
    private volatile ImmutableDictionary<string, Client> _clients = ImmutableDictionary.Create<string, Client>(StringComparer.Ordinal);
    private volatile User? _user;
    private WebApplication? _app;

    private OidcProvider(Uri issuer) => Issuer = issuer;

    /// <summary>The issuer and authority, e.g. http://127.0.0.1:PORT/.</summary>
    public Uri Issuer { get; }

    public static async Task<OidcProvider> StartAsync()
    {
        var port = Network.FreePort();
        var provider = new OidcProvider(new Uri($"http://127.0.0.1:{port}/"));
        provider._app = provider.Build(port);
        try
        {
            await provider._app.StartAsync();
        }
        catch
        {
            await provider._app.DisposeAsync();
            throw;
        }

        return provider;
    }

    /// <summary>
    /// Registers a confidential client, or adds redirect URIs to one already registered with the same secret.
    /// </summary>
    public void RegisterClient(string clientId, string clientSecret, string redirectUri, string? postLogoutRedirectUri = null)
    {
        lock (_registering)
        {
            var client = _clients.GetValueOrDefault(clientId) ?? new Client(clientSecret, [], []);
            if (client.Secret != clientSecret)
            {
                throw new ArgumentException($"Client {clientId} is already registered with another secret", nameof(clientSecret));
            }

            _clients = _clients.SetItem(clientId, client with
            {
                RedirectUris = client.RedirectUris.Add(redirectUri),
                PostLogoutRedirectUris = postLogoutRedirectUri is null
                    ? client.PostLogoutRedirectUris
                    : client.PostLogoutRedirectUris.Add(postLogoutRedirectUri),
            });
        }
    }

    /// <summary>Decides who the next authorization request signs in.</summary>
    public void SetUser(string subject, string userName, params string[] groups) =>
        _user = new User(subject, userName, [.. groups]);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private WebApplication Build(int port)
    {
        // The empty builder reads no appsettings.json: the test's output folder holds the dashboard's.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        // Authentication brings data protection, which would otherwise keep a key ring in the home directory.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(Issuer)
                .SetAuthorizationEndpointUris("connect/authorize")
                .SetTokenEndpointUris("connect/token")
                .SetEndSessionEndpointUris("connect/endsession");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.RegisterScopes(Scopes.Profile, Scopes.Email, GroupsClaim);
            // Keys of this provider only, in memory. Not AddEphemeral*Key: those take seconds each to make.
            options.AddSigningKey(new RsaSecurityKey(RSA.Create(2048)))
                .AddEncryptionKey(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));
            options.DisableAccessTokenEncryption();
            options.EnableDegradedMode().DisableTokenStorage().DisableAuthorizationStorage();
            options.UseAspNetCore().DisableTransportSecurityRequirement();

            options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                ValidateAuthorizationRequest(context);
                return default;
            }));
            options.AddEventHandler<HandleAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                HandleAuthorizationRequest(context);
                return default;
            }));
            options.AddEventHandler<GenerateTokenContext>(handler => handler
                .UseInlineHandler(context =>
                {
                    WriteGroupsAsArray(context);
                    return default;
                })
                .SetOrder(OpenIddictServerHandlers.Protection.GenerateIdentityModelToken.Descriptor.Order - 1));
            options.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                ValidateTokenRequest(context);
                return default;
            }));
            options.AddEventHandler<ValidateEndSessionRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                ValidateEndSessionRequest(context);
                return default;
            }));
            options.AddEventHandler<HandleEndSessionRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                context.SignOut();
                return default;
            }));
        });

        var app = builder.Build();
        app.UseAuthentication();
        return app;
    }

    private void ValidateAuthorizationRequest(ValidateAuthorizationRequestContext context)
    {
        var client = FindClient(context.ClientId);
        if (client is null)
        {
            context.Reject(Errors.InvalidClient, "The client_id is not registered.");
        }
        else if (context.RedirectUri is null || !client.RedirectUris.Contains(context.RedirectUri))
        {
            // Rejected here, OpenIddict answers with an error page rather than redirecting to the unknown URI.
            context.Reject(Errors.InvalidRequest, "The redirect_uri is not registered for this client.");
        }
    }

    private void HandleAuthorizationRequest(HandleAuthorizationRequestContext context)
    {
        var user = _user;
        if (user is null)
        {
            context.Reject(Errors.LoginRequired, "No user is signed in at the identity provider (call SetUser).");
            return;
        }

        var identity = new ClaimsIdentity(authenticationType: "OidcProvider", nameType: Claims.Name, roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, user.Subject)
            .SetClaim(Claims.Name, user.UserName)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(Claims.Email, $"{user.UserName}@example.test")
            .SetClaims(GroupsClaim, user.Groups);
        identity.SetScopes(context.Request.GetScopes());
        identity.SetDestinations(static _ => [Destinations.AccessToken, Destinations.IdentityToken]);
        context.SignIn(new ClaimsPrincipal(identity));
    }

    /// <summary>
    /// OpenIddict keeps groups as one claim per group, which a JWT shows as a string when there is only one.
    /// Identity providers send an array however many groups there are, so the tokens given to clients do too.
    /// </summary>
    private static void WriteGroupsAsArray(GenerateTokenContext context)
    {
        if (context.TokenType is not (TokenTypeIdentifiers.IdentityToken or TokenTypeIdentifiers.AccessToken)
            || context.SecurityTokenDescriptor.Subject is not { } subject)
        {
            return;
        }

        var groups = subject.FindAll(GroupsClaim).ToList();
        foreach (var claim in groups)
        {
            subject.RemoveClaim(claim);
        }

        context.SecurityTokenDescriptor.Claims ??= new Dictionary<string, object>(StringComparer.Ordinal);
        context.SecurityTokenDescriptor.Claims[GroupsClaim] = groups.Select(c => c.Value).ToArray();
    }

    private void ValidateTokenRequest(ValidateTokenRequestContext context)
    {
        var client = FindClient(context.ClientId);
        if (client is null || context.ClientSecret != client.Secret)
        {
            context.Reject(Errors.InvalidClient, "The client_id or client_secret is not valid.");
        }
    }

    private void ValidateEndSessionRequest(ValidateEndSessionRequestContext context)
    {
        if (context.PostLogoutRedirectUri is null)
        {
            return;
        }

        // A browser's end-session request names its client only through the id_token_hint, if at all.
        var clientId = context.ClientId ?? context.IdentityTokenHintPrincipal?.GetAudiences().FirstOrDefault();
        var registered = clientId is not null
            ? FindClient(clientId)?.PostLogoutRedirectUris.Contains(context.PostLogoutRedirectUri) is true
            : _clients.Values.Any(c => c.PostLogoutRedirectUris.Contains(context.PostLogoutRedirectUri));
        if (!registered)
        {
            context.Reject(Errors.InvalidRequest, "The post_logout_redirect_uri is not registered.");
        }
    }

    private Client? FindClient(string? clientId) => clientId is null ? null : _clients.GetValueOrDefault(clientId);

    private sealed record User(string Subject, string UserName, ImmutableArray<string> Groups);

    private sealed record Client(string Secret, ImmutableHashSet<string> RedirectUris, ImmutableHashSet<string> PostLogoutRedirectUris);
}
