using System.Text.Json.Serialization;

namespace Dashboard.Shared.Access;

/// <summary>What a team may do over a binding's scope. Each role includes the ones before it. Named on the wire.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TeamRole>))]
public enum TeamRole
{
    /// <summary>Read.</summary>
    Viewer,

    /// <summary>Read and act (scale, restart, delete, cordon, drain).</summary>
    Operator,

    /// <summary>Everything; over the whole fleet (clusters "*", namespaces "*") also users, teams, bindings and clusters.</summary>
    Admin,
}

/// <summary>POST /api/auth/signin (sets the session cookie) and POST /api/session (answers a bearer token).</summary>
public sealed record SignInRequest(string Username, string Password);

/// <summary>The answer of POST /api/session: a short-lived bearer token with the user's rights.</summary>
public sealed record SessionToken(string Token, DateTime ExpiresAt);

/// <summary>How one can sign in here: GET /api/auth/providers (anonymous).</summary>
public sealed record SignInOptions(bool Local, string? SingleSignOnName);

/// <summary>
/// One grant of a binding. Clusters is a selector: "*", or comma-separated terms, each a name (globs with *)
/// or a label requirement key=value / key!=value over provider, environment, region; names are alternatives,
/// label requirements must all hold. Namespaces is "*" (which includes cluster-scoped objects such as nodes)
/// or comma-separated namespace globs.
/// </summary>
public sealed record Grant(TeamRole Role, string Clusters, string Namespaces);

/// <summary>GET /api/me: who is signed in, what they may do, and the antiforgery token for cookie-authenticated writes.</summary>
public sealed record CurrentUser(
    string Id,
    string UserName,
    bool IsAdmin,
    IReadOnlyList<string> Teams,
    IReadOnlyList<Grant> Grants,
    string? AntiforgeryToken);

public sealed record UserSummary(
    string Id,
    string UserName,
    bool Disabled,
    bool External,
    DateTime? LockedOutUntilUtc,
    DateTime CreatedAtUtc,
    IReadOnlyList<string> Teams);

/// <summary>POST /api/admin/users.</summary>
public sealed record CreateUserRequest(string UserName, string Password);

/// <summary>PUT /api/admin/users/{id}/password.</summary>
public sealed record ResetPasswordRequest(string Password);

/// <summary>PUT /api/admin/users/{id}/disabled.</summary>
public sealed record SetDisabledRequest(bool Disabled);

public sealed record TeamSummary(
    Guid Id,
    string Name,
    string? IdentityProviderGroup,
    IReadOnlyList<TeamMember> Members,
    IReadOnlyList<BindingSummary> Bindings);

public sealed record TeamMember(string UserId, string UserName);

/// <summary>POST /api/admin/teams, PUT /api/admin/teams/{id}.</summary>
public sealed record TeamRequest(string Name, string? IdentityProviderGroup);

/// <summary>POST /api/admin/teams/{id}/members.</summary>
public sealed record AddMemberRequest(string UserName);

public sealed record BindingSummary(Guid Id, Guid TeamId, string Team, TeamRole Role, string Clusters, string Namespaces);

/// <summary>POST /api/admin/teams/{id}/bindings.</summary>
public sealed record BindingRequest(TeamRole Role, string Clusters, string Namespaces);

public sealed record ApiTokenSummary(Guid Id, string Name, string Prefix, DateTime CreatedAtUtc, DateTime? ExpiresAtUtc, DateTime? LastUsedAtUtc);

/// <summary>POST /api/me/tokens.</summary>
public sealed record CreateApiTokenRequest(string Name, int? ExpiresInDays);

/// <summary>The answer of POST /api/me/tokens: the secret is shown this once and stored only hashed.</summary>
public sealed record CreatedApiToken(ApiTokenSummary Token, string Secret);

/// <summary>A cluster an administrator registered; its credentials are stored encrypted and never shown again.</summary>
public sealed record RegisteredCluster(
    Guid Id,
    string Name,
    string Server,
    string? Provider,
    string? Environment,
    string? Region,
    DateTime CreatedAtUtc);

/// <summary>POST /api/admin/clusters: a kubeconfig (pasted or uploaded) and which of its contexts to use.</summary>
public sealed record AddClusterRequest(
    string Kubeconfig,
    string? Context,
    string? Name,
    string? Provider,
    string? Environment,
    string? Region);

/// <summary>PUT /api/admin/clusters/{id}/labels.</summary>
public sealed record ClusterLabelsRequest(string? Provider, string? Environment, string? Region);
