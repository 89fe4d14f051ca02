using System.Security.Claims;
using Dashboard.Server.Audit;
using Dashboard.Server.Data;
using Dashboard.Shared.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Access;

/// <summary>Users, teams, memberships and role bindings: fleet administrators only.</summary>
public static class AdminEndpoints
{
    public static WebApplication MapAdminApi(this WebApplication app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization(AccessExtensions.FleetAdminPolicy);
        admin.MapGet("/users", ListUsersAsync);
        admin.MapPost("/users", CreateUserAsync);
        admin.MapPut("/users/{id}/disabled", SetDisabledAsync);
        admin.MapPut("/users/{id}/password", ResetPasswordAsync);
        admin.MapGet("/teams", ListTeamsAsync);
        admin.MapPost("/teams", CreateTeamAsync);
        admin.MapPut("/teams/{id:guid}", UpdateTeamAsync);
        admin.MapDelete("/teams/{id:guid}", DeleteTeamAsync);
        admin.MapPost("/teams/{id:guid}/members", AddMemberAsync);
        admin.MapDelete("/teams/{id:guid}/members/{userId}", RemoveMemberAsync);
        admin.MapPost("/teams/{id:guid}/bindings", AddBindingAsync);
        admin.MapDelete("/bindings/{id:guid}", RemoveBindingAsync);
        return app;
    }

    private static async Task<List<UserSummary>> ListUsersAsync(IDbContextFactory<DashboardDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.Include(u => u.Memberships).ThenInclude(m => m.Team).OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        return users.Select(Summary).ToList();
    }

    private static UserSummary Summary(DashboardUser u) =>
        new(u.Id, u.UserName!, u.Disabled, u.ExternalId is not null, u.LockoutEnd?.UtcDateTime, u.CreatedAtUtc,
            u.Memberships.Select(m => m.Team?.Name ?? "").Where(n => n.Length > 0).Order(StringComparer.Ordinal).ToList());

