using System.Text.RegularExpressions;
using Dashboard.Shared.Access;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Access;

/// <summary>
/// What a user may see and do: the union of their teams' grants. It stands in the path of every subscription,
/// aggregate, REST row and action. Views with equal <see cref="Key"/>s share their work.
/// </summary>
public sealed partial class AccessScope
{
    public static readonly AccessScope Everything = From([new Grant(TeamRole.Admin, "*", "*")]);

    public static readonly AccessScope Nothing = From([]);

    private readonly CompiledGrant[] _grants;

    private AccessScope(CompiledGrant[] grants)
    {
        _grants = grants;
        Key = grants.Length == 0 ? "-" : string.Join(";", grants.Select(g => $"{g.Grant.Role}:{g.Grant.Clusters}:{g.Grant.Namespaces}").Order(StringComparer.Ordinal));
    }

    public string Key { get; }

    public IReadOnlyList<Grant> Grants => [.. _grants.Select(g => g.Grant)];

    /// <summary>
    /// The namespaces the grants name, when they name them all plainly; null when a grant covers every namespace
    /// or names them by pattern. (A superset of what <see cref="Allows"/> admits, for narrowing a query early.)
    /// </summary>
    public IReadOnlySet<string>? NamespaceNames
    {
        get
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var grant in _grants.Where(g => Validate(g.Grant.Clusters, g.Grant.Namespaces) is null))
            {
                foreach (var term in Terms(grant.Grant.Namespaces))
                {
                    if (term.IndexOfAny(['*', '?']) >= 0)
                    {
                        return null;
                    }

                    names.Add(term);
                }
            }

            return names;
        }
    }

    /// <summary>Admin over the whole fleet: may manage users, teams, bindings and clusters.</summary>
    public bool IsFleetAdmin => _grants.Any(g => g.Grant.Role == TeamRole.Admin && g.AllClusters && g.AllNamespaces);

    /// <summary>May read this object (a null namespace: a cluster-scoped object, or the cluster as a whole).</summary>
    public bool Allows(string cluster, ClusterLabels? labels, string? @namespace) => Can(TeamRole.Viewer, cluster, labels, @namespace);

    /// <summary>
    /// May see the object: one in a namespace the user may see, or a cluster-scoped one with rights over all
    /// namespaces; a Namespace object counts as inside itself (a user of namespace shop sees that shop exists).
    /// </summary>
    public bool AllowsObject(Dashboard.Shared.Fleet.Resource resource, ClusterLabels? labels) =>
        Allows(resource.Meta.Cluster, labels, resource.Kind == "Namespace" ? resource.Meta.Name : resource.Meta.Namespace);

    public bool Can(TeamRole role, string cluster, ClusterLabels? labels, string? @namespace) =>
        _grants.Any(g => g.Grant.Role >= role && g.MatchesNamespace(@namespace) && g.MatchesCluster(cluster, labels));

    /// <summary>May see that the cluster exists (its name and health), through at least one namespace of it.</summary>
    public bool SeesCluster(string cluster, ClusterLabels? labels) => _grants.Any(g => g.MatchesCluster(cluster, labels));

    public static AccessScope From(IEnumerable<Grant> grants) =>
        new([.. grants.DistinctBy(g => (g.Role, g.Clusters.Trim(), g.Namespaces.Trim())).Select(g => new CompiledGrant(g))]);

    /// <summary>Why a binding's cluster selector or namespace pattern is not valid, or null when both are.</summary>
    public static string? Validate(string? clusters, string? namespaces)
    {
        if (string.IsNullOrWhiteSpace(clusters) || string.IsNullOrWhiteSpace(namespaces))
        {
            return "A binding needs a cluster selector and a namespace pattern (\"*\" for all).";
        }

        foreach (var term in Terms(clusters))
        {
            var (key, _, value) = Label(term);
            if (key is not null && (!LabelKeys.Contains(key) || !NamePattern().IsMatch(value)))
            {
                return $"'{term}' is not a cluster selector term: use a name (with * as wildcard) or provider=, environment=, region= (or !=).";
            }

            if (key is null && !NamePattern().IsMatch(term))
            {
                return $"'{term}' is not a cluster name pattern.";
            }
        }

        return Terms(namespaces).FirstOrDefault(t => !NamePattern().IsMatch(t)) is { } bad
            ? $"'{bad}' is not a namespace pattern: use names with * as wildcard, separated by commas."
            : null;
    }

    private static readonly HashSet<string> LabelKeys = new(["provider", "environment", "region"], StringComparer.Ordinal);

    private static string[] Terms(string list) =>
        list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static (string? Key, bool Equal, string Value) Label(string term)
    {
        var notEqual = term.IndexOf("!=", StringComparison.Ordinal);
        if (notEqual > 0)
        {
            return (term[..notEqual].Trim().ToLowerInvariant(), false, term[(notEqual + 2)..].Trim());
        }

        var equal = term.IndexOf('=', StringComparison.Ordinal);
        return equal > 0 ? (term[..equal].Trim().ToLowerInvariant(), true, term[(equal + 1)..].Trim()) : (null, true, term);
    }

    private static Regex Glob(IEnumerable<string> patterns) =>
        new("^(?:" + string.Join("|", patterns.Select(p => Regex.Escape(p).Replace("\\*", ".*", StringComparison.Ordinal))) + ")$",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    [GeneratedRegex("^[A-Za-z0-9*._-]{1,253}$")]
    private static partial Regex NamePattern();

    private sealed class CompiledGrant
    {
        private readonly Regex? _names;
        private readonly (string Key, bool Equal, string Value)[] _labels;
        private readonly Regex? _namespaces;

        public CompiledGrant(Grant grant)
        {
            Grant = grant;
            if (Validate(grant.Clusters, grant.Namespaces) is not null)
            {
                // A binding that is not valid grants nothing (the admin API refuses to store one).
                _labels = [];
                _names = new Regex("^(?!)$");
                _namespaces = _names;
                return;
            }

            var terms = Terms(grant.Clusters).ToList();
            AllClusters = terms.Contains("*") || terms.Count == 0;
            _labels = [.. terms.Select(Label).Where(l => l.Key is not null).Select(l => (l.Key!, l.Equal, l.Value))];
            var names = terms.Where(t => Label(t).Key is null).ToList();
            _names = AllClusters || names.Count == 0 ? null : Glob(names);
            AllClusters = AllClusters && _labels.Length == 0;

            var namespaces = Terms(grant.Namespaces).ToList();
            AllNamespaces = namespaces.Contains("*");
            _namespaces = AllNamespaces ? null : Glob(namespaces);
        }

        public Grant Grant { get; }

        public bool AllClusters { get; }

        public bool AllNamespaces { get; }

        public bool MatchesNamespace(string? @namespace) =>
            AllNamespaces || (@namespace is not null && _namespaces!.IsMatch(@namespace));

        public bool MatchesCluster(string cluster, ClusterLabels? labels)
        {
            if (_names is not null && !_names.IsMatch(cluster))
            {
                return false;
            }

            foreach (var (key, equal, value) in _labels)
            {
                var actual = labels is null ? null : key switch
                {
                    "provider" => labels.Provider,
                    "environment" => labels.Environment,
                    _ => labels.Region,
                };
                if (actual is null || string.Equals(actual, value, StringComparison.OrdinalIgnoreCase) != equal)
                {
                    return false; // unknown labels satisfy no requirement, not even "!="
                }
            }

            return true;
        }
    }
}
