using System.Text.Json;
using Dashboard.Server.Data;
using Dashboard.Shared.Audit;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Audit;

/// <summary>
/// Writes the records whose append failed (an outcome after the cluster call, a sign-in while the database
/// blinked), retrying with backoff until the store takes them. And closes dangling actions: at startup, and each
/// minute for the last day, a Requested record with no outcome after <c>Audit:UnknownAfterSeconds</c> (no replica
/// waits that long for a cluster) gets an Unknown outcome. What is still queued when the server stops is logged;
/// its Requested records are closed as Unknown by the next start.
/// </summary>
public sealed class AuditOutcomeWriter(
    AuditLog audit, IDbContextFactory<DashboardDbContext> contexts, IConfiguration configuration, TimeProvider time, ILogger<AuditOutcomeWriter> logger)
    : BackgroundService
{
    public const string UnknownAfterSetting = "Audit:UnknownAfterSeconds";
    public const string ClosedReason = "the server stopped before it wrote the outcome: whether the cluster did it is not known";

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private TimeSpan UnknownAfter => TimeSpan.FromSeconds(configuration.GetValue(UnknownAfterSetting, 300));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(WriteDeferredAsync(stoppingToken), SweepAsync(stoppingToken));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        while (audit.Deferred.TryRead(out var entry))
        {
            LogUnwritten(entry);
        }
    }

    private void LogUnwritten(AuditEntry entry) =>
        logger.LogCritical("Audit record not written before shutdown: {Action} ({Outcome}) by {User} on {Target}, correlation {Correlation}",
            entry.Event.Action, entry.Outcome, entry.Actor.UserName, entry.Event.Target, entry.CorrelationId);

    private async Task WriteDeferredAsync(CancellationToken stoppingToken)
    {
        AuditEntry? current = null;
        try
        {
            await foreach (var entry in audit.Deferred.ReadAllAsync(stoppingToken))
            {
                current = entry;
                var delay = TimeSpan.FromSeconds(1);
                while (true)
                {
                    try
                    {
                        await audit.WriteDeferredAsync(entry, stoppingToken);
                        logger.LogInformation("Audit record {Action} ({Outcome}) written after a retry", entry.Event.Action, entry.Outcome);
                        break;
                    }
                    catch (AuditUnavailableException e)
                    {
                        logger.LogWarning("Audit record {Action} ({Outcome}) still waits: {Reason}", entry.Event.Action, entry.Outcome, e.Message);
                        await Task.Delay(delay, time, stoppingToken);
                        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
                    }
                }

                current = null;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (current is not null)
            {
                LogUnwritten(current); // the one being retried; StopAsync logs the rest
            }
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        DateTime? since = null; // the first sweep, at startup, looks at the whole history
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var closed = await CloseDanglingAsync(since, stoppingToken);
                if (closed > 0)
                {
                    logger.LogWarning("Closed {Count} audited actions as Unknown: {Reason}", closed, ClosedReason);
                }

                since = time.GetUtcNow().UtcDateTime - UnknownAfter - TimeSpan.FromDays(1);
                await Task.Delay(SweepInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (AuditUnavailableException e)
            {
                logger.LogWarning("Could not close dangling audited actions now: {Reason}", e.Message);
                await Delay(stoppingToken);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("Could not look for dangling audited actions now: {Reason}", AuditLog.Describe(e));
                await Delay(stoppingToken);
            }
        }
    }

    private async Task Delay(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(SweepInterval, time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>Appends an Unknown outcome to each Requested record older than the limit that has none; answers how many.</summary>
    internal async Task<int> CloseDanglingAsync(DateTime? since, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - UnknownAfter;
        var closed = 0;
        long after = 0;
        while (true)
        {
            List<AuditRecord> dangling;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                var records = db.AuditRecords.AsNoTracking();
                var query = records.Where(r => r.Outcome == AuditOutcome.Requested && r.Id > after && r.TimeUtc <= cutoff &&
                                               !records.Any(o => o.RequestedId == r.Id));
                if (since is { } from)
                {
                    query = query.Where(r => r.TimeUtc >= from);
                }

                dangling = await query.OrderBy(r => r.Id).Take(500).ToListAsync(cancellationToken);
            }

            foreach (var requested in dangling.Where(r => !audit.IsAwaitingOutcome(r.Id)))
            {
                var unknown = UnknownOutcome(requested);
                var written = await audit.AppendUnderLockAsync(async (db, _, ct) =>
                    await db.AuditRecords.AnyAsync(o => o.RequestedId == requested.Id, ct) ? null : unknown, cancellationToken);
                closed += written is null ? 0 : 1;
            }

            if (dangling.Count < 500)
            {
                return closed;
            }

            after = dangling[^1].Id;
        }
    }

    private static AuditEntry UnknownOutcome(AuditRecord requested)
    {
        Dictionary<string, string?>? parameters = null;
        try
        {
            parameters = requested.Parameters is null ? null : JsonSerializer.Deserialize<Dictionary<string, string?>>(requested.Parameters);
        }
        catch (JsonException)
        {
            // a parameter list cut to size; the Requested record keeps it whole enough
        }

        var actor = new Actor(requested.ActorUserId, requested.ActorUserName,
            requested.ActorTeams?.Split(',') ?? [], requested.ActorAddress, requested.ActorUserAgent, requested.ActorMethod);
        var target = new AuditTarget(requested.TargetCluster, requested.TargetNamespace, requested.TargetKind, requested.TargetName, requested.TargetUid);
        return new AuditEntry(actor, new AuditEvent(requested.Action, target, parameters, requested.Before),
            AuditOutcome.Unknown, requested.CorrelationId, ClosedReason, requested.Id);
    }
}
