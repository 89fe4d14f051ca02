using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Server.Access;
using Dashboard.Server.Clusters;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Resources;

/// <summary>
/// The detail of any object, read from its cluster when asked: GET /api/objects/{plural}/{cluster}/{namespace}/{name}
/// ("-" as namespace for a cluster-scoped object), its YAML (…/yaml) and a pod's logs (…/logs). An object the
/// caller may not see is answered exactly as one that does not exist.
/// </summary>
public static partial class ResourceDetailApi
{
    private const int MaxEvents = 200;

    public static WebApplication MapResourceDetailApi(this WebApplication app)
    {
        var objects = new ClusterObjects(app.Services.GetRequiredService<FleetWatcher>());

        var api = app.MapGroup("/api/objects/{plural}/{cluster}/{namespace}/{name}");
        api.MapGet("", (string plural, string cluster, string @namespace, string name, ClaimsPrincipal user, RightsStore rights,
                ClusterDirectory directory, FleetWatcher fleet, FleetStore store, Interner interner, CancellationToken cancellationToken) =>
            GetDetailAsync(new ObjectAddress(plural, cluster, @namespace, name), new Caller(user, rights, directory, fleet), objects, store, interner, cancellationToken));
        api.MapGet("/yaml", (string plural, string cluster, string @namespace, string name, ClaimsPrincipal user, RightsStore rights,
                ClusterDirectory directory, FleetWatcher fleet, CancellationToken cancellationToken) =>
            GetYamlAsync(new ObjectAddress(plural, cluster, @namespace, name), new Caller(user, rights, directory, fleet), objects, cancellationToken));
        api.MapGet("/logs", (string plural, string cluster, string @namespace, string name, ClaimsPrincipal user, RightsStore rights,
                ClusterDirectory directory, FleetWatcher fleet, HttpContext context, string? container, bool? previous, bool? follow, int? tailLines,
                bool? download) =>
            StreamLogsAsync(new ObjectAddress(plural, cluster, @namespace, name), new Caller(user, rights, directory, fleet), objects, context,
                new LogRequest(container, previous ?? false, follow ?? false, tailLines, download ?? false)));
        return app;
    }

