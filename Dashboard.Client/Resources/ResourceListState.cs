namespace Dashboard.Client.Resources;

/// <summary>
/// What a resource list shows, as its URL carries it: clusters and namespaces (each repeatable), the filter
/// text (q), the sort column and direction (desc). A link to a list opens it as it was.
/// </summary>
public sealed record ResourceListState(IReadOnlyList<string> Clusters, IReadOnlyList<string> Namespaces, string? Text, string? Sort, bool Descending)
{
    public static readonly ResourceListState Empty = new([], [], null, null, false);

    /// <summary>Reads the state from an address's query; parameters it does not know are left alone.</summary>
    public static ResourceListState FromUri(string uri)
    {
        var clusters = new List<string>();
        var namespaces = new List<string>();
        string? text = null, sort = null;
        var descending = false;
        var start = uri.IndexOf('?', StringComparison.Ordinal);
        var end = uri.IndexOf('#', StringComparison.Ordinal);
        var query = start < 0 ? "" : end > start ? uri[(start + 1)..end] : uri[(start + 1)..];
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Unescape(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Unescape(pair[(equals + 1)..]);
            switch (name)
            {
                case "cluster" when value.Length > 0 && !clusters.Contains(value):
                    clusters.Add(value);
                    break;
                case "namespace" when value.Length > 0 && !namespaces.Contains(value):
                    namespaces.Add(value);
                    break;
                case "q":
                    text = value.Length == 0 ? null : value;
                    break;
                case "sort":
                    sort = value.Length == 0 ? null : value;
                    break;
                case "desc":
                    descending = value is "true" or "1" or "";
                    break;
            }
        }

        return new(clusters, namespaces, text, sort, descending);
    }

    /// <summary>The query parameters for <c>NavigationManager.GetUriWithQueryParameters</c>: null removes one.</summary>
    public IReadOnlyDictionary<string, object?> QueryParameters => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["cluster"] = Clusters.Count == 0 ? null : Clusters.ToArray(),
        ["namespace"] = Namespaces.Count == 0 ? null : Namespaces.ToArray(),
        ["q"] = string.IsNullOrEmpty(Text) ? null : Text,
        ["sort"] = string.IsNullOrEmpty(Sort) ? null : Sort,
        ["desc"] = Descending ? "true" : null,
    };

    /// <summary>Equal as the URL says it (records compare lists by reference).</summary>
    public bool SameAs(ResourceListState other) =>
        Clusters.SequenceEqual(other.Clusters, StringComparer.Ordinal) &&
        Namespaces.SequenceEqual(other.Namespaces, StringComparer.Ordinal) &&
        string.Equals(Text ?? "", other.Text ?? "", StringComparison.Ordinal) &&
        string.Equals(Sort ?? "", other.Sort ?? "", StringComparison.Ordinal) &&
        Descending == other.Descending;

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
