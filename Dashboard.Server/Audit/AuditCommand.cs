using System.Globalization;
using Dashboard.Server.Data;

namespace Dashboard.Server.Audit;

/// <summary>
/// The maintenance commands, run instead of the server: <c>audit verify</c> walks the chain (exit 0 intact,
/// 1 broken, 2 could not run) and <c>audit prune --older-than 365d</c> applies retention (exit 0, or 2).
/// They use the server's own settings (the same database) and print plain lines, no log noise.
/// </summary>
public static class AuditCommand
{
    public const int Intact = 0;
    public const int Broken = 1;
    public const int CannotRun = 2;

    private const string Usage = "usage: audit verify | audit prune --older-than <N>d|<N>h";

    public static bool IsRequested(string[] args) => args is ["audit", ..];

    public static async Task<int> RunAuditCommandAsync(this WebApplicationBuilder builder, string[] args)
    {
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        var target = app.Services.GetRequiredService<DatabaseTarget>();
        if (target.Error is not null)
        {
            await Console.Error.WriteLineAsync(target.Error);
            return CannotRun;
        }

        try
        {
            return args switch
            {
                [_, "verify"] => await VerifyAsync(app.Services, target),
                [_, "prune", "--older-than", var age] when ParseAge(age) is { } olderThan => await PruneAsync(app.Services, olderThan, age),
                _ => await UsageAsync(),
            };
        }
        catch (Exception e) when (e is AuditUnavailableException or System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"Cannot use the audit history in the {target.Description}: {AuditLog.Describe(e)}");
            return CannotRun;
        }
    }

    private static async Task<int> VerifyAsync(IServiceProvider services, DatabaseTarget target)
    {
        var result = await services.GetRequiredService<AuditVerifier>().VerifyAsync(CancellationToken.None);
        if (result.Intact)
        {
            Console.WriteLine(result.Checked == 0
                ? $"Audit history in the {target.Description} is empty."
                : $"Audit history intact: {result.Checked} records checked (ids {result.FirstId} to {result.LastId}); last hash {result.LastHash}");
            return Intact;
        }

        Console.WriteLine($"Audit history BROKEN at record {result.BrokenId}: {result.Problem}");
        Console.WriteLine($"{result.Checked} records before it hold (ids {result.FirstId?.ToString(CultureInfo.InvariantCulture) ?? "-"} to {result.LastId?.ToString(CultureInfo.InvariantCulture) ?? "-"}).");
        return Broken;
    }

    private static async Task<int> PruneAsync(IServiceProvider services, TimeSpan olderThan, string age)
    {
        var actor = Actor.System($"audit prune --older-than {age} (by {Environment.UserName} on {Environment.MachineName})");
        var result = await services.GetRequiredService<AuditPruner>().PruneAsync(olderThan, actor, CancellationToken.None);
        Console.WriteLine($"Pruned {result.Deleted} audit records written before {result.CutoffUtc:yyyy-MM-dd HH:mm:ss}Z; recorded as record {result.PruneRecordId}.");
        return Intact;
    }

    private static async Task<int> UsageAsync()
    {
        await Console.Error.WriteLineAsync(Usage);
        return CannotRun;
    }

    /// <summary>"365d" or "12h"; anything else (or a negative age) is not an age.</summary>
    public static TimeSpan? ParseAge(string value)
    {
        if (value.Length < 2 || !int.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return value[^1] switch
        {
            'd' => TimeSpan.FromDays(n),
            'h' => TimeSpan.FromHours(n),
            _ => null,
        };
    }
}