    private static async Task<Results<Ok<UserSummary>, ProblemHttpResult>> CreateUserAsync(
        HttpContext http, UserManager<DashboardUser> users, TimeProvider time)
    {
        if (await AuthEndpoints.ReadAsync<CreateUserRequest>(http) is not { UserName.Length: > 0, Password.Length: > 0 } request)
        {
            return Bad("Send JSON {\"userName\": ..., \"password\": ...}.");
        }

        var user = new DashboardUser { UserName = request.UserName.Trim(), CreatedAtUtc = time.GetUtcNow().UtcDateTime };
        var result = await users.CreateAsync(user, request.Password);
        if (!result.Succeeded)
        {
            return Bad(string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        await ChangedAsync(http, $"created the user '{user.UserName}'", new(AuditActions.UserCreate, AuditTarget.User(user.UserName, user.Id)));
        return TypedResults.Ok(Summary(user));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> SetDisabledAsync(
        string id, HttpContext http, UserManager<DashboardUser> users, SessionStore sessions, RightsStore rights, CancellationToken cancellationToken)
    {
        if (await AuthEndpoints.ReadAsync<SetDisabledRequest>(http) is not { } request)
        {
            return Bad("Send JSON {\"disabled\": true|false}.");
        }

        if (await users.FindByIdAsync(id) is not { } user)
        {
            return TypedResults.NotFound();
        }

        if (request.Disabled && user.Id == http.User.FindFirstValue(ClaimTypes.NameIdentifier))
        {
            return Bad("You cannot disable yourself.");
        }

        user.Disabled = request.Disabled;
        await users.UpdateAsync(user);
        if (request.Disabled)
        {
            await sessions.EndAllAsync(user.Id, cancellationToken);
        }

        rights.Forget();
        await ChangedAsync(http, $"{(request.Disabled ? "disabled" : "enabled")} the user '{user.UserName}'",
            new(request.Disabled ? AuditActions.UserDisable : AuditActions.UserEnable, AuditTarget.User(user.UserName, user.Id)));
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> ResetPasswordAsync(
        string id, HttpContext http, UserManager<DashboardUser> users, SessionStore sessions, CancellationToken cancellationToken)
    {
        if (await AuthEndpoints.ReadAsync<ResetPasswordRequest>(http) is not { Password.Length: > 0 } request)
        {
            return Bad("Send JSON {\"password\": ...}.");
        }

        if (await users.FindByIdAsync(id) is not { } user)
        {
            return TypedResults.NotFound();
        }

        foreach (var validator in users.PasswordValidators)
        {
            var check = await validator.ValidateAsync(users, user, request.Password);
            if (!check.Succeeded)
            {
                return Bad(string.Join(" ", check.Errors.Select(e => e.Description)));
            }
        }

        if (await users.HasPasswordAsync(user))
        {
            await users.RemovePasswordAsync(user);
        }

        await users.AddPasswordAsync(user, request.Password);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        if (user.Id != http.User.FindFirstValue(ClaimTypes.NameIdentifier))
        {
            await sessions.EndAllAsync(user.Id, cancellationToken); // whoever knew the old password is out
        }

        await ChangedAsync(http, $"reset the password of '{user.UserName}'", new(AuditActions.UserPasswordReset, AuditTarget.User(user.UserName, user.Id)));
        return TypedResults.NoContent();
    }

    private static async Task<List<TeamSummary>> ListTeamsAsync(IDbContextFactory<DashboardDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.Include(t => t.Members).ThenInclude(m => m.User).Include(t => t.Bindings)
            .AsSplitQuery().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        return teams.Select(Summary).ToList();
    }

    private static TeamSummary Summary(Team t) =>
        new(t.Id, t.Name, t.IdentityProviderGroup,
            t.Members.Select(m => new TeamMember(m.UserId, m.User?.UserName ?? "")).OrderBy(m => m.UserName, StringComparer.Ordinal).ToList(),
            t.Bindings.OrderBy(b => b.CreatedAtUtc).Select(b => Summary(b, t.Name)).ToList());

    private static BindingSummary Summary(RoleBinding b, string team) => new(b.Id, b.TeamId, team, b.Role, b.Clusters, b.Namespaces);

    private static async Task<Results<Ok<TeamSummary>, ProblemHttpResult>> CreateTeamAsync(
        HttpContext http, IDbContextFactory<DashboardDbContext> contexts, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await AuthEndpoints.ReadAsync<TeamRequest>(http) is not { Name.Length: > 0 and <= 100 } request)
        {
            return Bad("Send JSON {\"name\": ... (up to 100 characters), \"identityProviderGroup\": ... or null}.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var name = request.Name.Trim();
        if (await db.Teams.AnyAsync(t => t.Name == name, cancellationToken))
        {
            return TypedResults.Problem($"A team named '{name}' exists already.", statusCode: StatusCodes.Status409Conflict);
        }

        var team = new Team { Id = Guid.CreateVersion7(), Name = name, IdentityProviderGroup = Blank(request.IdentityProviderGroup), CreatedAtUtc = time.GetUtcNow().UtcDateTime };
        db.Teams.Add(team);
        await db.SaveChangesAsync(cancellationToken);
        await ChangedAsync(http, $"created the team '{name}'", new(AuditActions.TeamCreate, AuditTarget.Team(name, team.Id),
            new Dictionary<string, string?> { ["identityProviderGroup"] = team.IdentityProviderGroup }));
        return TypedResults.Ok(Summary(team));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> UpdateTeamAsync(
        Guid id, HttpContext http, IDbContextFactory<DashboardDbContext> contexts, CancellationToken cancellationToken)
    {
        if (await AuthEndpoints.ReadAsync<TeamRequest>(http) is not { Name.Length: > 0 and <= 100 } request)
        {
            return Bad("Send JSON {\"name\": ... (up to 100 characters), \"identityProviderGroup\": ... or null}.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Teams.FindAsync([id], cancellationToken) is not { } team)
        {
            return TypedResults.NotFound();
        }

        var before = $"name={team.Name} identityProviderGroup={team.IdentityProviderGroup}";
        team.Name = request.Name.Trim();
        team.IdentityProviderGroup = Blank(request.IdentityProviderGroup);
        await db.SaveChangesAsync(cancellationToken);
        await ChangedAsync(http, $"updated the team '{team.Name}'", new(AuditActions.TeamUpdate, AuditTarget.Team(team.Name, team.Id), null,
            before, $"name={team.Name} identityProviderGroup={team.IdentityProviderGroup}"));
        return TypedResults.NoContent();
    }

    private static Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteTeamAsync(
        Guid id, HttpContext http, IDbContextFactory<DashboardDbContext> contexts, RightsStore rights, CancellationToken cancellationToken) =>
        ChangeAsync(http, contexts, rights, async db =>
        {
            if (await db.Teams.FindAsync([id], cancellationToken) is not { } team)
            {
                return null;
            }

            db.Teams.Remove(team);
            return new Change($"deleted the team '{team.Name}'", new(AuditActions.TeamDelete, AuditTarget.Team(team.Name, team.Id)));
        }, cancellationToken);

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> AddMemberAsync(
        Guid id, HttpContext http, IDbContextFactory<DashboardDbContext> contexts, RightsStore rights, CancellationToken cancellationToken)
    {
        if (await AuthEndpoints.ReadAsync<AddMemberRequest>(http) is not { UserName.Length: > 0 } request)
        {
            return Bad("Send JSON {\"userName\": ...}.");
        }

        return await ChangeAsync(http, contexts, rights, async db =>
        {
            var normalized = request.UserName.Trim().ToUpperInvariant();
            var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
            var team = await db.Teams.FindAsync([id], cancellationToken);
            if (user is null || team is null)
            {
                return null;
            }

            if (!await db.TeamMembers.AnyAsync(m => m.TeamId == id && m.UserId == user.Id, cancellationToken))
            {
                db.TeamMembers.Add(new TeamMembership { TeamId = id, UserId = user.Id });
            }

            return new Change($"added '{user.UserName}' to the team '{team.Name}'", new(AuditActions.TeamMemberAdd, AuditTarget.Team(team.Name, team.Id),
                new Dictionary<string, string?> { ["user"] = user.UserName, ["userId"] = user.Id }));
        }, cancellationToken);
    }

    private static Task<Results<NoContent, NotFound, ProblemHttpResult>> RemoveMemberAsync(
        Guid id, string userId, HttpContext http, IDbContextFactory<DashboardDbContext> contexts, RightsStore rights, CancellationToken cancellationToken) =>
        ChangeAsync(http, contexts, rights, async db =>
        {
            if (await db.TeamMembers.FindAsync([id, userId], cancellationToken) is not { } membership)
            {
                return null;
            }

            db.TeamMembers.Remove(membership);
            return new Change($"removed user {userId} from team {id}", new(AuditActions.TeamMemberRemove, AuditTarget.Team(null, id),
                new Dictionary<string, string?> { ["userId"] = userId }));
        }, cancellationToken);

    private static async Task<Results<Ok<BindingSummary>, NotFound, ProblemHttpResult>> AddBindingAsync(
        Guid id, HttpContext http, IDbContextFactory<DashboardDbContext> contexts, RightsStore rights, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = await AuthEndpoints.ReadAsync<BindingRequest>(http);
        if (request is null || !Enum.IsDefined(request.Role))
        {
            return Bad("Send JSON {\"role\": \"Viewer|Operator|Admin\", \"clusters\": ..., \"namespaces\": ...}.");
        }

        if (AccessScope.Validate(request.Clusters, request.Namespaces) is { } invalid)
        {
            return Bad(invalid);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Teams.FindAsync([id], cancellationToken) is not { } team)
        {
            return TypedResults.NotFound();
        }

        var binding = new RoleBinding
        {
            Id = Guid.CreateVersion7(),
            TeamId = id,
            Role = request.Role,
            Clusters = request.Clusters.Trim(),
            Namespaces = request.Namespaces.Trim(),
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
        };
        db.RoleBindings.Add(binding);
        await db.SaveChangesAsync(cancellationToken);
        rights.Forget();
        await ChangedAsync(http, $"bound the team '{team.Name}' as {binding.Role} on clusters '{binding.Clusters}', namespaces '{binding.Namespaces}'",
            new(AuditActions.BindingCreate, Binding(binding, team.Name), BindingParameters(binding)));
        return TypedResults.Ok(Summary(binding, team.Name));
    }

    private static Task<Results<NoContent, NotFound, ProblemHttpResult>> RemoveBindingAsync(
        Guid id, HttpContext http, IDbContextFactory<DashboardDbContext> contexts, RightsStore rights, CancellationToken cancellationToken) =>
        ChangeAsync(http, contexts, rights, async db =>
        {
            if (await db.RoleBindings.FindAsync([id], cancellationToken) is not { } binding)
            {
                return null;
            }

            db.RoleBindings.Remove(binding);
            return new Change($"removed the binding {binding.Role} '{binding.Clusters}' / '{binding.Namespaces}' of team {binding.TeamId}",
                new(AuditActions.BindingDelete, Binding(binding, null), BindingParameters(binding)));
        }, cancellationToken);

    /// <summary>A change described for the log (what) and for the audit history.</summary>
    private sealed record Change(string What, AuditEvent Audit);

    /// <summary>One change to teams or bindings: made in one transaction, then every cached right is dropped and live connections re-checked.</summary>
    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> ChangeAsync(
        HttpContext http, IDbContextFactory<DashboardDbContext> contexts, RightsStore rights,
        Func<DashboardDbContext, Task<Change?>> change, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await change(db) is not { } done)
        {
            return TypedResults.NotFound();
        }

        await db.SaveChangesAsync(cancellationToken);
        rights.Forget();
        await ChangedAsync(http, done.What, done.Audit);
        return TypedResults.NoContent();
    }

    /// <summary>The log line and the audit record of a change that is made.</summary>
    private static async Task ChangedAsync(HttpContext http, string what, AuditEvent audited)
    {
        AccessLog.Changed(AccessExtensions.Logger(http), http.User.Identity?.Name ?? "?", what);
        await http.AuditAsync(audited);
    }

    private static AuditTarget Binding(RoleBinding binding, string? team) => new(Kind: "RoleBinding", Name: team, Uid: binding.Id.ToString());

    private static Dictionary<string, string?> BindingParameters(RoleBinding binding) => new()
    {
        ["teamId"] = binding.TeamId.ToString(),
        ["role"] = binding.Role.ToString(),
        ["clusters"] = binding.Clusters,
        ["namespaces"] = binding.Namespaces,
    };

    private static ProblemHttpResult Bad(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
