using System.Diagnostics;
using Dashboard.Testing;

namespace Dashboard.Server.Tests.Deploy;

/// <summary>
/// The image without a Docker engine: the Dockerfile's own `dotnet publish` line, run once per test class in the
/// repository (what its build stage holds after COPY . .), into a temp folder that stands in for the image's /app.
/// </summary>
public sealed class PublishedImage : IAsyncLifetime
{
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("dashboard-image-");

    public Dockerfile Dockerfile { get; } = Dockerfile.Read(Path.Combine(Repository.Root, "Dockerfile"));

    /// <summary>Where the final stage has the publish output (its COPY --from=build destination), e.g. /app.</summary>
    public string ContainerDirectory { get; private set; } = "";

    public TimeSpan PublishTime { get; private set; }

    public async Task InitializeAsync()
    {
        var build = Dockerfile.Stages.Single(s => s.All("RUN").Any(IsPublish));
        var beforePublish = build.Instructions.TakeWhile(i => !(i.Keyword == "RUN" && IsPublish(i))).ToList();
        if (beforePublish.LastOrDefault(i => i.Keyword == "WORKDIR")?.Arguments != "/src" || !beforePublish.Any(i => i is { Keyword: "COPY", Arguments: ". ." }))
        {
            throw new InvalidOperationException("the build stage publishes after WORKDIR /src and COPY . . (what makes the repository root its working directory)");
        }

        var command = build.All("RUN").Single(IsPublish).Arguments;
        if (command.IndexOfAny(['&', '|', ';', '$', '"', '\'', '`', '<', '>']) >= 0)
        {
            throw new InvalidOperationException($"the publish RUN line is one plain command, which the test can run as it is: {command}");
        }

        var arguments = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var output = Array.FindIndex(arguments, a => a is "-o" or "--output") + 1;
        if (output == 0 || output == arguments.Length)
        {
            throw new InvalidOperationException($"the publish command names no output folder (-o): {command}");
        }

        var published = arguments[output];
        arguments[output] = _output.FullName;
        var clock = Stopwatch.StartNew();
        await using (var publish = ChildProcess.Start(arguments[0], arguments[1..], TimeSpan.FromMinutes(16),
                         new Dictionary<string, string?> { ["MSBUILDDISABLENODEREUSE"] = "1" }, Repository.Root))
        {
            var code = await publish.WaitForExitAsync(TimeSpan.FromMinutes(15));
            if (code != 0)
            {
                throw new InvalidOperationException($"{command} exited {code}:\n{publish.Output}");
            }
        }

        PublishTime = clock.Elapsed;
        var copy = Dockerfile.Final.All("COPY").Select(c => c.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .SingleOrDefault(c => c.Length == 3 && c[0] == $"--from={build.Name}" && c[1] == published)
            ?? throw new InvalidOperationException($"the final stage does not COPY --from={build.Name} {published}");
        ContainerDirectory = copy[2] is "." or "./" ? Dockerfile.Final.Last("WORKDIR")!.Arguments : copy[2].TrimEnd('/');
    }

    /// <summary>A path or command of the container, with the publish output's place in the image replaced by the temp folder.</summary>
    public string Map(string path) =>
        path == ContainerDirectory || path.StartsWith(ContainerDirectory + "/", StringComparison.Ordinal)
            ? _output.FullName + path[ContainerDirectory.Length..]
            : path;

    public Task DisposeAsync()
    {
        _output.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private static bool IsPublish(DockerInstruction run) => run.Arguments.StartsWith("dotnet publish ", StringComparison.Ordinal);
}
