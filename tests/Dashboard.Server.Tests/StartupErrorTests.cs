using Dashboard.Testing;

namespace Dashboard.Server.Tests;

/// <summary>Bad configuration stops the real server process with one clear line, not a stack trace.</summary>
public sealed class StartupErrorTests
{
    [Theory]
    [InlineData("Host=127.0.0.1;Port={closed};Username=postgres;Database=nowhere;Timeout=2", "Cannot use the PostgreSQL database 'nowhere' at 127.0.0.1")]
    [InlineData("Host=127.0.0.1;Port=not-a-number", "is not a valid PostgreSQL connection string")]
    [InlineData("this is not a connection string", "is not a valid PostgreSQL connection string")]
    public async Task Bad_database_setting_stops_the_server_naming_the_setting(string connectionString, string expected)
    {
        var port = Network.FreePort();
        await using var server = ChildProcess.Start("dotnet",
            [Repository.ServerDll, "--urls", $"http://127.0.0.1:{Network.FreePort()}"],
            TimeSpan.FromMinutes(2),
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__Dashboard"] = connectionString.Replace("{closed}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
                ["Database__StartupTimeoutSeconds"] = "1",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            },
            Path.GetDirectoryName(Repository.ServerDll));

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        var output = server.Output;
        var line = Assert.Single(output.Split('\n'), l => l.Contains("ConnectionStrings:Dashboard", StringComparison.Ordinal));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }
}
