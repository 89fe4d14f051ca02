namespace Dashboard.Shared.Drift;

/// <summary>A cluster as a column of the drift view, in pipeline order (dev, test, staging, prod, then the rest).</summary>
public sealed record DriftColumn(string Cluster, string Provider, string Environment);

/// <summary>One application's workload in one cluster: what runs there, and whether it differs from the reference.</summary>
public sealed record DriftCell(string Cluster, string Kind, string Namespace, string Name, IReadOnlyList<string> Images, int Desired, int Ready, bool Differs);

/// <summary>One application (its app.kubernetes.io/name or app label, else its name) across the clusters that run it.</summary>
public sealed record DriftApp(string App, IReadOnlyList<string> ReferenceImages, string? ReferenceCluster, IReadOnlyList<DriftCell> Cells, bool Drifted);

/// <summary>GET /api/drift: the fleet's applications side by side, drifted ones first.</summary>
public sealed record DriftReport(IReadOnlyList<DriftColumn> Clusters, IReadOnlyList<DriftApp> Apps);
