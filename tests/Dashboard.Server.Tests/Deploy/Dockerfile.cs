using System.Text.Json;

namespace Dashboard.Server.Tests.Deploy;

/// <summary>
/// The repository's Dockerfile read as Docker reads it, as far as the tests need: stages of instructions (line
/// continuations joined, comments dropped), ENV pairs, exec-form commands, and the publish command of the build stage.
/// </summary>
public sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerStage> stages) => Stages = stages;

    public IReadOnlyList<DockerStage> Stages { get; }

    public DockerStage Final => Stages[^1];

    public static Dockerfile Read(string path)
    {
        var stages = new List<DockerStage>();
        foreach (var line in LogicalLines(File.ReadAllLines(path)))
        {
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var instruction = new DockerInstruction(parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1] : "");
            if (instruction.Keyword == "FROM")
            {
                var from = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stages.Add(new DockerStage(from[0], from.Length == 3 && from[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? from[2] : null, []));
            }
            else if (stages.Count == 0)
            {
                throw new FormatException($"{path}: {instruction.Keyword} before the first FROM");
            }
            else
            {
                stages[^1] = stages[^1] with { Instructions = [.. stages[^1].Instructions, instruction] };
            }
        }

        return new Dockerfile(stages);
    }

    /// <summary>An exec-form argument list (a JSON array), e.g. ENTRYPOINT ["dotnet", "x.dll"].</summary>
    public static string[] ExecForm(string arguments) =>
        arguments.TrimStart().StartsWith('[')
            ? JsonSerializer.Deserialize<string[]>(arguments) ?? throw new FormatException(arguments)
            : throw new FormatException($"not an exec-form (JSON array) command: {arguments}");

    /// <summary>HEALTHCHECK [--option=value ...] CMD [...]: the command, in exec form.</summary>
    public static string[] HealthcheckCommand(DockerInstruction healthcheck)
    {
        var rest = healthcheck.Arguments;
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            rest = rest[(rest.IndexOf(' ', StringComparison.Ordinal) + 1)..].TrimStart();
        }

        return rest.StartsWith("CMD ", StringComparison.Ordinal)
            ? ExecForm(rest[4..])
            : throw new FormatException($"HEALTHCHECK without a CMD: {healthcheck.Arguments}");
    }

    /// <summary>ENV KEY=VALUE [KEY=VALUE ...] (unquoted values only).</summary>
    public static IEnumerable<KeyValuePair<string, string>> EnvPairs(DockerInstruction env)
    {
        if (env.Arguments.IndexOfAny(['"', '\'', '$']) >= 0 || !env.Arguments.Contains('=', StringComparison.Ordinal))
        {
            throw new FormatException($"the tests read ENV KEY=VALUE with plain values only: ENV {env.Arguments}");
        }

        return env.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => KeyValuePair.Create(kv[0], kv[1]));
    }

    private static IEnumerable<string> LogicalLines(IEnumerable<string> lines)
    {
        var current = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            yield return current + line;
            current = "";
        }
    }
}

public sealed record DockerInstruction(string Keyword, string Arguments);

public sealed record DockerStage(string Image, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    public DockerInstruction? Last(string keyword) => All(keyword).LastOrDefault();

    public IReadOnlyDictionary<string, string> Environment =>
        All("ENV").SelectMany(Dockerfile.EnvPairs).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);
}
