namespace Dashboard.Shared.Audit;

/// <summary>
/// What became of an audited action. An action is written as Requested before it runs, and its outcome is a
/// second record; events that happen at once (a sign-in, a denial) are one record with their outcome.
/// </summary>
public enum AuditOutcome
{
    Requested,
    Succeeded,
    Failed,
    Denied,

    /// <summary>The server stopped before it could write the outcome: whether the cluster did it is not known.</summary>
    Unknown,
}

/// <summary>Who did it. Address and user agent are answered only to fleet admins and to the actor themselves.</summary>
public sealed record AuditActorView(string? UserName, IReadOnlyList<string> Teams, string? Address, string? UserAgent, string? Method);

public sealed record AuditTargetView(string? Cluster, string? Namespace, string? Kind, string? Name, string? Uid);

/// <summary>One record of the audit history. Parameters is a JSON object; Before and After are as the action wrote them.</summary>
public sealed record AuditRecordView(
    long Id,
    DateTime TimeUtc,
    AuditActorView Actor,
    string Action,
    AuditTargetView Target,
    string? Parameters,
    string? Before,
    string? After,
    AuditOutcome Outcome,
    string? Error,
    Guid CorrelationId,
    long? RequestedId,
    string Hash);

/// <summary>Newest first. NextAfter is the id to pass as `after` for the next page; null at the end.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecordView> Items, long? NextAfter);

/// <summary>
/// The hash chain walked from its first remaining record. When it is not intact, BrokenId names the first record
/// that does not hold and Problem says why. LastId and LastHash are worth keeping elsewhere: a chain can only
/// prove what follows a hash someone else remembers.
/// </summary>
public sealed record AuditVerification(bool Intact, long Checked, long? FirstId, long? LastId, string? LastHash, long? BrokenId, string? Problem);
