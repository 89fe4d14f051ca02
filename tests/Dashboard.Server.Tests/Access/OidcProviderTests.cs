using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dashboard.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dashboard.Server.Tests.Access;

/// <summary>
/// The test identity provider speaks real OpenID Connect: the authorization code flow with PKCE done by hand
/// over HTTP, and an id_token that validates against the keys the provider publishes.
/// </summary>
public sealed class OidcProviderTests : IAsyncLifetime
{
    private const string ClientId = "dashboard";
    private const string ClientSecret = "dashboard-secret";
    private const string RedirectUri = "http://127.0.0.1:5999/signin-oidc";
    private const string SignedOutUri = "http://127.0.0.1:5999/signout-callback-oidc";

    private OidcProvider _provider = null!;
    private HttpClient _http = null!;
    private Discovery _discovery = null!;

    public async Task InitializeAsync()
    {
        _provider = await OidcProvider.StartAsync();
        _provider.RegisterClient(ClientId, ClientSecret, RedirectUri, SignedOutUri);
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _provider.Issuer };
        _discovery = (await _http.GetFromJsonAsync<Discovery>(".well-known/openid-configuration"))!;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _provider.DisposeAsync();
    }

    [Fact]
    public void Discovery_names_the_issuer_and_the_endpoints()
    {
        Assert.Equal(_provider.Issuer.ToString(), _discovery.issuer);
        Assert.Equal(new Uri(_provider.Issuer, "connect/authorize").ToString(), _discovery.authorization_endpoint);
        Assert.Equal(new Uri(_provider.Issuer, "connect/token").ToString(), _discovery.token_endpoint);
        Assert.Equal(new Uri(_provider.Issuer, "connect/endsession").ToString(), _discovery.end_session_endpoint);
        Assert.Contains("S256", _discovery.code_challenge_methods_supported);
    }

    [Theory]
    [InlineData("fleet-admins,viewers")]
    [InlineData("fleet-admins")]
    [InlineData("")]
    public async Task Code_flow_with_pkce_signs_in_the_set_user_with_groups_as_an_array(string groupList)
    {
        var groups = groupList.Split(',', StringSplitOptions.RemoveEmptyEntries);
        _provider.SetUser("user-42", "alice", groups);
        var pkce = Pkce.Create();

        var code = await AuthorizeAsync(pkce.Challenge);
        using var response = await RedeemAsync(code, pkce.Verifier, ClientSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        var idToken = await ValidateAsync(tokens.id_token!, ClientId);
        Assert.Equal("user-42", idToken.Subject);
        Assert.Equal("alice", idToken.GetClaim("preferred_username").Value);
        Assert.Equal("alice", idToken.GetClaim("name").Value);
        Assert.Equal("alice@example.test", idToken.GetClaim("email").Value);
        Assert.Equal("nonce-1", idToken.GetClaim("nonce").Value);
        Assert.Equal(groups, GroupsInPayload(idToken));
        // The access token is a plain signed JWT too, carrying the same groups.
        Assert.Equal(groups, GroupsInPayload(new JsonWebToken(tokens.access_token!)));
    }

    [Fact]
    public async Task Form_post_response_mode_posts_the_code_to_the_redirect_uri()
    {
        // The ASP.NET Core OpenID Connect handler asks for form_post unless told otherwise.
        _provider.SetUser("user-42", "alice", "viewers");

        using var response = await _http.GetAsync(AuthorizeUrl(Pkce.Create().Challenge, RedirectUri, responseMode: "form_post"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"action=\"{RedirectUri}\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"code\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"state\" value=\"state-1\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_user_the_client_is_told_login_is_required()
    {
        using var response = await _http.GetAsync(AuthorizeUrl(Pkce.Create().Challenge, RedirectUri));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("login_required", query["error"].ToString());
        Assert.Equal("state-1", query["state"].ToString());
    }

    [Fact]
    public async Task Unregistered_redirect_uri_is_refused_without_redirecting_there()
    {
        _provider.SetUser("user-42", "alice", "viewers");

        using var response = await _http.GetAsync(AuthorizeUrl(Pkce.Create().Challenge, "http://127.0.0.1:6666/steal"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Unknown_client_is_refused()
    {
        _provider.SetUser("user-42", "alice", "viewers");

        using var response = await _http.GetAsync(AuthorizeUrl(Pkce.Create().Challenge, RedirectUri, clientId: "stranger"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("invalid_client", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_client_secret_is_refused_at_the_token_endpoint()
    {
        _provider.SetUser("user-42", "alice", "viewers");
        var pkce = Pkce.Create();
        var code = await AuthorizeAsync(pkce.Challenge);

        using var response = await RedeemAsync(code, pkce.Verifier, "not-the-secret");

        Assert.False(response.IsSuccessStatusCode);
        var error = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.Equal("invalid_client", error.error);
        Assert.Null(error.id_token);
    }

    [Fact]
    public async Task Wrong_code_verifier_is_refused_at_the_token_endpoint()
    {
        _provider.SetUser("user-42", "alice", "viewers");
        var code = await AuthorizeAsync(Pkce.Create().Challenge);

        using var response = await RedeemAsync(code, Pkce.Create().Verifier, ClientSecret);

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal("invalid_grant", (await response.Content.ReadFromJsonAsync<TokenResponse>())!.error);
    }

    [Fact]
    public async Task End_session_redirects_to_a_registered_post_logout_uri_only()
    {
        using var registered = await _http.GetAsync($"{_discovery.end_session_endpoint}?post_logout_redirect_uri={Uri.EscapeDataString(SignedOutUri)}&state=s1");
        using var unregistered = await _http.GetAsync($"{_discovery.end_session_endpoint}?post_logout_redirect_uri={Uri.EscapeDataString("http://127.0.0.1:6666/")}");

        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal($"{SignedOutUri}?state=s1", registered.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, unregistered.StatusCode);
    }

    private string AuthorizeUrl(string challenge, string redirectUri, string clientId = ClientId, string responseMode = "query") =>
        QueryHelpers.AddQueryString(_discovery.authorization_endpoint, new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["response_type"] = "code",
            ["response_mode"] = responseMode,
            ["scope"] = "openid profile email",
            ["redirect_uri"] = redirectUri,
            ["state"] = "state-1",
            ["nonce"] = "nonce-1",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });

    /// <summary>The authorization request, answered at once with a redirect carrying the code.</summary>
    private async Task<string> AuthorizeAsync(string challenge)
    {
        using var response = await _http.GetAsync(AuthorizeUrl(challenge, RedirectUri));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(RedirectUri, location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("state-1", query["state"].ToString());
        return query["code"].ToString();
    }

    private Task<HttpResponseMessage> RedeemAsync(string code, string verifier, string secret) =>
        _http.PostAsync(_discovery.token_endpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["client_id"] = ClientId,
            ["client_secret"] = secret,
            ["code_verifier"] = verifier,
        }));

    private async Task<JsonWebToken> ValidateAsync(string token, string audience)
    {
        var keys = new JsonWebKeySet(await _http.GetStringAsync(_discovery.jwks_uri));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = _discovery.issuer,
            ValidAudience = audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
        });
        Assert.True(result.IsValid, result.Exception?.ToString());
        return (JsonWebToken)result.SecurityToken;
    }

    /// <summary>The raw "groups" member of the token's payload, which must be a JSON array however many groups.</summary>
    private static string[] GroupsInPayload(JsonWebToken token)
    {
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(token.EncodedPayload));
        var groups = payload.RootElement.GetProperty("groups");
        Assert.Equal(JsonValueKind.Array, groups.ValueKind);
        return [.. groups.EnumerateArray().Select(g => g.GetString()!)];
    }

    private sealed record Pkce(string Verifier, string Challenge)
    {
        public static Pkce Create()
        {
            var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            return new Pkce(verifier, Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
        }
    }

#pragma warning disable IDE1006 // JSON member names as the protocol spells them
    private sealed record Discovery(string issuer, string authorization_endpoint, string token_endpoint,
        string end_session_endpoint, string jwks_uri, string[] code_challenge_methods_supported);

    private sealed record TokenResponse(string? id_token, string? access_token, string? error);
#pragma warning restore IDE1006
}
