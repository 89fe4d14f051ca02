using System.Security.Claims;
using Dashboard.Server.Access;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Shared.Drift;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Drift;

/// <summary>
/// Environment drift: the same application across clusters and environments, the dev -> staging -> prod picture
/// of a delivery pipeline. The reference is what the furthest environment runs (prod if any); a cell differs
/// when its images are not the reference's. Replica counts differ by design and are shown, not flagged.
/// </summary>
public static class DriftApi
{
    private static readonly string[] WorkloadKinds = ["Deployment", "StatefulSet", "DaemonSet"];
    private static readonly string[] Pipeline = ["dev", "test", "qa", "staging", "prod"];

    public static WebApplication MapDriftApi(this WebApplication app)
    {
        app.MapGet("/api/drift", ReportAsync);
        return app;
    }

    internal static async Task<DriftReport> ReportAsync(
        string? q, FleetStore store, ClusterDirectory clusters, RightsStore rights, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var scope = (await rights.ForAsync(user, cancellationToken)).Scope;
        var summaries = clusters.Summaries;
        var workloads = WorkloadKinds
            .SelectMany(kind => store.List(kind))
            .Where(w => w.Spec is WorkloadSpecInfo && scope.Allows(w.Meta.Cluster, summaries.GetValueOrDefault(w.Meta.Cluster)?.Labels, w.Meta.Namespace))
            .Where(w => w.Meta.Namespace is not ("kube-system" or "kube-public" or "kube-node-lease"))
            .ToList();

        var columns = workloads.Select(w => w.Meta.Cluster).Distinct()
            .Select(c => summaries.GetValueOrDefault(c)?.Labels is { } l ? new DriftColumn(c, l.Provider, l.Environment) : new DriftColumn(c, "", ""))
            .OrderBy(c => Rank(c.Environment)).ThenBy(c => c.Cluster, StringComparer.Ordinal)
            .ToList();
        var order = columns.Select((c, i) => (c.Cluster, i)).ToDictionary(x => x.Cluster, x => x.i, StringComparer.Ordinal);

        var text = q?.Trim() ?? "";
        var apps = workloads
            .GroupBy(AppOf, StringComparer.Ordinal)
            .Where(g => text.Length == 0 || g.Key.Contains(text, StringComparison.OrdinalIgnoreCase))
            .Select(g => App(g.Key, g.OrderBy(w => order[w.Meta.Cluster]).ToList()))
            .OrderByDescending(a => a.Drifted)
            .ThenByDescending(a => a.Cells.Count)
            .ThenBy(a => a.App, StringComparer.Ordinal)
            .ToList();
        return new DriftReport(columns, apps);

        DriftApp App(string name, List<Resource> instances)
        {
            // The furthest environment's images are the reference (the last column in pipeline order).
            var reference = instances[^1];
            var referenceImages = Images(reference);
            var cells = instances.Select(w =>
            {
                var spec = (WorkloadSpecInfo)w.Spec!;
                var images = Images(w);
                return new DriftCell(w.Meta.Cluster, w.Kind, w.Meta.Namespace ?? "", w.Meta.Name, images, spec.Desired, spec.Ready,
                    !images.SequenceEqual(referenceImages, StringComparer.Ordinal));
            }).ToList();
            return new DriftApp(name, referenceImages, instances.Count > 1 ? reference.Meta.Cluster : null, cells, cells.Any(c => c.Differs));
        }
    }

    private static string AppOf(Resource workload) =>
        workload.Meta.Labels.GetValueOrDefault("app.kubernetes.io/name") ?? workload.Meta.Labels.GetValueOrDefault("app") ?? workload.Meta.Name;

    private static List<string> Images(Resource workload) => [.. ((WorkloadSpecInfo)workload.Spec!).Images.Order(StringComparer.Ordinal)];

    private static int Rank(string environment)
    {
        var index = Array.IndexOf(Pipeline, environment.ToLowerInvariant());
        return index < 0 ? Pipeline.Length : index;
    }
}
