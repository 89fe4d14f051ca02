using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Data;

/// <summary>Everything durable: clusters now; users, teams, bindings and audit as their issues land.</summary>
public sealed class DashboardDbContext(DbContextOptions<DashboardDbContext> options) : DbContext(options)
{
    public DbSet<ClusterRecord> Clusters => Set<ClusterRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DashboardDbContext).Assembly);
}
