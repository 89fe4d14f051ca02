namespace Dashboard.Shared.Topology;

/// <summary>One box of the map. Column: 0 Ingress, 1 Service, 2 Deployment, 3 ReplicaSet, 4 Pod, 5 Node.</summary>
public sealed record TopologyNode(string Id, string Kind, string Name, int Column, string Status, string? Detail, bool Healthy);

/// <summary>An arrow: traffic (ingress -> service -> pod), ownership (deployment -> replicaset -> pod) or placement (pod -> node).</summary>
public sealed record TopologyEdge(string From, string To, string Relation);

/// <summary>GET /api/topology/{cluster}/{namespace}: the namespace's objects and how they connect.</summary>
public sealed record TopologyGraph(string Cluster, string Namespace, IReadOnlyList<TopologyNode> Nodes, IReadOnlyList<TopologyEdge> Edges, int PodsLeftOut);
