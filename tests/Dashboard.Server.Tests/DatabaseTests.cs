using System.Net.Http.Json;
using System.Net;
using Dashboard.Server.Data;
using Dashboard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests;

public sealed class DatabaseTests
{
    [Fact]
    public async Task Startup_on_postgres_applies_every_migration_and_the_tables_work()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using var factory = new DashboardFactory(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = database.ConnectionString });
        using var client = factory.CreateClient();

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        Assert.True(db.Database.IsNpgsql());
        var applied = await db.Database.GetAppliedMigrationsAsync();
        Assert.Equal(db.Database.GetMigrations(), applied);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changed without a migration: run dotnet ef migrations add");

        db.Clusters.Add(new ClusterRecord { Name = "aws-prod", Provider = "aws", CreatedAtUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();
        Assert.Equal("aws", (await db.Clusters.SingleAsync(c => c.Name == "aws-prod")).Provider);
    }

    [Fact]
    public async Task Readyz_is_healthy_while_the_database_answers_and_unhealthy_once_it_is_gone()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using var factory = new DashboardFactory(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = database.ConnectionString });
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        await database.DropAsync();

        var response = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var check = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Contains("not reachable", check.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Embedded_sqlite_file_of_another_model_is_kept_aside_and_a_new_one_created()
    {
        var dir = Directory.CreateTempSubdirectory("dashboard-sqlite-");
        try
        {
            var path = Path.Combine(dir.FullName, "dashboard.db");
            await File.WriteAllTextAsync(path, "not a database of this version");
            await using var factory = new DashboardFactory(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Dashboard"] = "",
                ["Database:SqlitePath"] = path,
            });
            using var client = factory.CreateClient();

            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
            var backup = Assert.Single(Directory.GetFiles(dir.FullName, "dashboard.db.*.bak"));
            Assert.Equal("not a database of this version", await File.ReadAllTextAsync(backup));

            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
            db.Clusters.Add(new ClusterRecord { Name = "onprem-prod", CreatedAtUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }
}
