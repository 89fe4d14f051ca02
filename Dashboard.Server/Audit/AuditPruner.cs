using System.Globalization;
using Dashboard.Server.Data;
using Dashboard.Shared.Audit;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Audit;

public sealed record AuditPruneResult(long Deleted, DateTime CutoffUtc, long PruneRecordId);

/// <summary>
/// Retention, the one way records leave: deletes the oldest records, up to the last one written before the
/// cutoff (always a prefix of the chain), and appends a record saying so, in one transaction under the chain's
/// lock. The prune record names the first record kept and the hash it was cut at, so the chain still verifies
/// from there. In PostgreSQL the DELETE passes the append-only trigger by <c>SET LOCAL dashboard.audit_prune</c>.
/// </summary>
public sealed class AuditPruner(AuditLog audit, TimeProvider time)
{
    public async Task<AuditPruneResult> PruneAsync(TimeSpan olderThan, Actor actor, CancellationToken cancellationToken)
    {
        var cutoff = AuditHash.Truncate(time.GetUtcNow().UtcDateTime - olderThan);
        long deleted = 0;
        var record = await audit.AppendUnderLockAsync(async (db, last, ct) =>
        {
            var records = db.AuditRecords;
            var cutId = await records.Where(r => r.TimeUtc < cutoff).MaxAsync(r => (long?)r.Id, ct);
            PruneCut kept;
            if (cutId is { } through)
            {
                var cutHash = await records.Where(r => r.Id == through).Select(r => r.Hash).SingleAsync(ct);
                deleted = await DeleteThroughAsync(db, through, ct);
                kept = new PruneCut(through + 1, cutHash);
            }
            else
            {
                // Nothing to delete: the cut stays where it was, said again so the last prune always describes it.
                var first = await records.OrderBy(r => r.Id).Select(r => new { r.Id, r.PreviousHash }).FirstOrDefaultAsync(ct);
                kept = first is null ? new PruneCut(last.Id + 1, last.Hash) : new PruneCut(first.Id, first.PreviousHash);
            }

            var parameters = new Dictionary<string, string?>
            {
                ["olderThan"] = olderThan.ToString("c", CultureInfo.InvariantCulture),
                ["cutoff"] = cutoff.ToString("O", CultureInfo.InvariantCulture),
                ["deleted"] = deleted.ToString(CultureInfo.InvariantCulture),
                [PruneCut.KeptFromKey] = kept.KeptFromId.ToString(CultureInfo.InvariantCulture),
                [PruneCut.CutHashKey] = kept.CutHash,
            };
            return new AuditEntry(actor, new AuditEvent(AuditActions.Prune, AuditTarget.None, parameters), AuditOutcome.Succeeded, Guid.CreateVersion7());
        }, cancellationToken);
        return new AuditPruneResult(deleted, cutoff, record!.Id);
    }

    private static async Task<long> DeleteThroughAsync(DashboardDbContext db, long through, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync($"SET LOCAL {AuditSchema.PruneSetting} = 'on'", cancellationToken);
            return await db.AuditRecords.Where(r => r.Id <= through).ExecuteDeleteAsync(cancellationToken);
        }

        // SQLite has no session setting: its DELETE trigger is dropped and made again in this same transaction.
        await db.Database.ExecuteSqlRawAsync("DROP TRIGGER IF EXISTS audit_records_no_delete", cancellationToken);
        var count = await db.AuditRecords.Where(r => r.Id <= through).ExecuteDeleteAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(AuditSchema.SqliteNoDelete, cancellationToken);
        return count;
    }
}
