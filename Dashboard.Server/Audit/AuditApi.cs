using System.Globalization;
using System.Security.Claims;
using Dashboard.Server.Access;
using Dashboard.Shared.Audit;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Audit;

/// <summary>The query string of GET /api/audit and /api/audit.csv.</summary>
public sealed class AuditQueryString
{
    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public string? User { get; init; }

    public string? Team { get; init; }

    public string? Cluster { get; init; }

    public string? Namespace { get; init; }

    public string? Kind { get; init; }

    /// <summary>The target's name, exactly (an object's history).</summary>
    public string? Name { get; init; }

    public string? Action { get; init; }

    public string? Outcome { get; init; }

    public string? Text { get; init; }

    /// <summary>The last id of the page before (pages go newest first).</summary>
    public long? After { get; init; }

    public int? Limit { get; init; }

    public (AuditFilter? Filter, string? Error) Parse()
    {
        AuditOutcome? outcome = null;
        if (!string.IsNullOrWhiteSpace(Outcome))
        {
            if (!Enum.TryParse<AuditOutcome>(Outcome, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return (null, $"outcome is one of {string.Join(", ", Enum.GetNames<AuditOutcome>())}.");
            }

            outcome = parsed;
        }

        return Limit is < 1 or > AuditReader.MaxLimit
            ? (null, $"limit is 1 to {AuditReader.MaxLimit}.")
            : (new AuditFilter(From, To, User, Team, Cluster, Namespace, Kind, Action, outcome, Text, Name), null);
    }
}

/// <summary>The audit page's API, its CSV export, and the chain's verification (fleet admins).</summary>
public static class AuditApi
{
    private const int CsvPage = 1000;

    public static WebApplication MapAuditApi(this WebApplication app)
    {
        app.MapGet("/api/audit", PageAsync);
        app.MapGet("/api/audit.csv", Csv);
        app.MapGroup("/api/admin/audit").RequireAuthorization(AccessExtensions.FleetAdminPolicy)
            .MapGet("/verify", (AuditVerifier verifier, CancellationToken cancellationToken) => verifier.VerifyAsync(cancellationToken));
        return app;
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> PageAsync(
        [AsParameters] AuditQueryString query, ClaimsPrincipal user, AuditReader reader, CancellationToken cancellationToken)
    {
        var (filter, error) = query.Parse();
        if (filter is null)
        {
            return TypedResults.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }

        var viewer = await reader.ViewerAsync(user, cancellationToken);
        return TypedResults.Ok(await reader.PageAsync(viewer, filter, query.After, query.Limit ?? AuditReader.DefaultLimit, cancellationToken));
    }

    /// <summary>Every matching record, newest first, written page by page as it is read (never held whole).</summary>
    private static Results<PushStreamHttpResult, ProblemHttpResult> Csv(
        [AsParameters] AuditQueryString query, ClaimsPrincipal user, AuditReader reader, TimeProvider time, CancellationToken cancellationToken)
    {
        var (filter, error) = query.Parse();
        if (filter is null)
        {
            return TypedResults.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }

        var name = $"audit-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv";
        return TypedResults.Stream(async body =>
        {
            var viewer = await reader.ViewerAsync(user, cancellationToken);
            // A cell starting with = + - @ is escaped: a user name must not become a formula in a spreadsheet.
            await using var csv = CsvWriter.Create(body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
            csv.WriteHeader<AuditCsvRow>(); // also when nothing matches
            var after = query.After;
            do
            {
                var page = await reader.PageAsync(viewer, filter, after, CsvPage, cancellationToken);
                await csv.WriteRecordsAsync(page.Items.Select(AuditCsvRow.From), cancellationToken);
                await csv.FlushAsync(cancellationToken);
                after = page.NextAfter;
            }
            while (after is not null);
        }, "text/csv; charset=utf-8", name);
    }
}

/// <summary>One CSV line: the record flattened, times in ISO 8601 UTC (CsvHelper generates its writer at compile time).</summary>
[CsvRecord]
public sealed partial record AuditCsvRow(
    long Id, string Time, string? User, string? Teams, string? Address, string? UserAgent, string? Method, string Action,
    string? Cluster, string? Namespace, string? Kind, string? Name, string? Uid, string? Parameters, string? Before, string? After,
    string Outcome, string? Error, Guid CorrelationId, long? RequestedId, string Hash)
{
    public static AuditCsvRow From(AuditRecordView r) =>
        new(r.Id, r.TimeUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), r.Actor.UserName,
            string.Join(',', r.Actor.Teams), r.Actor.Address, r.Actor.UserAgent, r.Actor.Method, r.Action,
            r.Target.Cluster, r.Target.Namespace, r.Target.Kind, r.Target.Name, r.Target.Uid, r.Parameters, r.Before, r.After,
            r.Outcome.ToString(), r.Error, r.CorrelationId, r.RequestedId, r.Hash);
}
