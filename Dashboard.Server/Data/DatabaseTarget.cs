using Npgsql;

namespace Dashboard.Server.Data;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// Which database the server uses, read once from configuration. A malformed setting is kept as
/// <see cref="Error"/> so startup can stop with one clear line instead of a stack trace.
/// </summary>
public sealed record DatabaseTarget(DatabaseProvider Provider, string ConnectionString, string Description, string? Error)
{
    public const string ConnectionStringSetting = "ConnectionStrings:Dashboard";

    public static DatabaseTarget From(IConfiguration configuration, string contentRoot)
    {
        var connectionString = configuration.GetConnectionString("Dashboard");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var path = configuration["Database:SqlitePath"] ?? "data/dashboard.db";
            var fullPath = Path.GetFullPath(Path.Combine(contentRoot, path));
            return new(DatabaseProvider.Sqlite, $"Data Source={fullPath}", $"SQLite file {fullPath}", null);
        }

        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrEmpty(parsed.Host))
            {
                return Invalid(connectionString, "it names no Host");
            }

            return new(DatabaseProvider.PostgreSql, connectionString,
                $"PostgreSQL database '{parsed.Database}' at {parsed.Host}:{parsed.Port}", null);
        }
        catch (ArgumentException e)
        {
            return Invalid(connectionString, e.Message);
        }
    }

    private static DatabaseTarget Invalid(string connectionString, string why) =>
        new(DatabaseProvider.PostgreSql, connectionString, "PostgreSQL",
            $"The setting {ConnectionStringSetting} is not a valid PostgreSQL connection string: {why}");
}
