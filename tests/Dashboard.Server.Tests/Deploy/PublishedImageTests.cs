using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dashboard.Testing;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Deploy;

/// <summary>
/// The image's publish output started as its ENTRYPOINT, with its ENV and the compose file's dashboard
/// environment, on the test's PostgreSQL and Redis: it becomes ready, and the image's HEALTHCHECK says so.
/// </summary>
[Collection(nameof(PublishedImageTests))]
public sealed partial class PublishedImageTests(PublishedImage image, ITestOutputHelper log) : IClassFixture<PublishedImage>
{
    [Fact]
    public async Task Published_image_with_the_compose_settings_becomes_ready_and_passes_its_own_healthcheck()
    {
        log.WriteLine($"the Dockerfile's dotnet publish took {image.PublishTime.TotalSeconds:F0} s");
        var redis = Environment.GetEnvironmentVariable("DASHBOARD_TEST_REDIS") is { Length: > 0 } configured
            ? configured
            : throw new InvalidOperationException("DASHBOARD_TEST_REDIS is not set: run the tests through ./test.sh, which starts a Redis and sets it.");
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var port = Network.FreePort();
        var compose = ComposeFile.Read(Path.Combine(Repository.Root, "docker-compose.yml"));

        // As Docker gives it to the container: the image's ENV, then the service's environment; then the addresses
        // of this test's PostgreSQL, Redis and port in place of the compose network's.
        var environment = new Dictionary<string, string?>();
        foreach (var (key, value) in image.Dockerfile.Final.Environment.Concat(compose.Environment("dashboard")))
        {
            environment[key] = value;
        }

        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["ConnectionStrings__Dashboard"] = database.ConnectionString,
                     ["ConnectionStrings__Redis"] = redis,
                     ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                 })
        {
            Assert.True(compose.Environment("dashboard").ContainsKey(key), $"docker-compose.yml's dashboard service sets no {key}");
            environment[key] = value;
        }

        var entrypoint = Dockerfile.ExecForm(image.Dockerfile.Final.Last("ENTRYPOINT")!.Arguments).Select(image.Map).ToArray();
        var workingDirectory = image.Map(image.Dockerfile.Final.Last("WORKDIR")!.Arguments);
        var healthcheck = Dockerfile.HealthcheckCommand(image.Dockerfile.Final.Last("HEALTHCHECK")!);
        var server = ChildProcess.Start(entrypoint[0], entrypoint[1..], TimeSpan.FromMinutes(5), environment, workingDirectory);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            var readiness = await ReadyAsync(http, server);
            Assert.True(JsonDocument.Parse(readiness).RootElement.GetProperty("status").GetString() == "Healthy",
                $"/readyz answered 200 but not Healthy (database, first sync, Redis): {readiness}");

            // The WebAssembly client is served from the publish output.
            var shell = await http.GetStringAsync("signin");
            var script = BlazorScript().Match(shell);
            Assert.True(script.Success, $"the sign-in page loads no Blazor script:\n{shell}");
            using (var response = await http.GetAsync(script.Groups["src"].Value))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            // Docker runs the HEALTHCHECK (and compose's own) inside the container, with the container's environment.
            foreach (var command in new[] { healthcheck, compose.HealthcheckCommand("dashboard") })
            {
                var (code, output) = await RunAsync(command.Select(image.Map).ToArray(), environment, workingDirectory);
                Assert.True(code == 0, $"{string.Join(' ', command)} exited {code} while the server is ready:\n{output}");
                Assert.Contains($"127.0.0.1:{port}", output, StringComparison.Ordinal);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }

        var (stopped, said) = await RunAsync(healthcheck.Select(image.Map).ToArray(), environment, workingDirectory);
        Assert.True(stopped == 1, $"the HEALTHCHECK exited {stopped} with the server stopped:\n{said}");
    }

    private static async Task<string> ReadyAsync(HttpClient http, ChildProcess server)
    {
        var last = "(no answer)";
        try
        {
            await Network.WaitUntilAsync(async () =>
            {
                if (server.HasExited)
                {
                    throw new InvalidOperationException("the server exited");
                }

                var listening = server.Output.Split('\n').Where(l => l.Contains("Now listening on: ", StringComparison.Ordinal)).ToList();
                if (listening.Count > 0 && !listening.Any(l => l.Contains($"{http.BaseAddress!.Authority}", StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException($"the server does not listen where ASPNETCORE_URLS says ({http.BaseAddress}): {string.Join("; ", listening.Select(l => l.Trim()))}");
                }

                using var response = await http.GetAsync("readyz");
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                return response.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromMinutes(2), "/readyz to answer 200");
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{e.Message} (last /readyz: {last}). Server output:\n{server.Output}", e);
        }

        return last[4..];
    }

    private static async Task<(int Code, string Output)> RunAsync(string[] command, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        await using var process = ChildProcess.Start(command[0], command[1..], TimeSpan.FromMinutes(1), environment, workingDirectory);
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(45));
        return (code, process.Output);
    }

    [GeneratedRegex("""<script src="(?<src>_framework/blazor\.web[^"]*\.js)"></script>""")]
    private static partial Regex BlazorScript();
}

/// <summary>The publish takes both cores for a while: it runs after the other tests, not beside them.</summary>
[CollectionDefinition(nameof(PublishedImageTests), DisableParallelization = true)]
public sealed class PublishedImageCollection;
