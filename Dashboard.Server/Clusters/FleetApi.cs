using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Dashboard.Server.Access;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTelemetry.Metrics;

namespace Dashboard.Server.Clusters;

public sealed record ResourcePage(IReadOnlyList<Resource> Items, int Total);

/// <summary>The read API for screens and automation: clusters and their health, and any kind's objects.</summary>
public static class FleetApi
{
    private static readonly ConcurrentDictionary<(Type, string), PropertyInfo?> SpecProperties = new();

    public static WebApplicationBuilder AddFleet(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FleetStore>();
        builder.Services.AddSingleton<Interner>();
        builder.Services.AddSingleton<UsageStore>();
        builder.Services.AddSingleton<DemoFleet>();
        builder.Services.AddSingleton<IClusterSource>(sp => sp.GetRequiredService<DemoFleet>());
        builder.Services.AddSingleton<IClusterSource, ClusterRegistry>();
        builder.Services.AddSingleton<FleetWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FleetWatcher>());
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(FleetMetrics.MeterName).AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapFleetApi(this WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/clusters", ListClustersAsync);
        api.MapGet("/resources/{kind}", ListResources);
        api.MapGet("/usage/{kind}", ListUsageAsync);
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(AccessExtensions.FleetAdminPolicy); // fleet-wide series
        return app;
    }

    /// <summary>
    /// The clusters the caller sees through at least one namespace. Object counts and per-kind states are
    /// answered only for a cluster they may see whole: counts would tell about namespaces out of their scope.
    /// </summary>
    private static async Task<List<ClusterSummary>> ListClustersAsync(ClaimsPrincipal user, RightsStore rights, FleetWatcher fleet, CancellationToken cancellationToken)
    {
        var scope = (await rights.ForAsync(user, cancellationToken)).Scope;
        return fleet.Clusters.Select(fleet.Summarize)
            .Where(c => scope.SeesCluster(c.Name, c.Labels))
            .Select(c => scope.Allows(c.Name, c.Labels, null) ? c : c with { Counts = new Dictionary<string, int>(), Kinds = [] })
            .ToList();
    }

    private static async Task<Results<Ok<IReadOnlyList<ResourceUsage>>, ProblemHttpResult>> ListUsageAsync(
        string kind, UsageStore usage, ClaimsPrincipal user, RightsStore rights, ClusterDirectory clusters, string? cluster, string? @namespace,
        CancellationToken cancellationToken)
    {
        if (kind is not ("nodes" or "pods"))
        {
            return TypedResults.Problem("Usage is known for nodes and pods.", statusCode: StatusCodes.Status404NotFound);
        }

        var scope = (await rights.ForAsync(user, cancellationToken)).Scope;
        return TypedResults.Ok<IReadOnlyList<ResourceUsage>>(usage.List(kind == "nodes" ? "Node" : "Pod", cluster, @namespace)
            .Where(u => scope.Allows(u.Cluster, clusters.LabelsOf(u.Cluster), u.Namespace))
            .ToList());
    }

    internal static async Task<Results<Ok<ResourcePage>, ProblemHttpResult>> ListResources(
        string kind, FleetStore store, FleetWatcher fleet, ClaimsPrincipal user, RightsStore rights, ClusterDirectory clusters,
        string? cluster, string? @namespace, string? q, string? sort, int? offset, int? count, CancellationToken cancellationToken)
    {
        var scope = (await rights.ForAsync(user, cancellationToken)).Scope;
        if (fleet.Resolve(kind) is not { } watched)
        {
            return TypedResults.Problem(
                $"Unknown kind '{kind}'. Known: {string.Join(", ", WatchedKinds.ByPlural.Keys.Order())}, and the plurals of the fleet's CRDs.",
                statusCode: StatusCodes.Status404NotFound);
        }

        await fleet.WaitForFirstSyncAsync(watched, TimeSpan.FromSeconds(5), cancellationToken);

        var take = Math.Clamp(count ?? 100, 0, 1000);
        var skip = Math.Max(offset ?? 0, 0);
        // Filtered before counting or paging: no total, page or name tells of an object out of scope.
        IEnumerable<Resource> rows = store.List(watched.Kind, cluster, @namespace)
            .Where(r => scope.AllowsObject(r, clusters.LabelsOf(r.Meta.Cluster)));
        if (!string.IsNullOrWhiteSpace(q))
        {
            rows = rows.Where(r => r.Meta.Name.Contains(q, StringComparison.OrdinalIgnoreCase) ||
                                   (r.Meta.Namespace?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false));
        }

        var sorted = Sort(rows.ToList(), sort);
        return TypedResults.Ok(new ResourcePage(sorted.Skip(skip).Take(take).ToList(), sorted.Count));
    }

    /// <summary>By a column: name, namespace, cluster, age or created, or any field of the kind's record ("-" first for descending).</summary>
    private static List<Resource> Sort(List<Resource> rows, string? sort)
    {
        var descending = sort?.StartsWith('-') ?? false;
        var column = (sort ?? "name").TrimStart('-', '+').ToUpperInvariant();
        Func<Resource, object?> key = column switch
        {
            "NAME" => r => r.Meta.Name,
            "NAMESPACE" => r => r.Meta.Namespace,
            "CLUSTER" => r => r.Meta.Cluster,
            "AGE" or "CREATED" => r => r.Meta.CreatedUtc,
            _ => r => r.Spec is null ? null : SpecProperties.GetOrAdd((r.Spec.GetType(), column),
                    k => k.Item1.GetProperties().FirstOrDefault(p => p.Name.Equals(k.Item2, StringComparison.OrdinalIgnoreCase)))
                ?.GetValue(r.Spec),
        };
        var comparer = Comparer<object?>.Create(static (a, b) => (a, b) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            (string x, string y) => string.Compare(x, y, StringComparison.OrdinalIgnoreCase),
            (IComparable x, _) => x.CompareTo(b),
            _ => 0,
        });
        var ordered = descending ? rows.OrderByDescending(key, comparer) : rows.OrderBy(key, comparer);
        return ordered.ThenBy(r => r.Meta.Cluster, StringComparer.Ordinal)
            .ThenBy(r => r.Meta.Namespace, StringComparer.Ordinal)
            .ThenBy(r => r.Meta.Name, StringComparer.Ordinal)
            .ToList();
    }
}
