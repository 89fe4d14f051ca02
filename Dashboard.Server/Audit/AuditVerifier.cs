using System.Data;
using System.Globalization;
using System.Text.Json;
using Dashboard.Server.Data;
using Dashboard.Shared.Audit;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Audit;

/// <summary>
/// Walks the hash chain in id order, in batches (a million records is a few seconds), from the first record
/// left: that is record 1 (previous hash all zeros), or the first record after the last prune's cut, which the
/// prune record names with the hash it cut at. Each record's hash must match its canonical form, its id must
/// follow the one before, and its previous hash must be that record's hash. The first record that fails is named.
/// </summary>
public sealed class AuditVerifier(IDbContextFactory<DashboardDbContext> contexts)
{
    public const int DefaultBatch = 10_000;

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken, int batch = DefaultBatch)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // One snapshot: an append or a prune while we walk must not look like a break.
        await using var snapshot = db.Database.IsNpgsql()
            ? await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken)
            : null;

        AuditRecord? previous = null;
        long? firstId = null;
        long count = 0;
        while (true)
        {
            var after = previous?.Id ?? 0;
            var records = await db.AuditRecords.AsNoTracking().Where(r => r.Id > after).OrderBy(r => r.Id).Take(batch).ToListAsync(cancellationToken);
            foreach (var record in records)
            {
                var problem = previous is null ? await CheckStartAsync(db, record, cancellationToken) : CheckLink(previous, record);
                problem ??= AuditHash.Compute(record) == record.Hash ? null : "its content does not match its hash: it was changed after it was written";
                if (problem is not null)
                {
                    return new AuditVerification(false, count, firstId, previous?.Id, previous?.Hash, record.Id, $"record {record.Id}: {problem}");
                }

                firstId ??= record.Id;
                previous = record;
                count++;
            }

            if (records.Count < batch)
            {
                return new AuditVerification(true, count, firstId, previous?.Id, previous?.Hash, null, null);
            }
        }
    }

    private static string? CheckLink(AuditRecord previous, AuditRecord record)
    {
        if (record.Id != previous.Id + 1)
        {
            return record.Id == previous.Id + 2
                ? $"record {previous.Id + 1} before it is missing (deleted outside the prune command)"
                : $"records {previous.Id + 1} to {record.Id - 1} before it are missing (deleted outside the prune command)";
        }

        return record.PreviousHash == previous.Hash
            ? null
            : $"its previous hash is not the hash of record {previous.Id}: one of the two was rewritten";
    }

    /// <summary>The first record left is the chain's first, or the one the last prune says it cut before.</summary>
    private static async Task<string?> CheckStartAsync(DashboardDbContext db, AuditRecord first, CancellationToken cancellationToken)
    {
        if (first.Id == 1 && first.PreviousHash == AuditHash.Genesis)
        {
            return null;
        }

        var prune = await db.AuditRecords.AsNoTracking().Where(r => r.Action == AuditActions.Prune)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        if (prune is null || PruneCut.Read(prune) is not { } cut)
        {
            return $"records before it are gone, and no prune record says they were pruned";
        }

        return cut.KeptFromId == first.Id && cut.CutHash == first.PreviousHash
            ? null
            : $"it is the first record left, but the last prune (record {prune.Id}) kept records from {cut.KeptFromId}: records were deleted outside the prune command";
    }
}

/// <summary>Where a prune cut the chain: the first record it kept, and the hash that record's previous hash must be.</summary>
internal sealed record PruneCut(long KeptFromId, string CutHash)
{
    public const string KeptFromKey = "keptFromId";
    public const string CutHashKey = "cutHash";

    public static PruneCut? Read(AuditRecord prune)
    {
        try
        {
            using var json = JsonDocument.Parse(prune.Parameters ?? "{}");
            return json.RootElement.TryGetProperty(KeptFromKey, out var id) && json.RootElement.TryGetProperty(CutHashKey, out var hash) &&
                   long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var keptFrom) && hash.GetString() is { } cutHash
                ? new PruneCut(keptFrom, cutHash)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