    private static async Task<Results<Ok<ResourceDetail>, ProblemHttpResult>> GetDetailAsync(
        ObjectAddress address, Caller caller, ClusterObjects objects, FleetStore store, Interner interner, CancellationToken cancellationToken)
    {
        var located = await LocateAsync(address, caller, objects, cancellationToken);
        if (located.Problem is { } problem)
        {
            return problem;
        }

        var target = located.Target!;
        try
        {
            using var document = await objects.GetAsync(target.Cluster, target.Path, cancellationToken);
            if (document is null)
            {
                return target.NotFound();
            }

            return TypedResults.Ok(Build(document.RootElement, target, store, interner));
        }
        catch (ClusterCallException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.Status);
        }
    }

    private static ResourceDetail Build(JsonElement item, Target target, FleetStore store, Interner interner)
    {
        var cluster = target.Cluster.Name;
        var kind = target.Kind;
        var uid = item.Get("metadata").Str("uid") ?? "";
        var stored = store.Get(cluster, kind.Kind, target.Namespace, target.Name);
        var resource = stored is not null && stored.Meta.Uid == uid
            ? stored
            : new Resource(kind.Kind, Projections.Meta(item, cluster, interner), kind.Project(item, interner));
        bool Visible(string? @namespace) => target.Scope.Allows(cluster, target.Labels, @namespace);

        return new ResourceDetail(
            ObjectDetails.Summary(item, kind, cluster, resource.Spec),
            ObjectDetails.Conditions(item),
            ObjectDetails.Labels(item),
            ObjectDetails.Annotations(item, target.IsSecret),
            ObjectDetails.Owners(item, cluster, target.Namespace),
            ObjectDetails.Containers(item, kind.Kind),
            ObjectRelations.Of(store, resource, Visible),
            Events(store, target, Visible));
    }

    /// <summary>The Event objects about this object, newest first (an object's events live in its namespace; a node's anywhere).</summary>
    private static List<ObjectEvent> Events(FleetStore store, Target target, Func<string?, bool> visible) =>
        store.List("Event", target.Cluster.Name, target.Namespace)
            .Where(e => e.Spec is EventSpecInfo s && s.InvolvedKind == target.Kind.Kind && s.InvolvedName == target.Name &&
                        (s.InvolvedNamespace ?? "") == (target.Namespace ?? "") && visible(e.Meta.Namespace))
            .Select(e => (EventSpecInfo)e.Spec!)
            .OrderByDescending(s => s.LastSeenUtc ?? DateTime.MinValue)
            .Take(MaxEvents)
            .Select(s => new ObjectEvent(s.Type, s.Reason, s.Message, s.Count, s.LastSeenUtc, s.Source))
            .ToList();

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetYamlAsync(
        ObjectAddress address, Caller caller, ClusterObjects objects, CancellationToken cancellationToken)
    {
        var located = await LocateAsync(address, caller, objects, cancellationToken);
        if (located.Problem is { } problem)
        {
            return problem;
        }

        var target = located.Target!;
        try
        {
            using var document = await objects.GetAsync(target.Cluster, target.Path, cancellationToken);
            if (document is null || JsonSerializer.SerializeToNode(document.RootElement) is not JsonObject item)
            {
                return target.NotFound();
            }

            return TypedResults.Text(ObjectYaml.Write(item, target.IsSecret), "application/yaml; charset=utf-8");
        }
        catch (ClusterCallException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.Status);
        }
    }

    /// <summary>Where the object is and who asks: the cluster, kind and scope once checked, or the problem to answer.</summary>
    private static async Task<(Target? Target, ProblemHttpResult? Problem)> LocateAsync(
        ObjectAddress address, Caller caller, ClusterObjects objects, CancellationToken cancellationToken)
    {
        var scope = (await caller.Rights.ForAsync(caller.User, cancellationToken)).Scope;
        var cluster = objects.Find(address.Cluster);
        var labels = caller.Directory.LabelsOf(address.Cluster);
        if (cluster is null || !scope.SeesCluster(address.Cluster, labels))
        {
            return (null, TypedResults.Problem($"Unknown cluster '{address.Cluster}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown cluster"));
        }

        if (caller.Fleet.Resolve(address.Plural) is not { } kind)
        {
            return (null, TypedResults.Problem(
                $"Unknown kind '{address.Plural}'. Known: {string.Join(", ", WatchedKinds.ByPlural.Keys.Order())}, and the plurals of the fleet's CRDs.",
                statusCode: StatusCodes.Status404NotFound, title: "Unknown kind"));
        }

        var @namespace = address.Namespace == "-" ? null : address.Namespace;
        if (kind.Namespaced != (@namespace is not null))
        {
            return (null, TypedResults.Problem(
                kind.Namespaced
                    ? $"{kind.Kind} objects live in a namespace: name it in the address."
                    : $"{kind.Kind} objects belong to no namespace: use '-' as the namespace.",
                statusCode: StatusCodes.Status404NotFound, title: "Not found"));
        }

        var target = new Target(cluster, kind, @namespace, address.Name, scope, labels);
        // A name that is no path segment ("..") would address another object: it names none.
        if (!IsSegment(address.Name) || (@namespace is not null && !IsSegment(@namespace)) || !scope.Allows(cluster.Name, labels, @namespace))
        {
            return (null, target.NotFound()); // out of scope: exactly as if it did not exist
        }

        return (target, null);
    }

    private static bool IsSegment(string value) =>
        value.Length is > 0 and <= 253 && value is not ("." or "..") && !value.Contains('/', StringComparison.Ordinal) && !value.Contains('\\', StringComparison.Ordinal);

    private sealed record ObjectAddress(string Plural, string Cluster, string Namespace, string Name);

    private sealed record Caller(ClaimsPrincipal User, RightsStore Rights, ClusterDirectory Directory, FleetWatcher Fleet);

    private sealed record Target(ClusterWatch Cluster, WatchedKind Kind, string? Namespace, string Name, AccessScope Scope, ClusterLabels? Labels)
    {
        public bool IsSecret => Kind.Kind == "Secret" && Kind.Group.Length == 0;

        /// <summary>The object's path on the API server, e.g. /api/v1/namespaces/shop/pods/web-1.</summary>
        public string Path
        {
            get
            {
                var root = Kind.Group.Length == 0 ? $"/api/{Kind.Version}" : $"/apis/{Kind.Group}/{Kind.Version}";
                var scoped = Namespace is null ? root : $"{root}/namespaces/{Uri.EscapeDataString(Namespace)}";
                return $"{scoped}/{Kind.Plural}/{Uri.EscapeDataString(Name)}";
            }
        }

        public ProblemHttpResult NotFound() => TypedResults.Problem(
            $"No {Kind.Kind} '{Name}'{(Namespace is null ? "" : $" in namespace '{Namespace}'")} of cluster '{Cluster.Name}' that you may see.",
            statusCode: StatusCodes.Status404NotFound, title: "Not found");
    }
}
