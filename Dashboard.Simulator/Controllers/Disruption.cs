using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Controllers;

/// <summary>PodDisruptionBudget arithmetic shared by the eviction endpoint and the PDB status controller.</summary>
internal static class Disruption
{
    public static Selector SelectorOf(StoredObject pdb)
    {
        var node = pdb.ToNode();
        return Selector.FromLabels(Nodes.Map(node["spec"]?["selector"]?["matchLabels"]));
    }

    public static List<StoredObject> Pods(ClusterStore store, StoredObject pdb) =>
        store.List(BuiltInKinds.Pod, pdb.Namespace, SelectorOf(pdb), Selector.Everything, 0, null).Items;

    public static int Healthy(ClusterStore store, StoredObject pdb) => Pods(store, pdb).Count(p => p.Ready);

    public static int Needed(StoredObject pdb)
    {
        var node = pdb.ToNode();
        return Nodes.IntOrPercent(node["spec"]?["minAvailable"], 0, roundUp: true, fallback: 0);
    }

    /// <summary>How many more pods may go now, or null when the budget does not cover the pod.</summary>
    public static int? Allowed(ClusterStore store, StoredObject pdb, StoredObject pod)
    {
        var selector = SelectorOf(pdb);
        if (selector.IsEmpty || !selector.MatchesLabels(pod.Labels))
        {
            return null;
        }

        var pods = Pods(store, pdb);
        var healthy = pods.Count(p => p.Ready);
        var node = pdb.ToNode();
        if (node["spec"]?["minAvailable"] is { } min)
        {
            return healthy - Nodes.IntOrPercent(min, pods.Count, roundUp: true, fallback: 0);
        }

        if (node["spec"]?["maxUnavailable"] is { } max)
        {
            return Nodes.IntOrPercent(max, pods.Count, roundUp: false, fallback: 0) - (pods.Count - healthy);
        }

        return null;
    }
}
