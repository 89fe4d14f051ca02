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

/// <summary>
/// YAML as a person edits it, read back into JSON: one document of maps, lists and scalars (no anchors or
/// tags). A quoted scalar is a string; a plain one is null, a boolean or a number when it reads as one
/// (YAML 1.2's core schema), else a string, so what <see cref="ObjectYaml.Write"/> wrote reads back the same.
/// </summary>
public static partial class ObjectYamlReader
{
    public static JsonObject Read(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        try
        {
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                throw new FormatException("The YAML holds no object.");
            }

            var root = Node(parser) as JsonObject ?? throw new FormatException("The YAML is not an object (a map of fields).");
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out _))
            {
                throw new FormatException("The YAML holds more than one document: edit one object at a time.");
            }

            return root;
        }
        catch (YamlException e)
        {
            throw new FormatException($"The YAML cannot be read at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }
    }

    private static JsonNode? Node(IParser parser)
    {
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            NoAnchor(scalar);
            return Value(scalar);
        }

        if (parser.TryConsume<MappingStart>(out var mapStart))
        {
            NoAnchor(mapStart);
            var map = new JsonObject();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = parser.Consume<Scalar>();
                if (map.ContainsKey(key.Value))
                {
                    throw new FormatException($"The field '{key.Value}' is given twice (line {key.Start.Line}).");
                }

                map[key.Value] = Node(parser);
            }

            return map;
        }

        if (parser.TryConsume<SequenceStart>(out var listStart))
        {
            NoAnchor(listStart);
            var list = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                list.Add(Node(parser));
            }

            return list;
        }

        var other = parser.Current;
        throw new FormatException($"Anchors and aliases are not accepted (line {other?.Start.Line}).");
    }

    private static void NoAnchor(NodeEvent node)
    {
        if (!node.Anchor.IsEmpty || (!node.Tag.IsEmpty && !node.Tag.Value.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal)))
        {
            throw new FormatException($"Anchors and tags are not accepted (line {node.Start.Line}).");
        }
    }

    private static JsonValue? Value(Scalar scalar)
    {
        var text = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}

/// <summary>The lines one text changed from another, as a short diff ("- old", "+ new"), for the audit record.</summary>
public static class LineDiff
{
    public static string Of(string before, string after, int maxLines = 200)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        // Longest common subsequence of lines: objects are a few hundred lines, so the table is small.
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<string>();
        int x = 0, y = 0;
        while ((x < a.Length || y < b.Length) && lines.Count < maxLines)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                lines.Add("- " + a[x++]);
            }
            else
            {
                lines.Add("+ " + b[y++]);
            }
        }

        return string.Join('\n', lines);
    }
}
