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
/// Reads the audit history newest first with keyset pagination, in (time, id) order: each filter's index ends with
/// both, so a page, a time range included, is read straight from an index. A fleet admin's page is
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
        // An admin's page is one page's worth (and one more, to know there is a next page). Anyone else's is read in
        // rounds of ScanBatch: records may be left out, and at a small LIMIT the planner walks a (time, id) index
        // hoping for early matches where a bitmap of the filter's few is far cheaper (205 ms instead of 10 at 1M).
        var batch = admin ? limit + 1 : ScanBatch;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var teams = Given(filter.Team) is { } team ? await TeamValuesAsync(db, team, cancellationToken) : null;
        var query = Filter(db.AuditRecords.AsNoTracking(), filter, teams);
        var namespaces = admin ? null : viewer.Scope.NamespaceNames?.ToList();
        IQueryable<AuditRecord> Newest(IQueryable<AuditRecord> records) =>
            records.OrderByDescending(r => r.TimeUtc).ThenByDescending(r => r.Id).Take(batch);
        IQueryable<AuditRecord> Round((DateTime Time, long Id)? at)
        {
            var page = query;
            if (at is { } c)
            {
                // (time, id) < cursor, written so that the time bound is the index's range and the id only a filter
                var (time, id) = c;
                page = page.Where(r => r.TimeUtc <= time && (r.TimeUtc < time || r.Id < id));
            }

            if (admin)
            {
                return Newest(page);
            }

            // Someone else's page is their own records and those in their namespaces (when the grants name them
            // plainly; Sees() decides after): two plain queries the planner estimates well, not one with an OR.
            var own = page.Where(r => r.ActorUserId == viewer.UserId);
            var scoped = namespaces is null
                ? page.Where(r => r.TargetCluster != null)
                : page.Where(r => r.TargetCluster != null && namespaces.Contains(r.TargetNamespace!));
            return Newest(Newest(own).Union(Newest(scoped)));
        }

        // The cursor is a record's id; pages go on from that record's place in (time, id) order.
        (DateTime Time, long Id)? cursor = null;
        if (after is { } afterId)
        {
            var afterTime = await db.AuditRecords.Where(r => r.Id == afterId).Select(r => (DateTime?)r.TimeUtc).FirstOrDefaultAsync(cancellationToken);
            if (afterTime is null)
            {
                return new AuditPage([], null); // pruned: so is everything older
            }

            cursor = (afterTime.Value, afterId);
        }

        var items = new List<AuditRecordView>(Math.Min(limit, 256));
        var scanned = 0;
        while (true)
        {
            var records = await Round(cursor).ToListAsync(cancellationToken);
            foreach (var record in records)
            {
                scanned++;
                if (!admin && !Sees(viewer, record))
                {
                    cursor = (record.TimeUtc, record.Id);
                    continue;
                }

                if (items.Count == limit)
                {
                    return new AuditPage(items, items[^1].Id);
                }

                items.Add(View(record, admin || record.ActorUserId == viewer.UserId));
                cursor = (record.TimeUtc, record.Id);
            }

            if (records.Count < batch)
            {
                return new AuditPage(items, null);
            }

            if (scanned >= MaxScan)
            {
                return new AuditPage(items, cursor?.Id);
            }
        }
    }

    /// <summary>The record as this viewer may see it, or null when they may not (for pushing new records live).</summary>
    public AuditRecordView? ViewFor(AuditViewer viewer, AuditRecord record) =>
        viewer.Scope.IsFleetAdmin || Sees(viewer, record) ? View(record, viewer.Scope.IsFleetAdmin || record.ActorUserId == viewer.UserId) : null;

    private bool Sees(AuditViewer viewer, AuditRecord record) =>
        record.ActorUserId == viewer.UserId ||
        (record.TargetCluster is { } cluster && viewer.Scope.Allows(cluster, clusters.LabelsOf(cluster), record.TargetNamespace));

    /// <summary>
    /// The actor-teams values holding this team ("payments", "payments,sre", ...): few distinct ones, found by
    /// hopping through the index in PostgreSQL, so that the team filter is an IN list of whole values which the
    /// indexes and the statistics serve (a LIKE over the comma-separated list is neither).
    /// </summary>
    private static async Task<List<string>> TeamValuesAsync(DashboardDbContext db, string team, CancellationToken cancellationToken)
    {
        var values = db.Database.IsNpgsql()
            ? await db.Database.SqlQueryRaw<string>("""
                WITH RECURSIVE t AS (
                    (SELECT "ActorTeams" AS v FROM audit_records WHERE "ActorTeams" IS NOT NULL ORDER BY 1 LIMIT 1)
                    UNION ALL
                    SELECT (SELECT "ActorTeams" FROM audit_records WHERE "ActorTeams" > t.v ORDER BY 1 LIMIT 1) FROM t WHERE t.v IS NOT NULL)
                SELECT v AS "Value" FROM t WHERE v IS NOT NULL
                """).ToListAsync(cancellationToken)
            : await db.AuditRecords.Where(r => r.ActorTeams != null).Select(r => r.ActorTeams!).Distinct().ToListAsync(cancellationToken);
        return values.Where(v => v.Split(',').Contains(team, StringComparer.Ordinal)).ToList();
    }

    internal static IQueryable<AuditRecord> Filter(IQueryable<AuditRecord> records, AuditFilter f, List<string>? teams = null)
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

        if (teams is not null)
        {
            records = records.Where(r => teams.Contains(r.ActorTeams!));
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
            // One LIKE over the record's lowercased text (a generated column), which PostgreSQL's trigram index serves
            var pattern = "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
            records = records.Where(r => EF.Functions.Like(EF.Property<string>(r, AuditRecordConfiguration.SearchText), pattern, @"\"));
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
