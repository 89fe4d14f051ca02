using System.Security.Claims;
using Dashboard.Server.Access;
using Dashboard.Server.Data;
using Dashboard.Server.Live;
using Dashboard.Shared.Audit;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Audit;

/// <summary>The filters of the audit page and its CSV export (all optional; times UTC, From inclusive, To exclusive).</summary>
public sealed record AuditFilter(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? User = null,
    string? Team = null,
    string? Cluster = null,
    string? Namespace = null,
    string? Kind = null,
    string? Action = null,
    AuditOutcome? Outcome = null,
    string? Text = null,
    string? Name = null);

/// <summary>Who reads the history: a fleet admin reads it all; anyone else what their scope allows, and their own records.</summary>
public sealed record AuditViewer(string UserId, AccessScope Scope);

/// <summary>
/// Reads the audit history newest first with keyset pagination (by id, the chain's order). A fleet admin's page is
/// one indexed query. Anyone else sees the records whose target cluster and namespace their scope allows
/// (label selectors need the cluster's labels, so this is checked here, not in SQL) plus their own records;
/// such a page is gathered in batches and stops after <see cref="MaxScan"/> records looked at, answering the
/// cursor to go on from (so a page may hold fewer than asked, and still have a next page).
/// </summary>
public sealed class AuditReader(IDbContextFactory<DashboardDbContext> contexts, RightsStore rights, ClusterDirectory clusters)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    private const int ScanBatch = 500;
    private const int MaxScan = 20_000;

    public async Task<AuditViewer> ViewerAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var current = await rights.ForAsync(user, cancellationToken);
        return new AuditViewer(current.UserId, current.Scope);
    }

    public async Task<AuditPage> PageAsync(AuditViewer viewer, AuditFilter filter, long? after, int limit, CancellationToken cancellationToken)
    {
        var admin = viewer.Scope.IsFleetAdmin;
        var batch = admin ? limit + 1 : ScanBatch;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = Filter(db.AuditRecords.AsNoTracking(), filter);
        if (!admin)
        {
            // Narrowed in SQL to the namespaces the grants name (when they name them plainly); Sees() decides after.
            query = viewer.Scope.NamespaceNames?.ToList() is { } namespaces
                ? query.Where(r => r.ActorUserId == viewer.UserId || (r.TargetCluster != null && namespaces.Contains(r.TargetNamespace!)))
                : query.Where(r => r.ActorUserId == viewer.UserId || r.TargetCluster != null);
        }

        var items = new List<AuditRecordView>(Math.Min(limit, 256));
        var cursor = after;
        var scanned = 0;
        while (true)
        {
            var from = cursor;
            var page = from is null ? query : query.Where(r => r.Id < from);
            var records = await page.OrderByDescending(r => r.Id).Take(batch).ToListAsync(cancellationToken);
            foreach (var record in records)
            {
                scanned++;
                if (!admin && !Sees(viewer, record))
                {
                    cursor = record.Id;
                    continue;
                }

                if (items.Count == limit)
                {
                    return new AuditPage(items, items[^1].Id);
                }

                items.Add(View(record, admin || record.ActorUserId == viewer.UserId));
                cursor = record.Id;
            }

            if (records.Count < batch)
            {
                return new AuditPage(items, null);
            }

            if (scanned >= MaxScan)
            {
                return new AuditPage(items, cursor);
            }
        }
    }

    /// <summary>The record as this viewer may see it, or null when they may not (for pushing new records live).</summary>
    public AuditRecordView? ViewFor(AuditViewer viewer, AuditRecord record) =>
        viewer.Scope.IsFleetAdmin || Sees(viewer, record) ? View(record, viewer.Scope.IsFleetAdmin || record.ActorUserId == viewer.UserId) : null;

    private bool Sees(AuditViewer viewer, AuditRecord record) =>
        record.ActorUserId == viewer.UserId ||
        (record.TargetCluster is { } cluster && viewer.Scope.Allows(cluster, clusters.LabelsOf(cluster), record.TargetNamespace));

    internal static IQueryable<AuditRecord> Filter(IQueryable<AuditRecord> records, AuditFilter f)
    {
        if (f.From is { } from)
        {
            var since = from.UtcDateTime;
            records = records.Where(r => r.TimeUtc >= since);
        }

        if (f.To is { } to)
        {
            var until = to.UtcDateTime;
            records = records.Where(r => r.TimeUtc < until);
        }

        if (Given(f.User) is { } user)
        {
            records = records.Where(r => r.ActorUserName == user);
        }

        if (Given(f.Team) is { } team)
        {
            // On the column itself (not an expression of it), so the database's statistics of its few distinct
            // values estimate the match well (an estimate of a handful made it scan the whole table).
            string first = $"{team},", middle = $",{team},", last = $",{team}";
            records = records.Where(r => r.ActorTeams == team || r.ActorTeams!.StartsWith(first) || r.ActorTeams.Contains(middle) || r.ActorTeams.EndsWith(last));
        }

        if (Given(f.Cluster) is { } cluster)
        {
            records = records.Where(r => r.TargetCluster == cluster);
        }

        if (Given(f.Namespace) is { } ns)
        {
            records = records.Where(r => r.TargetNamespace == ns);
        }

        if (Given(f.Kind) is { } kind)
        {
            records = records.Where(r => r.TargetKind == kind);
        }

        if (Given(f.Name) is { } name)
        {
            records = records.Where(r => r.TargetName == name);
        }

        if (Given(f.Action) is { } action)
        {
            // "auth.*" is every action of an area
            var prefix = action.EndsWith('*') ? action[..^1] : null;
            records = prefix is null ? records.Where(r => r.Action == action) : records.Where(r => r.Action.StartsWith(prefix));
        }

        if (f.Outcome is { } outcome)
        {
            records = records.Where(r => r.Outcome == outcome);
        }

        if (Given(f.Text)?.ToLowerInvariant() is { } text)
        {
            // lower(x) and strpos/instr in SQL on both databases; no StringComparison overload translates.
#pragma warning disable CA1862
            records = records.Where(r =>
                r.Action.ToLower().Contains(text) ||
                r.ActorUserName!.ToLower().Contains(text) ||
                r.TargetCluster!.ToLower().Contains(text) ||
                r.TargetNamespace!.ToLower().Contains(text) ||
                r.TargetName!.ToLower().Contains(text) ||
                r.Parameters!.ToLower().Contains(text) ||
                r.Before!.ToLower().Contains(text) ||
                r.After!.ToLower().Contains(text) ||
                r.Error!.ToLower().Contains(text));
#pragma warning restore CA1862
        }

        return records;
    }

    private static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The wire form. Where someone connected from, and with what, is shown to admins and to that person only.</summary>
    internal static AuditRecordView View(AuditRecord r, bool withConnection) =>
        new(r.Id,
            DateTime.SpecifyKind(r.TimeUtc, DateTimeKind.Utc),
            new AuditActorView(r.ActorUserName, r.ActorTeams?.Split(',') ?? [],
                withConnection ? r.ActorAddress : null, withConnection ? r.ActorUserAgent : null, r.ActorMethod),
            r.Action,
            new AuditTargetView(r.TargetCluster, r.TargetNamespace, r.TargetKind, r.TargetName, r.TargetUid),
            r.Parameters,
            r.Before,
            r.After,
            r.Outcome,
            r.Error,
            r.CorrelationId,
            r.RequestedId,
            r.Hash);
}
