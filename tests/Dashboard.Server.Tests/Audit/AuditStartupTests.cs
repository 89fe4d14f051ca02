using Dashboard.Server.Audit;
using Dashboard.Shared.Audit;
using Dashboard.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Server.Tests.Audit;

public sealed class AuditStartupTests
{
    [Fact]
    public async Task Requested_actions_left_without_an_outcome_are_closed_as_unknown_when_the_server_starts()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var earlier = new AuditStore(database.ConnectionString, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1)));
        await earlier.MigrateAsync();
        var log = earlier.NewLog();
        // A server stopped between the cluster call and its outcome an hour ago; another finished its action.
        var dangling = await log.AppendAsync(AuditSamples.Scale("aws-prod", "shop", "web", 2, 5) with { Outcome = AuditOutcome.Requested });
        var done = await log.AppendAsync(AuditSamples.Scale("aws-prod", "shop", "api", 1, 3) with { Outcome = AuditOutcome.Requested });
        await log.AppendAsync(AuditSamples.Scale("aws-prod", "shop", "api", 1, 3) with { CorrelationId = done.CorrelationId, RequestedId = done.Id });
        // And one requested a moment ago: some replica may still be waiting for its cluster.
        var recent = await new AuditStore(database.ConnectionString).NewLog()
            .AppendAsync(AuditSamples.Scale("aws-prod", "shop", "db", 1, 2) with { Outcome = AuditOutcome.Requested });

        await using var factory = new DashboardFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = database.ConnectionString,
            [AuditOutcomeWriter.UnknownAfterSetting] = "600",
        });
        _ = factory.Server;

        var store = new AuditStore(database.ConnectionString);
        await Network.WaitUntilAsync(async () => (await store.RecordsAsync()).Any(r => r.Outcome == AuditOutcome.Unknown),
            TimeSpan.FromSeconds(20), "the dangling action to be closed");
        var records = await store.RecordsAsync();
        var unknown = Assert.Single(records, r => r.Outcome == AuditOutcome.Unknown);
        Assert.Equal(dangling.Id, unknown.RequestedId);
        Assert.Equal(dangling.CorrelationId, unknown.CorrelationId);
        Assert.Equal(("aws-prod", "shop", "web", "olga"), (unknown.TargetCluster, unknown.TargetNamespace, unknown.TargetName, unknown.ActorUserName));
        Assert.Equal(AuditOutcomeWriter.ClosedReason, unknown.Error);
        Assert.DoesNotContain(records, r => r.RequestedId == recent.Id);
        Assert.True((await store.Verifier.VerifyAsync(CancellationToken.None)).Intact);
    }
}
