using Dashboard.Server.Audit;
using Dashboard.Shared.Audit;
using Dashboard.Testing;

namespace Dashboard.Server.Tests.Audit;

/// <summary>
/// A PostgreSQL of the test's own, stopped and started: nothing happens unaudited, an append that returned is
/// never lost, and an outcome that could not be written waits until the database is back.
/// </summary>
public sealed class AuditUnavailableTests : IAsyncLifetime
{
    private PrivatePostgres _postgres = null!;
    private AuditStore _store = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PrivatePostgres.StartAsync();
        _store = new AuditStore(_postgres.ConnectionString);
        await _store.MigrateAsync();
    }

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task With_postgres_stopped_an_append_is_refused_clearly_and_what_returned_before_is_not_lost()
    {
        var log = _store.NewLog();
        for (var i = 0; i < 3; i++)
        {
            await log.AppendAsync(AuditSamples.Scale("aws-prod", "shop", "web", i, i + 1));
        }

        await _postgres.StopAsync(); // as a crash: no shutdown checkpoint

        var refused = await Assert.ThrowsAsync<AuditUnavailableException>(() => log.AppendAsync(AuditSamples.Scale("aws-prod", "shop", "web", 3, 4)));
        Assert.StartsWith("The audit history cannot be written: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", refused.Message, StringComparison.Ordinal); // says where it tried

        await _postgres.StartAgainAsync();
        var records = await _store.RecordsAsync();
        Assert.Equal(["1", "2", "3"], records.Select(r => r.After)); // every append that returned, and nothing of the refused one
        Assert.True((await _store.Verifier.VerifyAsync(CancellationToken.None)).Intact);

        await log.AppendAsync(AuditSamples.Scale("aws-prod", "shop", "web", 3, 4)); // and the chain goes on
        Assert.True((await _store.Verifier.VerifyAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task RunAsync_refuses_the_action_when_requested_cannot_be_written()
    {
        var log = _store.NewLog();
        await _postgres.StopAsync();

        var called = false;
        var refused = await Assert.ThrowsAsync<AuditUnavailableException>(() => log.RunAsync(AuditSamples.Olga, "workload.scale",
            new AuditTarget("aws-prod", "shop", "Deployment", "web"), null, () =>
            {
                called = true;
                return Task.FromResult<string?>("5");
            }, before: "2"));

        Assert.False(called, "the cluster was called although its Requested record could not be written");
        Assert.StartsWith("Refused workload.scale: nothing was done, because the audit history cannot be written", refused.Message, StringComparison.Ordinal);
        await _postgres.StartAgainAsync();
        Assert.Empty(await _store.RecordsAsync());
    }

    [Fact]
    public async Task An_outcome_that_cannot_be_written_waits_in_the_queue_and_is_written_when_postgres_is_back()
    {
        var log = _store.NewLog();
        var writer = _store.NewOutcomeWriter(log);
        await writer.StartAsync(CancellationToken.None);
        try
        {
            // The cluster call succeeds, but the database goes away before the outcome is written.
            var after = await log.RunAsync(AuditSamples.Olga, "workload.scale", new AuditTarget("aws-prod", "shop", "Deployment", "web"), null, async () =>
            {
                await _postgres.StopAsync();
                return "5";
            }, before: "2");
            Assert.Equal("5", after); // the action happened: the caller hears so

            await _postgres.StartAgainAsync();
            await Network.WaitUntilAsync(async () => (await _store.RecordsAsync()).Count == 2, TimeSpan.FromSeconds(30), "the queued outcome to be written");

            var records = await _store.RecordsAsync();
            Assert.Equal([AuditOutcome.Requested, AuditOutcome.Succeeded], records.Select(r => r.Outcome));
            Assert.Equal(records[0].Id, records[1].RequestedId);
            Assert.Equal(records[0].CorrelationId, records[1].CorrelationId);
            Assert.Equal(("2", "5"), (records[1].Before, records[1].After));
            Assert.True((await _store.Verifier.VerifyAsync(CancellationToken.None)).Intact);
            Assert.False(log.IsAwaitingOutcome(records[0].Id));
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_failed_cluster_call_is_recorded_with_the_clusters_error_and_rethrown()
    {
        var log = _store.NewLog();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => log.RunAsync(AuditSamples.Olga, "workload.scale",
            new AuditTarget("aws-prod", "shop", "Deployment", "web"), null,
            () => throw new InvalidOperationException("deployments.apps \"web\" is forbidden: quota exceeded"), before: "2"));

        var records = await _store.RecordsAsync();
        Assert.Equal([AuditOutcome.Requested, AuditOutcome.Failed], records.Select(r => r.Outcome));
        Assert.Equal(failure.Message, records[1].Error);
        Assert.Null(records[1].After);
    }
}
