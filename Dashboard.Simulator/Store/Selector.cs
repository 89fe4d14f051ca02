namespace Dashboard.Simulator.Store;

/// <summary>A parsed label or field selector: a conjunction of requirements.</summary>
internal sealed class Selector
{
    private readonly List<Requirement> _requirements;

    private Selector(List<Requirement> requirements) => _requirements = requirements;

    public static Selector Everything { get; } = new([]);

    public bool IsEmpty => _requirements.Count == 0;

    public IEnumerable<string> Keys => _requirements.Select(r => r.Key);

    public bool Matches(Func<string, string?> lookup)
    {
        foreach (var r in _requirements)
        {
            var value = lookup(r.Key);
            var ok = r.Op switch
            {
                "=" => value == r.Values[0],
                "!=" => value != r.Values[0],
                "in" => value is not null && r.Values.Contains(value),
                "notin" => value is null || !r.Values.Contains(value),
                "exists" => value is not null,
                "!" => value is null,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public bool MatchesLabels(IReadOnlyDictionary<string, string> labels) =>
        Matches(k => labels.TryGetValue(k, out var v) ? v : null);

    /// <summary>Parses "a=b,c!=d,e in (f,g),h,!i" (label) or "a=b,c!=d" (field).</summary>
    public static Selector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            var p = part.Trim();
            if (p.Length == 0)
            {
                continue;
            }

            int i;
            if ((i = p.IndexOf(" notin ", StringComparison.Ordinal)) > 0)
            {
                requirements.Add(new Requirement(p[..i].Trim(), "notin", SetValues(p[(i + 7)..])));
            }
            else if ((i = p.IndexOf(" in ", StringComparison.Ordinal)) > 0)
            {
                requirements.Add(new Requirement(p[..i].Trim(), "in", SetValues(p[(i + 4)..])));
            }
            else if ((i = p.IndexOf("!=", StringComparison.Ordinal)) > 0)
            {
                requirements.Add(new Requirement(p[..i].Trim(), "!=", [p[(i + 2)..].Trim()]));
            }
            else if ((i = p.IndexOf("==", StringComparison.Ordinal)) > 0)
            {
                requirements.Add(new Requirement(p[..i].Trim(), "=", [p[(i + 2)..].Trim()]));
            }
            else if ((i = p.IndexOf('=', StringComparison.Ordinal)) > 0)
            {
                requirements.Add(new Requirement(p[..i].Trim(), "=", [p[(i + 1)..].Trim()]));
            }
            else if (p.StartsWith('!'))
            {
                requirements.Add(new Requirement(p[1..].Trim(), "!", []));
            }
            else if (p.IndexOfAny([' ', '(', ')']) < 0)
            {
                requirements.Add(new Requirement(p, "exists", []));
            }
            else
            {
                throw ApiException.BadRequest($"unable to parse requirement: {p}");
            }
        }

        return new Selector(requirements);
    }

    /// <summary>A selector from a matchLabels map.</summary>
    public static Selector FromLabels(IEnumerable<KeyValuePair<string, string>> labels) =>
        new(labels.Select(kv => new Requirement(kv.Key, "=", [kv.Value])).ToList());

    private static string[] SetValues(string text)
    {
        var t = text.Trim();
        if (!t.StartsWith('(') || !t.EndsWith(')'))
        {
            throw ApiException.BadRequest($"unable to parse requirement: expected a set, found {t}");
        }

        return t[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(')
            {
                depth++;
            }
            else if (text[i] == ')')
            {
                depth--;
            }
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private sealed record Requirement(string Key, string Op, string[] Values);
}
