using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Controllers;

/// <summary>Turns CustomResourceDefinitions into served kinds (and removes them with the CRD).</summary>
internal static class CustomResources
{
    public static void Apply(ClusterStore store, WatchEvent e)
    {
        var crd = e.Object.ToNode();
        var spec = crd["spec"];
        var group = Nodes.Str(spec, "group");
        var plural = Nodes.Str(spec, "names", "plural");
        if (group is null || plural is null)
        {
            return;
        }

        if (e.Type == "DELETED")
        {
            store.RemoveKind(group, plural);
            return;
        }

        var version = spec?["versions"]?.AsArray().Select(v => Nodes.Str(v, "name")).FirstOrDefault(v => v is not null) ?? "v1";
        var shortNames = spec?["names"]?["shortNames"]?.AsArray().Select(s => s?.ToString() ?? "").ToArray() ?? [];
        var hasStatus = spec?["versions"]?[0]?["subresources"]?["status"] is not null;
        var hasScale = spec?["versions"]?[0]?["subresources"]?["scale"] is not null;
        store.AddKind(new ResourceKind(group, version, plural, Nodes.Str(spec, "names", "kind") ?? plural,
            Nodes.Str(spec, "scope") != "Cluster", shortNames, [], hasStatus, hasScale,
            spec?["names"]?["categories"]?.AsArray().Select(s => s?.ToString() ?? "").ToArray()));
    }
}
