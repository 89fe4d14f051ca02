using Dashboard.Shared.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dashboard.Server.Audit;

/// <summary>
/// One record of the audit history. Records are only ever appended: an outcome is a new record naming the
/// Requested one (<see cref="RequestedId"/>, same <see cref="CorrelationId"/>), never an update of it.
/// <see cref="Id"/> is the chain's order, given by <see cref="AuditLog"/> (the last id plus one, under the chain's
/// lock) so that the hash can cover it without a second write; <see cref="Hash"/> covers the canonical form of
/// every field and <see cref="PreviousHash"/>.
/// </summary>
public sealed class AuditRecord
{
    public long Id { get; set; }

    public DateTime TimeUtc { get; set; }

    public string? ActorUserId { get; set; }

    public string? ActorUserName { get; set; }

    /// <summary>The actor's teams at the time, comma-separated, sorted.</summary>
    public string? ActorTeams { get; set; }

    public string? ActorAddress { get; set; }

    public string? ActorUserAgent { get; set; }

    /// <summary>How the actor signed in: password, single sign-on, session token, personal token, or system.</summary>
    public string? ActorMethod { get; set; }

    /// <summary>What was done, e.g. "auth.signin", "team.create", "workload.scale".</summary>
    public required string Action { get; set; }

    public string? TargetCluster { get; set; }

    public string? TargetNamespace { get; set; }

    public string? TargetKind { get; set; }

    public string? TargetName { get; set; }

    public string? TargetUid { get; set; }

    /// <summary>A JSON object of the action's parameters (secrets redacted before they get here).</summary>
    public string? Parameters { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }

    public AuditOutcome Outcome { get; set; }

    /// <summary>Why it failed or was denied: the cluster's error, the refusal's reason.</summary>
    public string? Error { get; set; }

    public Guid CorrelationId { get; set; }

    /// <summary>For an outcome: the Requested record it closes.</summary>
    public long? RequestedId { get; set; }

    public required string PreviousHash { get; set; }

    public required string Hash { get; set; }
}

internal sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public const string SearchText = "SearchText";

    /// <summary>The same SQL in PostgreSQL and SQLite (quoted names, || and coalesce).</summary>
    private const string SearchTextSql =
        """lower(coalesce("Action", '') || ' ' || coalesce("ActorUserName", '') || ' ' || coalesce("TargetCluster", '') || ' ' || """ +
        """coalesce("TargetNamespace", '') || ' ' || coalesce("TargetName", '') || ' ' || coalesce("Parameters", '') || ' ' || """ +
        """coalesce("Before", '') || ' ' || coalesce("After", '') || ' ' || coalesce("Error", ''))""";

    public void Configure(EntityTypeBuilder<AuditRecord> builder)
    {
        builder.ToTable(AuditSchema.Table);
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Action).HasMaxLength(AuditLimits.Action);
        builder.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.PreviousHash).HasMaxLength(64);
        builder.Property(r => r.Hash).HasMaxLength(64);

        // The free-text filter's haystack: the searchable fields, lowercased, made by the database on insert (it is
        // not part of the record nor of its hash). PostgreSQL indexes it by trigrams (DashboardDbContext).
        builder.Property<string>(SearchText).HasComputedColumnSql(SearchTextSql, stored: true);

        // Pages are read newest first in (time, id) order, so each filter's index ends with both: a page is read
        // straight from the index, however many records the filter matches, and a time range is the index's range.
        builder.HasIndex(r => new { r.TimeUtc, r.Id }).HasDatabaseName("ix_audit_records_time");
        builder.HasIndex(r => new { r.ActorUserName, r.TimeUtc, r.Id }).HasDatabaseName("ix_audit_records_user");
        builder.HasIndex(r => new { r.ActorUserId, r.TimeUtc, r.Id }).HasDatabaseName("ix_audit_records_actor");
        // A scoped viewer's own records filtered by team: without it, the planner ANDs two large bitmaps.
        builder.HasIndex(r => new { r.ActorUserId, r.ActorTeams, r.TimeUtc, r.Id }).HasDatabaseName("ix_audit_records_actor_teams");
        builder.HasIndex(r => new { r.TargetCluster, r.TargetNamespace, r.TargetKind, r.TimeUtc, r.Id }).HasDatabaseName("ix_audit_records_target");
        builder.HasIndex(r => new { r.ActorTeams, r.TimeUtc, r.Id }).HasDatabaseName("ix_audit_records_teams");
        builder.HasIndex(r => new { r.Action, r.TimeUtc, r.Id }).HasDatabaseName("ix_audit_records_action");

        // A scoped viewer's page is always within their namespaces: the namespace leads these, so that a filter
        // rare within them (a user of another team) is a few short index ranges, not a scan of the whole history.
        builder.HasIndex(r => new { r.TargetNamespace, r.ActorUserName, r.TimeUtc, r.Id }).HasDatabaseName("ix_audit_records_namespace_user");
        builder.HasIndex(r => new { r.TargetNamespace, r.ActorTeams, r.TimeUtc, r.Id }).HasDatabaseName("ix_audit_records_namespace_teams");
        builder.HasIndex(r => new { r.TargetNamespace, r.Action, r.TimeUtc, r.Id }).HasDatabaseName("ix_audit_records_namespace_action");
        builder.HasIndex(r => new { r.TargetNamespace, r.Outcome, r.TimeUtc, r.Id }).HasDatabaseName("ix_audit_records_namespace_outcome");
        builder.HasIndex(r => r.CorrelationId).HasDatabaseName("ix_audit_records_correlation");
        builder.HasIndex(r => r.RequestedId).HasDatabaseName("ix_audit_records_requested");
    }
}
