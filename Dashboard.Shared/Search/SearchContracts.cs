namespace Dashboard.Shared.Search;

/// <summary>One object found by GET /api/search: enough to show it and to link to its detail page.</summary>
public sealed record SearchHit(string Plural, string Kind, string Cluster, string? Namespace, string Name);
