using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dashboard.Server.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Dashboard.Server.Data;

/// <summary>The database could not be prepared; the message names the setting and what failed.</summary>
public sealed class DatabaseStartupException(string message, Exception? inner = null) : Hosting.StartupException(message, inner);

/// <summary>
/// Runs before Kestrel starts: applies PostgreSQL migrations, or creates the embedded SQLite file (and
/// recreates it, keeping the old file as a backup, when the model has changed since it was made).
/// </summary>
internal sealed class DatabaseInitializer(
    DatabaseTarget target,
    IDbContextFactory<DashboardDbContext> contexts,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    private const string ModelTable = "__dashboard_model";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (target.Error is not null)
        {
            throw new DatabaseStartupException(target.Error);
        }

        if (target.Provider == DatabaseProvider.PostgreSql)
        {
            await MigratePostgresAsync(cancellationToken);
        }
        else
        {
            await PrepareSqliteAsync(cancellationToken);
        }

        logger.LogInformation("Database ready: {Database}", target.Description);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task MigratePostgresAsync(CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(configuration.GetValue("Database:StartupTimeoutSeconds", 10));
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                // Creating the history table first spares a fresh database a logged failed query.
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or DbException or TimeoutException or InvalidOperationException
                                      && !cancellationToken.IsCancellationRequested)
            {
                if (time.GetUtcNow() >= deadline || !IsTransient(e))
                {
                    throw new DatabaseStartupException(
                        $"Cannot use the {target.Description} named by the setting {DatabaseTarget.ConnectionStringSetting}: {Describe(e)}", e);
                }

                logger.LogWarning("Waiting for the {Database}: {Reason}", target.Description, Describe(e));
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
    }

    private static bool IsTransient(Exception e) =>
        e is NpgsqlException { IsTransient: true } or TimeoutException ||
        e.InnerException is System.Net.Sockets.SocketException;

    private static string Describe(Exception e)
    {
        var message = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            message = inner.Message;
        }

        return message.ReplaceLineEndings(" ");
    }

    private async Task PrepareSqliteAsync(CancellationToken cancellationToken)
    {
        var path = new SqliteConnectionStringBuilder(target.ConnectionString).DataSource;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var createScript = db.Database.GenerateCreateScript() + AuditSchema.SqliteTriggers; // what the model lacks: the audit table's guard
        var modelHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(createScript)));

        if (File.Exists(path))
        {
            var storedHash = await ReadModelHashAsync(db, cancellationToken);
            if (storedHash == modelHash)
            {
                return;
            }

            // The embedded default holds no migrations: an older file is set aside and a new one made.
            SqliteConnection.ClearAllPools();
            var backup = $"{path}.{time.GetUtcNow():yyyyMMddHHmmss}.bak";
            File.Move(path, backup);
            logger.LogWarning("The SQLite file was made by another version of the dashboard; kept it as {Backup} and created a new one", backup);
        }

        await db.Database.EnsureCreatedAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(AuditSchema.SqliteTriggers, cancellationToken);
        await db.Database.ExecuteSqlRawAsync($"CREATE TABLE {ModelTable} (hash TEXT NOT NULL)", cancellationToken);
        await db.Database.ExecuteSqlAsync($"INSERT INTO __dashboard_model (hash) VALUES ({modelHash})", cancellationToken);
    }

    private static async Task<string?> ReadModelHashAsync(DashboardDbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT hash FROM {ModelTable}";
            return await command.ExecuteScalarAsync(cancellationToken) as string;
        }
        catch (SqliteException)
        {
            return null; // not a dashboard file, an older layout, or not SQLite at all
        }
        finally
        {
            await connection.CloseAsync();
        }
    }
}
