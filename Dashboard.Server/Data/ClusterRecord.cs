using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dashboard.Server.Data;

/// <summary>A cluster registered by an administrator (kubeconfig contexts and settings need no row).</summary>
public sealed class ClusterRecord
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string Server { get; set; } = "";
    public string? Provider { get; set; }
    public string? Environment { get; set; }
    public string? Region { get; set; }

    /// <summary>A kubeconfig with this one cluster's context, encrypted with Data Protection; never sent to a browser.</summary>
    public string ProtectedKubeconfig { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
}

internal sealed class ClusterRecordConfiguration : IEntityTypeConfiguration<ClusterRecord>
{
    public void Configure(EntityTypeBuilder<ClusterRecord> builder)
    {
        builder.ToTable("clusters");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Name).HasMaxLength(253).IsRequired();
        builder.HasIndex(c => c.Name).IsUnique();
        builder.Property(c => c.Server).HasMaxLength(2048);
        builder.Property(c => c.Provider).HasMaxLength(63);
        builder.Property(c => c.Environment).HasMaxLength(63);
        builder.Property(c => c.Region).HasMaxLength(63);
    }
}
