using System.Collections.Concurrent;
using System.Threading.Channels;
using Dashboard.Server.Data;
using Dashboard.Shared.Audit;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Audit;

/// <summary>The audit history cannot be written; whatever needed a record was not done.</summary>
public sealed class AuditUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The one way into the audit history. Every append takes the chain's lock (pg_advisory_xact_lock, so replicas
/// append one after another; a process-wide semaphore for the embedded SQLite file), reads the last record,
/// and writes the next one with the last one's hash, in one transaction. Events that happened already (a sign-in,
/// a denial, an admin change) are recorded with <see cref="RecordAsync"/>; actions on clusters go through
/// <see cref="RunAsync"/>: Requested, then the call, then the outcome. Nothing here updates or deletes a record.
/// </summary>
public sealed class AuditLog(IDbContextFactory<DashboardDbContext> contexts, DatabaseTarget target, TimeProvider time, ILogger<AuditLog> logger)
{
    private static readonly SemaphoreSlim SqliteChain = new(1, 1);

    private readonly Channel<AuditEntry> _deferred = Channel.CreateBounded<AuditEntry>(new BoundedChannelOptions(100_000) { SingleReader = true });

    private readonly ConcurrentDictionary<long, byte> _awaitingOutcome = new();

    /// <summary>Raised after each record is committed (on the appending thread; handlers must be quick).</summary>
    public event Action<AuditRecord>? Appended;

    /// <summary>Records whose append failed, waiting for <see cref="AuditOutcomeWriter"/> to write them.</summary>
    internal ChannelReader<AuditEntry> Deferred => _deferred.Reader;

    /// <summary>Requested records whose outcome this process is still going to write (not to be closed as Unknown).</summary>
    internal bool IsAwaitingOutcome(long requestedId) => _awaitingOutcome.ContainsKey(requestedId);

    /// <summary>Appends one record, or throws <see cref="AuditUnavailableException"/> when the store cannot be written.</summary>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
        (await AppendUnderLockAsync((_, _, _) => Task.FromResult<AuditEntry?>(entry), cancellationToken))!;

    /// <summary>
    /// Records something that happened already. If the store cannot be written now, the record waits in the retry
    /// queue (and is logged); it never fails the caller, whose deed is done.
    /// </summary>
    public async Task RecordAsync(Actor actor, AuditEvent audited, AuditOutcome outcome = AuditOutcome.Succeeded, string? error = null)
    {
        var entry = new AuditEntry(actor, audited, outcome, Guid.CreateVersion7(), error);
        try
        {
            await AppendAsync(entry, CancellationToken.None);
        }
        catch (AuditUnavailableException e)
        {
            Defer(entry, e);
        }
    }

    /// <summary>
    /// Records something several replicas may see at once (a change in a cluster each of them watches), once:
    /// the callers derive <paramref name="correlationId"/> from what they saw, and under the chain's lock a
    /// record already holding it means another replica wrote it first. <paramref name="complete"/> finishes the
    /// event under the lock, so it can read the history as it is (what the dashboard did moments before). When
    /// the store cannot be written the record waits in the retry queue, as with <see cref="RecordAsync"/>.
    /// </summary>
    public async Task RecordOnceAsync(Actor actor, AuditEvent audited, Guid correlationId,
        Func<DashboardDbContext, AuditEvent, CancellationToken, Task<AuditEvent>> complete)
    {
        var entry = new AuditEntry(actor, audited, AuditOutcome.Succeeded, correlationId);
        try
        {
            await AppendUnderLockAsync(async (db, _, ct) =>
                await db.AuditRecords.AnyAsync(r => r.CorrelationId == correlationId, ct)
                    ? null
                    : entry = entry with { Event = await complete(db, audited, ct) }, CancellationToken.None);
        }
        catch (AuditUnavailableException e)
        {
            Defer(entry, e);
        }
    }

    /// <summary>
    /// An action on a cluster: writes Requested, runs <paramref name="call"/> (which answers the state after,
    /// e.g. "5" replicas), then writes the outcome: Succeeded, Failed with the error, or Unknown if cancelled.
    /// When Requested cannot be written, the action is refused (<see cref="AuditUnavailableException"/>) and the
    /// call is never made. When the outcome cannot be written, it waits in the retry queue.
    /// </summary>
    public async Task<string?> RunAsync(
        Actor actor, string action, AuditTarget target, IReadOnlyDictionary<string, string?>? parameters, Func<Task<string?>> call,
        string? before = null, CancellationToken cancellationToken = default)
    {
        var audited = new AuditEvent(action, target, parameters, before);
        var correlation = Guid.CreateVersion7();
        AuditRecord requested;
        try
        {
            requested = await AppendAsync(new AuditEntry(actor, audited, AuditOutcome.Requested, correlation), cancellationToken);
        }
        catch (AuditUnavailableException e)
        {
            throw new AuditUnavailableException($"Refused {action}: nothing was done, because the audit history cannot be written ({Describe(e.InnerException ?? e)}).", e.InnerException);
        }

        string? after;
        try
        {
            after = await call();
        }
        catch (OperationCanceledException)
        {
            await CloseAsync(requested.Id, new AuditEntry(actor, audited, AuditOutcome.Unknown, correlation, "cancelled before the cluster answered", requested.Id));
            throw;
        }
        catch (Exception e)
        {
            await CloseAsync(requested.Id, new AuditEntry(actor, audited, AuditOutcome.Failed, correlation, Describe(e), requested.Id));
            throw;
        }

        await CloseAsync(requested.Id, new AuditEntry(actor, audited with { After = after }, AuditOutcome.Succeeded, correlation, null, requested.Id));
        return after;
    }

