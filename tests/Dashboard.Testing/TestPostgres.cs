using Npgsql;

namespace Dashboard.Testing;

/// <summary>
/// The throwaway PostgreSQL that ./test.sh starts. Each test gets a database of its own, dropped afterwards.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "DASHBOARD_TEST_POSTGRES";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: run the tests through ./test.sh, which starts a PostgreSQL and sets it.");

    public static async Task<TestDatabase> CreateDatabaseAsync()
    {
        var name = $"t_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name };
        return new TestDatabase(name, builder.ConnectionString);
    }

    internal static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class TestDatabase(string name, string connectionString) : IAsyncDisposable
{
    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    /// <summary>Drops the database now, closing every connection to it (as if the database had gone).</summary>
    public Task DropAsync() => TestPostgres.DropDatabaseAsync(Name);

    public async ValueTask DisposeAsync() => await DropAsync();
}
