using Dashboard.Server.Access;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;
using Dashboard.Shared.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Search;

/// <summary>
/// Global search (Ctrl+K): any object by name across the fleet, within the caller's scope. Exact names first,
/// then prefixes, then the rest; events and endpoints are left out (they repeat the names of their objects).
/// </summary>
public static class SearchApi
{
    private const int Scanned = 2000;
    private static readonly HashSet<string> Skipped = new(["Event", "Endpoints"], StringComparer.Ordinal);

    public static WebApplication MapSearchApi(this WebApplication app)
    {
        app.MapGet("/api/search", SearchAsync);
        return app;
    }

    internal static async Task<Results<Ok<List<SearchHit>>, ProblemHttpResult>> SearchAsync(
        string? q, int? limit, FleetStore store, RightsStore rights, ClusterDirectory clusters, System.Security.Claims.ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var text = q?.Trim() ?? "";
        if (text.Length < 2)
        {
            return TypedResults.Problem("Search for at least 2 characters.", statusCode: StatusCodes.Status400BadRequest);
        }

        var scope = (await rights.ForAsync(user, cancellationToken)).Scope;
        var plurals = Plurals(store);
        bool Visible(Resource r) => !Skipped.Contains(r.Kind) && plurals.ContainsKey(r.Kind) &&
                                    scope.AllowsObject(r, clusters.LabelsOf(r.Meta.Cluster));

        // Exact names in a pass of their own, so a common fragment's many matches cannot crowd them out.
        var exact = store.Find(r => r.Meta.Name.Equals(text, StringComparison.OrdinalIgnoreCase) && Visible(r), Scanned);
        var partial = store.Find(r => r.Meta.Name.Contains(text, StringComparison.OrdinalIgnoreCase) && Visible(r), Scanned);
        return TypedResults.Ok(exact.Concat(partial).DistinctBy(r => (r.Meta.Cluster, r.Meta.Uid))
            .OrderBy(r => r.Meta.Name.Equals(text, StringComparison.OrdinalIgnoreCase) ? 0 : r.Meta.Name.StartsWith(text, StringComparison.OrdinalIgnoreCase) ? 1 : 2)
            .ThenBy(r => r.Meta.Name.Length)
            .ThenBy(r => r.Meta.Name, StringComparer.Ordinal)
            .ThenBy(r => r.Meta.Cluster, StringComparer.Ordinal)
            .Take(Math.Clamp(limit ?? 20, 1, 100))
            .Select(r => new SearchHit(plurals[r.Kind], r.Kind, r.Meta.Cluster, r.Meta.Namespace, r.Meta.Name))
            .ToList());
    }

    /// <summary>Kind to plural: the built-in kinds, and the kinds the fleet's CRDs define.</summary>
    private static Dictionary<string, string> Plurals(FleetStore store)
    {
        var plurals = WatchedKinds.All.ToDictionary(k => k.Kind, k => k.Plural, StringComparer.Ordinal);
        foreach (var crd in store.List("CustomResourceDefinition"))
        {
            if (crd.Spec is CustomKindSpecInfo spec)
            {
                plurals.TryAdd(spec.Kind, spec.Plural);
            }
        }

        return plurals;
    }
}
