using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Dashboard.Server.Tests.Deploy;

/// <summary>
/// docker-compose.yml read as Compose reads it, as far as the tests need: services, their environment with
/// ${NAME} and ${NAME:-default} filled in from the given variables, healthchecks and dependencies.
/// </summary>
public sealed partial class ComposeFile
{
    private readonly YamlMappingNode _services;

    private ComposeFile(YamlMappingNode services) => _services = services;

    public static ComposeFile Read(string path)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return new ComposeFile((YamlMappingNode)root["services"]);
    }

    public IEnumerable<string> ServiceNames => _services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    public YamlMappingNode Service(string name) =>
        _services.Children.TryGetValue(name, out var service)
            ? (YamlMappingNode)service
            : throw new KeyNotFoundException($"docker-compose.yml has no service '{name}'");

    /// <summary>The services built from this repository's Dockerfile (they run the dashboard).</summary>
    public IEnumerable<string> BuiltServices => ServiceNames.Where(name => Service(name).Children.ContainsKey("build"));

    /// <summary>A service's environment (map or KEY=VALUE list form), interpolated as `docker compose` would with these variables set.</summary>
    public IReadOnlyDictionary<string, string> Environment(string service, IReadOnlyDictionary<string, string>? variables = null)
    {
        if (!Service(service).Children.TryGetValue("environment", out var node))
        {
            return new Dictionary<string, string>();
        }

        var pairs = node is YamlMappingNode map
            ? map.Children.Select(kv => KeyValuePair.Create(Scalar(kv.Key), Scalar(kv.Value)))
            : ((YamlSequenceNode)node).Children.Select(Scalar).Select(item => item.Split('=', 2)).Select(kv => KeyValuePair.Create(kv[0], kv.Length > 1 ? kv[1] : ""));
        return pairs.ToDictionary(kv => kv.Key, kv => Interpolate(kv.Value, variables ?? new Dictionary<string, string>()), StringComparer.Ordinal);
    }

    /// <summary>healthcheck.test in its ["CMD", ...] form, without the "CMD".</summary>
    public string[] HealthcheckCommand(string service)
    {
        var test = (YamlSequenceNode)((YamlMappingNode)Service(service)["healthcheck"])["test"];
        var items = test.Children.Select(Scalar).ToArray();
        return items is ["CMD", .. var command] ? command : throw new FormatException($"{service}: healthcheck.test is not in the [\"CMD\", ...] form");
    }

    /// <summary>The ports entries ("127.0.0.1:8080:8080").</summary>
    public IEnumerable<string> Ports(string service) =>
        Service(service).Children.TryGetValue("ports", out var node) ? ((YamlSequenceNode)node).Children.Select(Scalar) : [];

    /// <summary>depends_on in its long form: service name to condition.</summary>
    public IReadOnlyDictionary<string, string> DependsOn(string service) =>
        Service(service).Children.TryGetValue("depends_on", out var node) && node is YamlMappingNode map
            ? map.Children.ToDictionary(kv => Scalar(kv.Key), kv => ((YamlMappingNode)kv.Value).Children.TryGetValue("condition", out var c) ? Scalar(c) : "")
            : new Dictionary<string, string>();

    /// <summary>Compose's interpolation for the forms this file uses: ${NAME}, ${NAME:-default} and $$.</summary>
    public static string Interpolate(string value, IReadOnlyDictionary<string, string> variables) =>
        Variable().Replace(value, m =>
        {
            if (m.Value == "$$")
            {
                return "$";
            }

            if (!m.Groups["name"].Success)
            {
                throw new FormatException($"'{value}': the tests read only ${{NAME}} and ${{NAME:-default}}");
            }

            var set = variables.TryGetValue(m.Groups["name"].Value, out var v) ? v : null;
            return string.IsNullOrEmpty(set) ? m.Groups["default"].Value : set;
        });

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:-(?<default>[^}]*))?\}|\$")]
    private static partial Regex Variable();
}
