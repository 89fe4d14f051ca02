using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dashboard.Server.Resources;

/// <summary>Secret values never leave the server: what stands in their place.</summary>
public static class SecretRedaction
{
    public const string Placeholder = "(hidden by the dashboard)";

    /// <summary>
    /// Replaces every value of data and stringData, and the last applied configuration (kubectl apply copies the
    /// whole Secret into it), by the placeholder. Keys stay: which keys a Secret has is not secret.
    /// </summary>
    public static void Redact(JsonObject secret)
    {
        foreach (var field in new[] { "data", "stringData" })
        {
            if (secret[field] is JsonObject values)
            {
                foreach (var key in values.Select(p => p.Key).ToList())
                {
                    values[key] = Placeholder;
                }
            }
            else if (secret.ContainsKey(field))
            {
                secret[field] = Placeholder; // not a map, but whatever it is, it is not shown
            }
        }

        if (secret["metadata"]?["annotations"] is JsonObject annotations && annotations.ContainsKey(ObjectDetails.LastApplied))
        {
            annotations[ObjectDetails.LastApplied] = Placeholder;
        }
    }
}

/// <summary>An object's JSON written as YAML the way kubectl -o yaml shows it, minus managedFields.</summary>
public static partial class ObjectYaml
{
    public static string Write(JsonObject item, bool isSecret)
    {
        if (item["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
        }

        if (isSecret)
        {
            SecretRedaction.Redact(item);
        }

        var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, indentSequences: false));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Node(emitter, item);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Node(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject map:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, map.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in map)
                {
                    Text(emitter, key);
                    Node(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray list:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, list.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in list)
                {
                    Node(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            case JsonValue value when value.TryGetValue<string>(out var s):
                Text(emitter, s);
                break;
            default:
                // numbers and booleans as JSON wrote them
                emitter.Emit(new Scalar(null, null, node.ToJsonString(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
        }
    }

    /// <summary>A string stays a string when read back: quoted if plain YAML (1.1 or 1.2) would read another type.</summary>
    private static void Text(IEmitter emitter, string value)
    {
        var style = value.Contains('\n', StringComparison.Ordinal) && !value.Contains('\r', StringComparison.Ordinal) && value == value.TrimEnd(' ', '\t')
            ? ScalarStyle.Literal
            : NotAString().IsMatch(value) ? ScalarStyle.SingleQuoted : ScalarStyle.Any;
        emitter.Emit(new Scalar(null, null, value, style, isPlainImplicit: style == ScalarStyle.Any, isQuotedImplicit: true));
    }

    [GeneratedRegex(@"^(|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|<<|=|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$")]
    private static partial Regex NotAString();
}
