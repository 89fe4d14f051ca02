using Dashboard.Server.Hosting;
using Dashboard.Testing;
using Npgsql;

namespace Dashboard.Server.Tests.Deploy;

/// <summary>The Dockerfile and docker-compose.yml, read: what they promise without a Docker engine to run them.</summary>
public sealed class ContainerFileTests
{
    private static readonly Dockerfile Image = Dockerfile.Read(Path.Combine(Repository.Root, "Dockerfile"));
    private static readonly ComposeFile Compose = ComposeFile.Read(Path.Combine(Repository.Root, "docker-compose.yml"));

    [Fact]
    public void Dockerfile_builds_with_the_sdk_and_runs_on_the_aspnet_runtime_as_a_non_root_user_with_a_healthcheck()
    {
        Assert.True(Image.Stages.Count >= 2, "the Dockerfile is multi-stage");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", Image.Stages[0].Image, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", Image.Final.Image, StringComparison.Ordinal);

        var user = Image.Final.Last("USER")?.Arguments.Split(':')[0];
        Assert.False(user is null or "root" or "0", $"the final stage runs as '{user ?? "root (no USER)"}', not a non-root user");

        var healthcheck = Image.Final.Last("HEALTHCHECK") ?? throw new Xunit.Sdk.XunitException("the final stage has no HEALTHCHECK");
        Assert.Equal(["dotnet", "/app/Dashboard.Server.dll", "health"], Dockerfile.HealthcheckCommand(healthcheck));
        // The port the server listens on is the one exposed and the one the compose file publishes.
        var port = ListenPort(Image.Final.Environment["ASPNETCORE_URLS"]);
        Assert.Contains(Image.Final.All("EXPOSE"), e => e.Arguments == $"{port}");
        Assert.Equal(port, ListenPort(Compose.Environment("dashboard")["ASPNETCORE_URLS"]));
        Assert.Contains(Compose.Ports("dashboard"), p => p.EndsWith($":{port}", StringComparison.Ordinal));
    }

    /// <summary>The port of an ASPNETCORE_URLS value's first address (`+` and `*` hosts included).</summary>
    public static int ListenPort(string urls) =>
        new Uri(urls.Split(';')[0].Replace("://+", "://any", StringComparison.Ordinal).Replace("://*", "://any", StringComparison.Ordinal)).Port;

    [Fact]
    public void Every_setting_the_images_get_is_one_the_server_reads()
    {
        var unread = Image.Final.Environment.Keys.Where(key => !Settings.IsKnown(key)).Select(key => $"Dockerfile ENV {key}")
            .Concat(Compose.BuiltServices.SelectMany(service =>
                Compose.Environment(service).Keys.Where(key => !Settings.IsKnown(key)).Select(key => $"docker-compose.yml {service}: {key}")))
            .ToList();

        Assert.Contains("dashboard", Compose.BuiltServices);
        Assert.True(unread.Count == 0, "settings the server does not read: " + string.Join(", ", unread));
    }

    [Fact]
    public void The_dashboard_service_waits_for_healthy_postgres_and_redis_and_uses_their_names_and_credentials()
    {
        Assert.Equal(new Dictionary<string, string> { ["postgres"] = "service_healthy", ["redis"] = "service_healthy" }, Compose.DependsOn("dashboard"));
        Assert.Equal(["redis-cli", "ping"], Compose.HealthcheckCommand("redis"));
        Assert.Equal(Dockerfile.HealthcheckCommand(Image.Final.Last("HEALTHCHECK")!), Compose.HealthcheckCommand("dashboard"));
        var ready = Compose.HealthcheckCommand("postgres");
        Assert.Equal("pg_isready", ready[0]);
        Assert.Equal(Compose.Environment("postgres")["POSTGRES_USER"], ready[Array.IndexOf(ready, "-U") + 1]);
        Assert.Equal(Compose.Environment("postgres")["POSTGRES_DB"], ready[Array.IndexOf(ready, "-d") + 1]);

        // With the password left to its default and with one exported, the dashboard logs in as PostgreSQL was set up.
        foreach (var variables in new[] { new Dictionary<string, string>(), new() { ["POSTGRES_PASSWORD"] = "an exported one" } })
        {
            var postgres = Compose.Environment("postgres", variables);
            var database = new NpgsqlConnectionStringBuilder(Compose.Environment("dashboard", variables)["ConnectionStrings__Dashboard"]);
            Assert.Equal("postgres", database.Host);
            Assert.Equal(postgres["POSTGRES_USER"], database.Username);
            Assert.Equal(postgres["POSTGRES_PASSWORD"], database.Password);
            Assert.Equal(postgres["POSTGRES_DB"], database.Database);
            Assert.NotEmpty(database.Password!);
        }

        var redis = Compose.Environment("dashboard")["ConnectionStrings__Redis"].Split(',')[0].Split(':');
        Assert.Equal(["redis", "6379"], redis);
    }
}
