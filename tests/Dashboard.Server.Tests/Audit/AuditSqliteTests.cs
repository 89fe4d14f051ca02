using Dashboard.Server.Audit;
using System.Net.Http.Json;
using Dashboard.Server.Data;
using Dashboard.Shared.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Audit;

/// <summary>The embedded SQLite default keeps the same history: chain, guard, prune.</summary>
public sealed class AuditSqliteTests
{
    [Fact]
    public async Task The_embedded_sqlite_file_appends_refuses_updates_prunes_and_verifies()
    {
        var dir = Directory.CreateTempSubdirectory("audit-sqlite-");
        try
        {
            await using (var factory = new DashboardFactory(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Dashboard"] = "",
                ["Database:SqlitePath"] = Path.Combine(dir.FullName, "dashboard.db"),
            }))
            {
                using var admin = await factory.AdminClientAsync(); // a sign-in record, after the first run's two
                var log = factory.Services.GetRequiredService<AuditLog>();
                await Task.WhenAll(Enumerable.Range(0, 20).Select(i => log.AppendAsync(AuditSamples.Scale("onprem-prod", "shop", "web", i, i + 1))));

                var verifier = factory.Services.GetRequiredService<AuditVerifier>();
                var result = await verifier.VerifyAsync(CancellationToken.None);
                Assert.True(result.Intact, result.Problem);
                Assert.Equal(23, result.Checked);

                // The audit page's filters on SQLite: the team list, the generated text column, LIKE's own characters as text
                var json = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
                var page = (await admin.GetFromJsonAsync<AuditPage>("/api/audit?team=prod-operators&text=ONPREM-PROD&limit=7", json))!;
                Assert.Equal(7, page.Items.Count);
                Assert.NotNull(page.NextAfter);
                var next = (await admin.GetFromJsonAsync<AuditPage>($"/api/audit?team=prod-operators&text=ONPREM-PROD&limit=20&after={page.NextAfter}", json))!;
                Assert.Equal(13, next.Items.Count);
                Assert.Empty(next.Items.IntersectBy(page.Items.Select(r => r.Id), r => r.Id));
                Assert.Empty((await admin.GetFromJsonAsync<AuditPage>("/api/audit?text=%25", json))!.Items);
                Assert.Empty((await admin.GetFromJsonAsync<AuditPage>("/api/audit?team=prod", json))!.Items);

                await using var db = await factory.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
                var update = await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("UPDATE audit_records SET \"After\" = '9'"));
                Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
                await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_records"));

                var pruned = await factory.Services.GetRequiredService<AuditPruner>().PruneAsync(TimeSpan.Zero, Actor.System("test"), CancellationToken.None);
                Assert.Equal(23, pruned.Deleted);
                Assert.True((await verifier.VerifyAsync(CancellationToken.None)).Intact);
                await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_records")); // the guard is back
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }
}
