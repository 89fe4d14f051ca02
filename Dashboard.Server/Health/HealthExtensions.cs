using Dashboard.Server.Clusters;
using Dashboard.Server.Data;
using Dashboard.Server.Replicas;
using Dashboard.Shared.Fleet;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dashboard.Server.Health;

public static class HealthExtensions
{
    private const string ReadyTag = "ready";

    public static WebApplicationBuilder AddHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<FirstSyncHealthCheck>("first-sync", tags: [ReadyTag])
            .AddCheck<ReplicasHealthCheck>("replicas", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>
    /// /healthz: the process answers. /readyz: it can do its work: 503 while the database is unreachable or the
    /// first sync of the clusters has not finished; 200 otherwise, "Degraded" (with the reason) when it cannot
    /// reach the other replicas. The body names each check's state and reason.
    /// </summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).AllowAnonymous();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
}

internal sealed class DatabaseHealthCheck(IDbContextFactory<DashboardDbContext> contexts, DatabaseTarget target) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await using var db = await contexts.CreateDbContextAsync(timeout.Token);
            return await db.Database.CanConnectAsync(timeout.Token)
                ? HealthCheckResult.Healthy(target.Description)
                : HealthCheckResult.Unhealthy($"{target.Description} is not reachable");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{target.Description} did not answer within 5 s");
        }
    }
}

/// <summary>Ready once every cluster has listed every kind it watches once, or failed trying (an unreachable cluster does not hold the others back).</summary>
internal sealed class FirstSyncHealthCheck(FleetWatcher fleet) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = fleet.Clusters
            .SelectMany(c => c.Health.Kinds.Where(k => !k.EverSynced && k.State != KindSyncState.Failing).Select(k => $"{c.Name}/{k.Kind}"))
            .ToList();
        return Task.FromResult(waiting.Count == 0
            ? HealthCheckResult.Healthy($"{fleet.Clusters.Count} clusters past their first sync")
            : HealthCheckResult.Unhealthy($"first sync not finished: {string.Join(", ", waiting.Take(10))}{(waiting.Count > 10 ? $" and {waiting.Count - 10} more" : "")}"));
    }
}

/// <summary>Degraded (still ready) while the replicas' Redis is unreachable: this replica serves its own connections.</summary>
internal sealed class ReplicasHealthCheck(ReplicaBus bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(bus.Configuration is null
            ? HealthCheckResult.Healthy("one replica (no ConnectionStrings:Redis)")
            : bus.Problem is { } problem ? HealthCheckResult.Degraded(problem) : HealthCheckResult.Healthy("Redis connected"));
}
