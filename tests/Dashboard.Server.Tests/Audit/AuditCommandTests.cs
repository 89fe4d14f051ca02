using Dashboard.Server.Audit;
using Dashboard.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Server.Tests.Audit;

/// <summary>`audit verify` and `audit prune` as an operator runs them: the built server, plain output, exit codes.</summary>
public sealed class AuditCommandTests
{
    private static async Task<(int Code, string Output)> RunAsync(string connectionString, params string[] args)
    {
        await using var process = ChildProcess.Start("dotnet", [Repository.ServerDll, .. args], TimeSpan.FromMinutes(2),
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__Dashboard"] = connectionString,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            },
            Path.GetDirectoryName(Repository.ServerDll));
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        return (code, process.Output);
    }

    [Fact]
    public async Task Verify_and_prune_from_the_command_line_say_what_they_found_and_exit_accordingly()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-400));
        var store = new AuditStore(database.ConnectionString, time);
        await store.MigrateAsync();
        var log = store.NewLog();
        for (var i = 0; i < 5; i++)
        {
            await log.AppendAsync(AuditSamples.Scale("aws-prod", "shop", "web", i, i + 1));
            if (i == 2)
            {
                time.Advance(TimeSpan.FromDays(399)); // three records are 400 days old, two are a day old
            }
        }

        var verify = await RunAsync(database.ConnectionString, "audit", "verify");
        Assert.Equal((AuditCommand.Intact, true), (verify.Code, verify.Output.Contains("Audit history intact: 5 records checked (ids 1 to 5)", StringComparison.Ordinal)));
        Assert.DoesNotContain("info:", verify.Output, StringComparison.Ordinal); // no log noise

        var prune = await RunAsync(database.ConnectionString, "audit", "prune", "--older-than", "365d");
        Assert.Equal(AuditCommand.Intact, prune.Code);
        Assert.Contains("Pruned 3 audit records", prune.Output, StringComparison.Ordinal);
        Assert.Contains("recorded as record 6", prune.Output, StringComparison.Ordinal);
        var records = await store.RecordsAsync();
        Assert.Equal([4L, 5, 6], records.Select(r => r.Id));
        Assert.StartsWith("audit prune --older-than 365d", records[^1].ActorUserName, StringComparison.Ordinal);

        var afterPrune = await RunAsync(database.ConnectionString, "audit", "verify");
        Assert.Equal(AuditCommand.Intact, afterPrune.Code);
        Assert.Contains("3 records checked (ids 4 to 6)", afterPrune.Output, StringComparison.Ordinal);

        await store.SqlAsync("""SET session_replication_role = replica; UPDATE audit_records SET "After" = '50' WHERE "Id" = 5;""");
        var broken = await RunAsync(database.ConnectionString, "audit", "verify");
        Assert.Equal(AuditCommand.Broken, broken.Code);
        Assert.Contains("Audit history BROKEN at record 5: record 5: its content does not match its hash", broken.Output, StringComparison.Ordinal);

        var usage = await RunAsync(database.ConnectionString, "audit", "prune", "--older-than", "soon");
        Assert.Equal((AuditCommand.CannotRun, true), (usage.Code, usage.Output.Contains("usage: audit verify", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Verify_against_an_unreachable_database_says_so_and_exits_2()
    {
        var closed = $"Host=127.0.0.1;Port={Network.FreePort()};Username=postgres;Database=nowhere;Timeout=2";
        var result = await RunAsync(closed, "audit", "verify");
        Assert.Equal(AuditCommand.CannotRun, result.Code);
        Assert.Contains("Cannot use the audit history in the PostgreSQL database 'nowhere' at 127.0.0.1", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
    }
}