    private async Task CloseAsync(long requestedId, AuditEntry outcome)
    {
        _awaitingOutcome[requestedId] = 0;
        try
        {
            await AppendAsync(outcome, CancellationToken.None);
            _awaitingOutcome.TryRemove(requestedId, out _);
        }
        catch (AuditUnavailableException e)
        {
            Defer(outcome, e); // stays "awaiting" until the queue has written it
        }
    }

    private void Defer(AuditEntry entry, AuditUnavailableException e)
    {
        if (_deferred.Writer.TryWrite(entry))
        {
            logger.LogWarning("Audit record {Action} ({Outcome}) waits to be written: {Reason}", entry.Event.Action, entry.Outcome, e.Message);
        }
        else
        {
            logger.LogCritical("Audit record {Action} ({Outcome}) by {User} on {Target} is lost: the retry queue is full. {Reason}",
                entry.Event.Action, entry.Outcome, entry.Actor.UserName, entry.Event.Target, e.Message);
        }
    }

    /// <summary>Writes a record from the retry queue; an outcome another writer recorded meanwhile is not written twice.</summary>
    internal async Task WriteDeferredAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await AppendUnderLockAsync(async (db, _, ct) =>
            entry.RequestedId is { } id && await db.AuditRecords.AnyAsync(r => r.RequestedId == id && r.Outcome == entry.Outcome, ct) ? null : entry,
            cancellationToken);
        if (entry.RequestedId is { } requested)
        {
            _awaitingOutcome.TryRemove(requested, out _);
        }
    }

    /// <summary>The chain's last link: the next record's id is Id + 1 and its previous hash is Hash.</summary>
    internal sealed record Link(long Id, string Hash)
    {
        public static readonly Link Start = new(0, AuditHash.Genesis);
    }

    /// <summary>
    /// Takes the chain's lock in a transaction, lets <paramref name="decide"/> look at the database (and the last
    /// link) and say what to append, if anything, and appends it. Prune deletes inside <paramref name="decide"/>, so
    /// its deletion and the record of it commit together.
    /// </summary>
    internal async Task<AuditRecord?> AppendUnderLockAsync(
        Func<DashboardDbContext, Link, CancellationToken, Task<AuditEntry?>> decide, CancellationToken cancellationToken)
    {
        var sqlite = target.Provider == DatabaseProvider.Sqlite;
        AuditRecord? record;
        try
        {
            if (sqlite)
            {
                await SqliteChain.WaitAsync(cancellationToken);
            }

            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                if (!sqlite)
                {
                    await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AuditSchema.ChainLock})", cancellationToken);
                }

                var last = await db.AuditRecords.OrderByDescending(r => r.Id).Select(r => new Link(r.Id, r.Hash)).FirstOrDefaultAsync(cancellationToken)
                           ?? Link.Start;
                if (await decide(db, last, cancellationToken) is not { } entry)
                {
                    return null;
                }

                record = entry.ToRecord();
                record.Id = last.Id + 1;
                record.TimeUtc = AuditHash.Truncate(time.GetUtcNow().UtcDateTime);
                record.PreviousHash = last.Hash;
                record.Hash = AuditHash.Compute(record);
                db.AuditRecords.Add(record);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            finally
            {
                if (sqlite)
                {
                    SqliteChain.Release();
                }
            }
        }
        catch (Exception e) when (e is not (OperationCanceledException or AuditUnavailableException) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AuditUnavailableException($"The audit history cannot be written: {Describe(e)}", e);
        }

        try
        {
            Appended?.Invoke(record);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "A listener of new audit records failed");
        }

        return record;
    }

    /// <summary>
    /// The chain of messages on one line, "Failed to connect to 127.0.0.1:5432: Connection refused", without the
    /// wrappers that only say to look inside.
    /// </summary>
    internal static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (!current.Message.Contains("inner exception", StringComparison.OrdinalIgnoreCase) && !messages.Contains(current.Message))
            {
                messages.Add(current.Message.ReplaceLineEndings(" ").TrimEnd('.'));
            }
        }

        return string.Join(": ", messages);
    }
}
