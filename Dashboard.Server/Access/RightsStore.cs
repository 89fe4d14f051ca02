using System.Collections.Concurrent;
using System.Security.Claims;
using Dashboard.Server.Data;
using Dashboard.Shared.Access;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Access;

/// <summary>A user's rights: the union of the grants of the teams they belong to.</summary>
public sealed record UserRights(string UserId, string UserName, bool Disabled, IReadOnlyList<string> Teams, AccessScope Scope);

/// <summary>
/// Reads users' rights from the database, cached for a moment: REST calls and hub connections ask for them, and
/// they change only when an administrator changes teams or bindings (which clears the cache here at once).
/// </summary>
public sealed class RightsStore(IDbContextFactory<DashboardDbContext> contexts, TimeProvider time)
{
    private static readonly TimeSpan CacheAge = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, (UserRights? Rights, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    /// <summary>Raised after an administrator changed users, teams, bindings or cluster labels, here or (told through the <see cref="Replicas.ReplicaBus"/>) on another replica.</summary>
    public event Action? Changed;

    /// <summary>Raised for a change made through this replica: the bus tells the others.</summary>
    public event Action? ChangedHere;

    /// <summary>The signed-in user's rights; none (an empty scope) for an unknown or disabled user.</summary>
    public async Task<UserRights> ForAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var rights = id is null ? null : await GetAsync(id, cancellationToken);
        return rights is { Disabled: false } ? rights : new UserRights(id ?? "", user.Identity?.Name ?? "", true, [], AccessScope.Nothing);
    }

    public async Task<UserRights?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(userId, out var hit) && now - hit.At < CacheAge)
        {
            return hit.Rights;
        }

        var loaded = await LoadAsync([userId], cancellationToken);
        var rights = loaded.GetValueOrDefault(userId);
        _cache[userId] = (rights, now);
        return rights;
    }

    /// <summary>Fresh from the database, for many users in one query.</summary>
    public async Task<IReadOnlyDictionary<string, UserRights>> LoadAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.Where(u => userIds.Contains(u.Id))
            .Select(u => new
            {
                u.Id,
                u.UserName,
                u.Disabled,
                Teams = u.Memberships.Select(m => m.Team.Name).ToList(),
                Grants = u.Memberships.SelectMany(m => m.Team.Bindings).Select(b => new { b.Role, b.Clusters, b.Namespaces }).ToList(),
            })
            .AsSplitQuery()
            .ToListAsync(cancellationToken);
        return users.ToDictionary(
            u => u.Id,
            u => new UserRights(u.Id, u.UserName!, u.Disabled, u.Teams.Order(StringComparer.Ordinal).ToList(),
                u.Disabled ? AccessScope.Nothing : AccessScope.From(u.Grants.Select(g => new Grant(g.Role, g.Clusters, g.Namespaces)))),
            StringComparer.Ordinal);
    }

    /// <summary>Call after any change to users, teams, memberships, bindings or cluster labels.</summary>
    public void Forget()
    {
        ForgetChangedElsewhere();
        ChangedHere?.Invoke();
    }

    /// <summary>Another replica changed access: drop what is cached here and tell this replica's guard.</summary>
    public void ForgetChangedElsewhere()
    {
        _cache.Clear();
        Changed?.Invoke();
    }
}
