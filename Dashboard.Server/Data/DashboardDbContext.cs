using Dashboard.Server.Access;
using Dashboard.Server.Audit;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Data;

/// <summary>Everything durable: users (ASP.NET Core Identity), teams, bindings, sessions, registered clusters, the Data Protection keys, and the audit history.</summary>
public sealed class DashboardDbContext(DbContextOptions<DashboardDbContext> options)
    : IdentityDbContext<DashboardUser>(options), IDataProtectionKeyContext
{
    public DbSet<ClusterRecord> Clusters => Set<ClusterRecord>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<TeamMembership> TeamMembers => Set<TeamMembership>();

    public DbSet<RoleBinding> RoleBindings => Set<RoleBinding>();

    public DbSet<UserSession> Sessions => Set<UserSession>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Append-only: written by AuditLog alone, never updated; only AuditPruner deletes.</summary>
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        builder.ApplyConfigurationsFromAssembly(typeof(DashboardDbContext).Assembly);
        if (Database.IsNpgsql())
        {
            // The audit page's free text: LIKE '%text%' served by a trigram index (SQLite scans; it is the small default)
            builder.HasPostgresExtension("pg_trgm");
            builder.Entity<AuditRecord>().HasIndex(AuditRecordConfiguration.SearchText)
                .HasMethod("gin").HasOperators("gin_trgm_ops").HasDatabaseName("ix_audit_records_text");
        }
    }
}
