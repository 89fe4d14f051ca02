using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dashboard.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Access;

/// <summary>An active session, as the authentication handlers and the connection guard see it.</summary>
public sealed record ActiveSession(Guid Id, string UserId, string UserName, SessionKind Kind, DateTime? ExpiresAtUtc);

/// <summary>
/// Creates, finds and ends sessions. Lookups are cached for a moment (every request and every hub connection
/// asks); ending a session here drops it from the cache at once, and other replicas see it within the cache age.
/// </summary>
public sealed class SessionStore(IDbContextFactory<DashboardDbContext> contexts, TimeProvider time)
{
    public const string BrowserClaim = "sid";
    private const string ApiPrefix = "dsh_";
    private const string PersonalPrefix = "dsp_";
    private static readonly TimeSpan CacheAge = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, (ActiveSession? Session, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<Guid, DateTime> _touched = new();

    /// <summary>Sessions ended, on this replica or (told through the <see cref="Replicas.ReplicaBus"/>) another.</summary>
    public event Action? Ended;

    /// <summary>Sessions ended by a call on this replica: the bus tells the others.</summary>
    public event Action? EndedHere;

    public async Task<Guid> StartBrowserSessionAsync(string userId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var (session, _) = await CreateAsync(userId, SessionKind.Browser, null, lifetime, cancellationToken);
        return session.Id;
    }

    /// <summary>A bearer token: the secret is answered once and only its hash is kept.</summary>
    public async Task<(UserSession Session, string Secret)> CreateTokenAsync(string userId, SessionKind kind, string? name, TimeSpan? lifetime, CancellationToken cancellationToken) =>
        await CreateAsync(userId, kind, name, lifetime, cancellationToken);

    private async Task<(UserSession, string)> CreateAsync(string userId, SessionKind kind, string? name, TimeSpan? lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var secret = kind == SessionKind.Browser
            ? ""
            : (kind == SessionKind.Api ? ApiPrefix : PersonalPrefix) + Base64Url(RandomNumberGenerator.GetBytes(32));
        var session = new UserSession
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Kind = kind,
            Name = name,
            TokenHash = secret.Length == 0 ? null : Hash(secret),
            TokenPrefix = secret.Length == 0 ? null : secret[..10],
            CreatedAtUtc = now,
            ExpiresAtUtc = lifetime is { } l ? now + l : null,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return (session, secret);
    }

    public Task<ActiveSession?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        Cached(id.ToString(), db => db.Sessions.Where(s => s.Id == id), cancellationToken);

    public Task<ActiveSession?> FindByTokenAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(ApiPrefix, StringComparison.Ordinal) && !secret.StartsWith(PersonalPrefix, StringComparison.Ordinal))
        {
            return Task.FromResult<ActiveSession?>(null);
        }

        var hash = Hash(secret);
        return Cached(hash, db => db.Sessions.Where(s => s.TokenHash == hash), cancellationToken);
    }

    /// <summary>Which of these sessions are still active, read fresh (the connection guard's one query per round).</summary>
    public async Task<IReadOnlyDictionary<Guid, ActiveSession>> ActiveAmongAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<Guid, ActiveSession>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var sessions = await Active(db.Sessions.Where(s => ids.Contains(s.Id))).ToListAsync(cancellationToken);
        return sessions.ToDictionary(s => s.Id);
    }

    public async Task EndAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await db.Sessions.Where(s => s.Id == id && s.EndedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAtUtc, now), cancellationToken);
        Forget();
    }

    public async Task EndAllAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await db.Sessions.Where(s => s.UserId == userId && s.EndedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAtUtc, now), cancellationToken);
        Forget();
    }

    /// <summary>Drops every cached lookup (after a sign-out, a revocation or a user's change) and tells the guard.</summary>
    public void Forget()
    {
        ForgetEndedElsewhere();
        EndedHere?.Invoke();
    }

    /// <summary>Another replica ended sessions: drop what is cached here and tell this replica's guard.</summary>
    public void ForgetEndedElsewhere()
    {
        _cache.Clear();
        Ended?.Invoke();
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private async Task<ActiveSession?> Cached(string key, Func<DashboardDbContext, IQueryable<UserSession>> query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && now - hit.At < CacheAge &&
            (hit.Session?.ExpiresAtUtc is null || hit.Session.ExpiresAtUtc > now.UtcDateTime))
        {
            return hit.Session;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var session = await Active(query(db)).FirstOrDefaultAsync(cancellationToken);
        _cache[key] = (session, now);
        return session;
    }

    private IQueryable<ActiveSession> Active(IQueryable<UserSession> sessions)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return sessions
            .Where(s => s.EndedAtUtc == null && (s.ExpiresAtUtc == null || s.ExpiresAtUtc > now) && !s.User.Disabled)
            .Select(s => new ActiveSession(s.Id, s.UserId, s.User.UserName!, s.Kind, s.ExpiresAtUtc));
    }

    /// <summary>Records when a personal token was last used, at most once a minute per token.</summary>
    public async Task TouchAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (_touched.TryGetValue(id, out var last) && now - last < TimeSpan.FromMinutes(1))
        {
            return;
        }

        _touched[id] = now;
        var before = now.AddMinutes(-1);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Sessions.Where(s => s.Id == id && (s.LastUsedAtUtc == null || s.LastUsedAtUtc < before))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastUsedAtUtc, now), cancellationToken);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
