using Dashboard.Shared.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dashboard.Server.Access;

/// <summary>A person (or a robot account) who signs in. Rights come only from the teams they belong to.</summary>
public sealed class DashboardUser : IdentityUser
{
    /// <summary>A disabled user cannot sign in, and their sessions and tokens stop working at once.</summary>
    public bool Disabled { get; set; }

    /// <summary>"issuer|subject" for a user made by single sign-on (they have no local password).</summary>
    public string? ExternalId { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public List<TeamMembership> Memberships { get; set; } = [];
}

public sealed class Team
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Members of this identity provider group join the team when they sign in by single sign-on.</summary>
    public string? IdentityProviderGroup { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public List<TeamMembership> Members { get; set; } = [];

    public List<RoleBinding> Bindings { get; set; } = [];
}

public sealed class TeamMembership
{
    public Guid TeamId { get; set; }

    public Team Team { get; set; } = null!;

    public required string UserId { get; set; }

    public DashboardUser User { get; set; } = null!;

    /// <summary>Made from the identity provider's groups: kept in step with them at each single sign-on.</summary>
    public bool FromIdentityProvider { get; set; }
}

/// <summary>Gives a team a role over a scope: a cluster selector and a namespace pattern (see <see cref="Grant"/>).</summary>
public sealed class RoleBinding
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    public Team Team { get; set; } = null!;

    public TeamRole Role { get; set; }

    public required string Clusters { get; set; }

    public required string Namespaces { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

public enum SessionKind
{
    /// <summary>A browser sign-in: the cookie names the session.</summary>
    Browser,

    /// <summary>A short-lived bearer token from POST /api/session.</summary>
    Api,

    /// <summary>A long-lived personal API token the user made and may revoke.</summary>
    Personal,
}

/// <summary>
/// Every way in is a session row, so that signing out, revoking a token or disabling a user ends it on the
/// server (and on every replica), not only in one browser. Bearer secrets are stored as SHA-256 hashes.
/// </summary>
public sealed class UserSession
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public DashboardUser User { get; set; } = null!;

    public SessionKind Kind { get; set; }

    /// <summary>A personal token's name.</summary>
    public string? Name { get; set; }

    public string? TokenHash { get; set; }

    /// <summary>The secret's first characters, to tell tokens apart in a list.</summary>
    public string? TokenPrefix { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    /// <summary>The absolute end; null for a personal token made without an expiry.</summary>
    public DateTime? ExpiresAtUtc { get; set; }

    public DateTime? LastUsedAtUtc { get; set; }

    /// <summary>When it was signed out or revoked.</summary>
    public DateTime? EndedAtUtc { get; set; }
}

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> builder)
    {
        builder.ToTable("teams");
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.HasIndex(t => t.Name).IsUnique();
        builder.Property(t => t.IdentityProviderGroup).HasMaxLength(256);
    }
}

internal sealed class TeamMembershipConfiguration : IEntityTypeConfiguration<TeamMembership>
{
    public void Configure(EntityTypeBuilder<TeamMembership> builder)
    {
        builder.ToTable("team_members");
        builder.HasKey(m => new { m.TeamId, m.UserId });
        builder.HasOne(m => m.Team).WithMany(t => t.Members).HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(m => m.User).WithMany(u => u.Memberships).HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RoleBindingConfiguration : IEntityTypeConfiguration<RoleBinding>
{
    public void Configure(EntityTypeBuilder<RoleBinding> builder)
    {
        builder.ToTable("role_bindings");
        builder.Property(b => b.Role).HasConversion<string>().HasMaxLength(20);
        builder.Property(b => b.Clusters).HasMaxLength(1000);
        builder.Property(b => b.Namespaces).HasMaxLength(1000);
        builder.HasOne(b => b.Team).WithMany(t => t.Bindings).HasForeignKey(b => b.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> builder)
    {
        builder.ToTable("sessions");
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.Property(s => s.TokenHash).HasMaxLength(64);
        builder.HasIndex(s => s.TokenHash).IsUnique();
        builder.Property(s => s.TokenPrefix).HasMaxLength(16);
        builder.HasIndex(s => s.UserId);
        builder.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DashboardUserConfiguration : IEntityTypeConfiguration<DashboardUser>
{
    public void Configure(EntityTypeBuilder<DashboardUser> builder)
    {
        builder.Property(u => u.ExternalId).HasMaxLength(512);
        builder.HasIndex(u => u.ExternalId).IsUnique();
    }
}
