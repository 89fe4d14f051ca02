using Dashboard.Server.Audit;
using Dashboard.Shared.Audit;
using Dashboard.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Dashboard.Server.Tests.Audit;

/// <summary>The hash chain on the real PostgreSQL: appends, replicas, the append-only trigger, tampering, and prune.</summary>
public sealed class AuditChainTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private AuditStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        _store = new AuditStore(_database.ConnectionString);
        await _store.MigrateAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task AppendAsync(AuditLog log, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await log.AppendAsync(AuditSamples.Scale("aws-prod", "shop", $"web-{i}", i, i + 1));
        }
    }

    [Fact]
    public async Task Each_record_holds_the_hash_of_the_one_before_and_the_chain_verifies()
    {
        var log = _store.NewLog();
        var appended = new List<AuditRecord>();
        log.Appended += appended.Add;
        await AppendAsync(log, 5);

        var records = await _store.RecordsAsync();
        Assert.Equal([1L, 2, 3, 4, 5], records.Select(r => r.Id));
        Assert.Equal(AuditHash.Genesis, records[0].PreviousHash);
        for (var i = 1; i < records.Count; i++)
        {
            Assert.Equal(records[i - 1].Hash, records[i].PreviousHash);
        }

        Assert.All(records, r => Assert.Equal(AuditHash.Compute(r), r.Hash));
        Assert.Equal(records.Select(r => r.Hash), appended.Select(r => r.Hash)); // the in-process event saw each, in order
        Assert.Equal("2", records[2].Before);
        Assert.Equal("3", records[2].After);
        Assert.Equal("olga", records[2].ActorUserName);
        Assert.Equal("prod-operators", records[2].ActorTeams);

        var result = await _store.Verifier.VerifyAsync(CancellationToken.None, batch: 2); // batches join up
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(5, result.Checked);
        Assert.Equal(records[^1].Hash, result.LastHash);
    }

    [Fact]
    public async Task Two_replicas_appending_at_once_make_one_chain()
    {
        // Two AuditLogs with their own connection pools stand for two server processes.
        var first = new AuditStore(_database.ConnectionString + ";Application Name=replica-1").NewLog();
        var second = new AuditStore(_database.ConnectionString + ";Application Name=replica-2").NewLog();

        await Task.WhenAll(AppendAsync(first, 40), AppendAsync(second, 40), AppendAsync(first, 20));

        var records = await _store.RecordsAsync();
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), records.Select(r => r.Id));
        var result = await _store.Verifier.VerifyAsync(CancellationToken.None);
        Assert.True(result.Intact, result.Problem);
    }

    [Fact]
    public async Task A_record_edited_in_sql_with_the_trigger_disabled_is_named_by_the_verifier()
    {
        await AppendAsync(_store.NewLog(), 6);

        // 2 -> 5 replicas becomes 2 -> 50, by a superuser who switched the guard off first.
        await _store.SqlAsync("""
            ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only;
            UPDATE audit_records SET "After" = '50' WHERE "Id" = 4;
            ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only;
            """);

        var result = await _store.Verifier.VerifyAsync(CancellationToken.None);
        Assert.False(result.Intact);
        Assert.Equal(4, result.BrokenId);
        Assert.Contains("record 4", result.Problem, StringComparison.Ordinal);
        Assert.Contains("does not match its hash", result.Problem, StringComparison.Ordinal);
        Assert.Equal(3, result.Checked);
    }

    [Fact]
    public async Task A_record_rehashed_after_an_edit_breaks_the_link_to_the_next_one()
    {
        var log = _store.NewLog();
        await AppendAsync(log, 5);
        var records = await _store.RecordsAsync();
        var forged = records[1];
        forged.After = "50";
        forged.Hash = AuditHash.Compute(forged); // the forger knows the canonical form

        await _store.SqlAsync($"""
            SET session_replication_role = replica;
            UPDATE audit_records SET "After" = '50', "Hash" = '{forged.Hash}' WHERE "Id" = 2;
            """);

        var result = await _store.Verifier.VerifyAsync(CancellationToken.None);
        Assert.Equal(3, result.BrokenId);
        Assert.Contains("not the hash of record 2", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_deleted_behind_the_triggers_back_is_found_at_the_record_after_it()
    {
        await AppendAsync(_store.NewLog(), 5);
        await _store.SqlAsync("""SET session_replication_role = replica; DELETE FROM audit_records WHERE "Id" = 3;""");

        var result = await _store.Verifier.VerifyAsync(CancellationToken.None);
        Assert.Equal(4, result.BrokenId);
        Assert.Contains("record 3 before it is missing", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_delete_and_truncate_are_refused_by_the_trigger()
    {
        await AppendAsync(_store.NewLog(), 2);
        foreach (var sql in new[] { """UPDATE audit_records SET "After" = '9'""", """DELETE FROM audit_records WHERE "Id" = 1""", "TRUNCATE audit_records" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => _store.SqlAsync(sql));
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        // The prune's setting outside its transaction changes nothing for UPDATE.
        await Assert.ThrowsAsync<PostgresException>(() => _store.SqlAsync("""
            BEGIN; SET LOCAL dashboard.audit_prune = 'on'; UPDATE audit_records SET "After" = '9'; COMMIT;
            """));
        Assert.Equal(2, (await _store.RecordsAsync()).Count);
        Assert.True((await _store.Verifier.VerifyAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task Prune_deletes_by_age_records_that_it_ran_and_the_chain_still_verifies()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-400));
        var store = new AuditStore(_database.ConnectionString, time);
        var log = store.NewLog();
        await AppendAsync(log, 4);             // 400 days old
        time.Advance(TimeSpan.FromDays(380));
        await AppendAsync(log, 3);             // 20 days old
        time.Advance(TimeSpan.FromDays(20));

        var pruner = new AuditPruner(log, time);
        var result = await pruner.PruneAsync(TimeSpan.FromDays(365), Actor.System("test"), CancellationToken.None);

        Assert.Equal(4, result.Deleted);
        var records = await store.RecordsAsync();
        Assert.Equal([5L, 6, 7, 8], records.Select(r => r.Id));
        var prune = records[^1];
        Assert.Equal(AuditActions.Prune, prune.Action);
        Assert.Equal(result.PruneRecordId, prune.Id);
        Assert.Contains("\"deleted\":\"4\"", prune.Parameters, StringComparison.Ordinal);
        Assert.Contains("\"keptFromId\":\"5\"", prune.Parameters, StringComparison.Ordinal);
        var verified = await store.Verifier.VerifyAsync(CancellationToken.None);
        Assert.True(verified.Intact, verified.Problem);
        Assert.Equal(5, verified.FirstId);

        // A second prune with nothing to delete still records that it ran, and the chain still holds.
        var again = await pruner.PruneAsync(TimeSpan.FromDays(365), Actor.System("test"), CancellationToken.None);
        Assert.Equal(0, again.Deleted);
        Assert.True((await store.Verifier.VerifyAsync(CancellationToken.None)).Intact);

        // Cutting more off the start behind prune's back is caught at the new first record.
        await _store.SqlAsync("""SET session_replication_role = replica; DELETE FROM audit_records WHERE "Id" = 5;""");
        var cut = await store.Verifier.VerifyAsync(CancellationToken.None);
        Assert.Equal(6, cut.BrokenId);
        Assert.Contains("deleted outside the prune command", cut.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_missing_from_the_start_without_a_prune_are_caught()
    {
        await AppendAsync(_store.NewLog(), 3);
        await _store.SqlAsync("""SET session_replication_role = replica; DELETE FROM audit_records WHERE "Id" = 1;""");

        var result = await _store.Verifier.VerifyAsync(CancellationToken.None);
        Assert.Equal(2, result.BrokenId);
        Assert.Contains("no prune record", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_named_in_parameters_and_nul_characters_never_reach_the_table()
    {
        var log = _store.NewLog();
        await log.AppendAsync(new AuditEntry(AuditSamples.Olga with { UserName = "ol\0ga" },
            new AuditEvent("cluster.add", AuditTarget.ClusterRegistration("edge-1"), new Dictionary<string, string?>
            {
                ["kubeconfig"] = "apiVersion: v1\nusers: [token: hunter2]",
                ["password"] = "hunter2",
                ["clientSecret"] = "hunter2",
                ["token"] = "dsp_hunter2",
                ["server"] = "https://10.0.0.1:6443",
            }),
            AuditOutcome.Succeeded, Guid.CreateVersion7()));

        var record = Assert.Single(await _store.RecordsAsync());
        Assert.DoesNotContain("hunter2", record.Parameters, StringComparison.Ordinal);
        Assert.Contains("https://10.0.0.1:6443", record.Parameters, StringComparison.Ordinal);
        Assert.Equal("ol\uFFFDga", record.ActorUserName);
        Assert.True((await _store.Verifier.VerifyAsync(CancellationToken.None)).Intact);
    }
}
