using Dashboard.Server.Audit;
using Dashboard.Server.Data;
using Dashboard.Shared.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.Server.Tests.Audit;

/// <summary>The audit store's parts over any PostgreSQL database, outside a server (a replica, a stopped server, a fake clock).</summary>
internal sealed class AuditStore(string connectionString, TimeProvider? time = null)
{
    public string ConnectionString { get; } = connectionString;

    public DatabaseTarget Target { get; } = new(DatabaseProvider.PostgreSql, connectionString, "test PostgreSQL", null);

    public IDbContextFactory<DashboardDbContext> Contexts { get; } = new Contexts(connectionString);

    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    public AuditLog NewLog() => new(Contexts, Target, Time, NullLogger<AuditLog>.Instance);

    public AuditVerifier Verifier => new(Contexts);

    public AuditOutcomeWriter NewOutcomeWriter(AuditLog log, int unknownAfterSeconds = 300) =>
        new(log, Contexts, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [AuditOutcomeWriter.UnknownAfterSetting] = unknownAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build(), Time, NullLogger<AuditOutcomeWriter>.Instance);

    public async Task MigrateAsync()
    {
        await using var db = await Contexts.CreateDbContextAsync();
        await db.Database.MigrateAsync();
    }

    public async Task<List<AuditRecord>> RecordsAsync()
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.AuditRecords.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
    }

    /// <summary>SQL as the superuser, as someone tampering with the table would run it.</summary>
    public async Task<int> SqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }
}

internal sealed class Contexts(string connectionString) : IDbContextFactory<DashboardDbContext>
{
    private readonly DbContextOptions<DashboardDbContext> _options =
        new DbContextOptionsBuilder<DashboardDbContext>().UseNpgsql(connectionString).Options;

    public DashboardDbContext CreateDbContext() => new(_options);
}

internal static class AuditSamples
{
    public static readonly Actor Olga = new("u-olga", "olga", ["prod-operators"], "10.0.0.7", "kubectl-ish/1.0", "personal token");

    public static AuditEntry Scale(string cluster, string ns, string name, int from, int to, Actor? actor = null) =>
        new(actor ?? Olga,
            new AuditEvent("workload.scale", new AuditTarget(cluster, ns, "Deployment", name, $"uid-{name}"),
                new Dictionary<string, string?> { ["replicas"] = to.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                from.ToString(System.Globalization.CultureInfo.InvariantCulture), to.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            AuditOutcome.Succeeded, Guid.CreateVersion7());
}
