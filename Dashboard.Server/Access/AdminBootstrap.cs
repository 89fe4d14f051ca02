using System.Security.Cryptography;
using Dashboard.Server.Audit;
using Dashboard.Server.Data;
using Dashboard.Shared.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Access;

/// <summary>
/// First run: when no user exists, makes `admin` (team "administrators", Admin over "*"/"*") with the password
/// from Bootstrap:AdminPassword, or a random one written once to the log. There are no default credentials.
/// Runs after the database is prepared (hosted services start in order).
/// </summary>
internal sealed partial class AdminBootstrap(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider time, ILogger<AdminBootstrap> logger) : IHostedService
{
    public const string UserName = "admin";
    public const string TeamName = "administrators";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        if (await users.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var configured = configuration["Bootstrap:AdminPassword"];
        var password = string.IsNullOrEmpty(configured) ? Generate() : configured;
        var now = time.GetUtcNow().UtcDateTime;
        var admin = new DashboardUser { UserName = UserName, CreatedAtUtc = now };
        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(
                $"The setting Bootstrap:AdminPassword is not a valid password: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        }

        var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
        var team = new Team { Id = Guid.CreateVersion7(), Name = TeamName, CreatedAtUtc = now };
        team.Bindings.Add(new RoleBinding { Id = Guid.CreateVersion7(), Role = TeamRole.Admin, Clusters = "*", Namespaces = "*", CreatedAtUtc = now });
        team.Members.Add(new TeamMembership { UserId = admin.Id });
        db.Teams.Add(team);
        await db.SaveChangesAsync(cancellationToken);
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var firstRun = Actor.System("first run");
        await audit.RecordAsync(firstRun, new AuditEvent(AuditActions.UserCreate, AuditTarget.User(UserName, admin.Id)));
        await audit.RecordAsync(firstRun, new AuditEvent(AuditActions.TeamCreate, AuditTarget.Team(TeamName, team.Id),
            new Dictionary<string, string?> { ["member"] = UserName, ["role"] = nameof(TeamRole.Admin), ["clusters"] = "*", ["namespaces"] = "*" }));

        if (string.IsNullOrEmpty(configured))
        {
            LogGenerated(logger, UserName, password);
        }
        else
        {
            LogConfigured(logger, UserName);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>20 characters from all four classes Identity's policy asks for.</summary>
    private static string Generate()
    {
        const string lower = "abcdefghijkmnopqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "!@#$%^*-_+=";
        const string all = lower + upper + digits + symbols;
        var chars = new[] { Pick(lower), Pick(upper), Pick(digits), Pick(symbols) }
            .Concat(Enumerable.Range(0, 16).Select(_ => Pick(all))).ToArray();
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);

        static char Pick(string from) => from[RandomNumberGenerator.GetInt32(from.Length)];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "First run: created the user '{UserName}' with the password {Password} . It is written only this once: sign in and change it under Administration > Users.")]
    private static partial void LogGenerated(ILogger logger, string userName, string password);

    [LoggerMessage(Level = LogLevel.Information, Message = "First run: created the user '{UserName}' with the password from Bootstrap:AdminPassword")]
    private static partial void LogConfigured(ILogger logger, string userName);
}
