using Dashboard.Server.Access;
using Dashboard.Server.Clusters;
using Dashboard.Server.Live;
using Dashboard.Shared.Access;
using Dashboard.Shared.Actions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Resources;

/// <summary>
/// Actions on one object: POST /api/objects/{plural}/{cluster}/{namespace}/{name}/actions/{action} with an
/// <see cref="ActionRequest"/>. The caller must be an Operator where the object lives (over every namespace
/// for a node); a destructive action in a cluster labelled environment=prod needs the object's name typed
/// again. Each action is audited: Requested before the cluster is called, then its outcome.
/// </summary>
public static partial class ResourceDetailApi
{
    public static WebApplication MapResourceActionApi(this WebApplication app)
    {
        var objects = new ClusterObjects(app.Services.GetRequiredService<FleetWatcher>());
        var actions = new ObjectActions(objects, app.Services.GetRequiredService<TimeProvider>());
        app.MapPost("/api/objects/{plural}/{cluster}/{namespace}/{name}/actions/{action}",
            (string plural, string cluster, string @namespace, string name, string action, ActionRequest? request, HttpContext context,
                RightsStore rights, ClusterDirectory directory, FleetWatcher fleet, Audit.AuditLog audit, CancellationToken cancellationToken) =>
                RunActionAsync(new ObjectAddress(plural, cluster, @namespace, name), action, request ?? new ActionRequest(),
                    new Caller(context.User, rights, directory, fleet), objects, context, audit,
                    async (target, parameters, ct) => await actions.PlanAsync(action, target, request ?? new ActionRequest(), ct), cancellationToken));
        app.MapPut("/api/objects/{plural}/{cluster}/{namespace}/{name}/yaml",
            async (string plural, string cluster, string @namespace, string name, HttpContext context,
                RightsStore rights, ClusterDirectory directory, FleetWatcher fleet, Audit.AuditLog audit, CancellationToken cancellationToken) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var yaml = await reader.ReadToEndAsync(cancellationToken);
                return await RunActionAsync(new ObjectAddress(plural, cluster, @namespace, name), ObjectActionNames.Edit, new ActionRequest(),
                    new Caller(context.User, rights, directory, fleet), objects, context, audit,
                    async (target, parameters, ct) =>
                    {
                        var (plan, diff) = await actions.PlanEditAsync(target, yaml, ct);
                        parameters["diff"] = diff; // the record holds what changed
                        return plan;
                    }, cancellationToken);
            }).Accepts<string>("application/yaml", "text/plain");
        return app;
    }

    private static async Task<Results<Ok<ActionResult>, ProblemHttpResult>> RunActionAsync(
        ObjectAddress address, string action, ActionRequest request, Caller caller, ClusterObjects objects,
        HttpContext context, Audit.AuditLog audit, Func<ObjectActions.ActionTarget, Dictionary<string, string?>, CancellationToken, Task<ActionPlan>> plan,
        CancellationToken cancellationToken)
    {
        var located = await LocateAsync(address, caller, objects, cancellationToken);
        if (located.Problem is { } problem)
        {
            return problem;
        }

        var target = located.Target!;
        if (!ObjectActionNames.AppliesTo(action, target.Kind.Plural) || (action == ObjectActionNames.Edit && target.IsSecret))
        {
            return TypedResults.Problem(target.IsSecret && action == ObjectActionNames.Edit
                    ? "A Secret's values never reach the dashboard, so it cannot be edited here."
                    : $"{target.Kind.Kind} objects have no action '{action}'.",
                statusCode: StatusCodes.Status400BadRequest, title: "No such action");
        }

        var actor = await Audit.AuditActors.ActorAsync(context);
        var audited = new Audit.AuditTarget(target.Cluster.Name, target.Namespace, target.Kind.Kind, target.Name);
        var parameters = Parameters(request);
        if (!target.Scope.Can(TeamRole.Operator, target.Cluster.Name, target.Labels, target.Namespace))
        {
            var where = target.Namespace is null ? $"all of cluster '{target.Cluster.Name}'" : $"namespace '{target.Namespace}' of cluster '{target.Cluster.Name}'";
            var why = $"{action} needs the Operator role over {where}; your teams' roles do not grant it.";
            await audit.RecordAsync(actor, new Audit.AuditEvent(action, audited, parameters), Dashboard.Shared.Audit.AuditOutcome.Denied, why);
            return TypedResults.Problem(why, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        if (ObjectActionNames.IsDestructive(action) && string.Equals(target.Labels?.Environment, "prod", StringComparison.OrdinalIgnoreCase) &&
            request.Confirm != target.Name)
        {
            return TypedResults.Problem($"{target.Name} is in a prod cluster: type its name to confirm the {action}.",
                statusCode: StatusCodes.Status400BadRequest, title: "Confirmation needed");
        }

        try
        {
            var impersonate = ClusterImpersonation.UserFor(context.RequestServices.GetRequiredService<IConfiguration>(), target.Cluster.Name, actor.UserName);
            var planned = await plan(new ObjectActions.ActionTarget(target.Cluster, target.Kind, target.Namespace, target.Name, target.Path, impersonate),
                parameters, cancellationToken);
            ActionResult? result = null;
            await audit.RunAsync(actor, action, audited, parameters, async () =>
            {
                result = await planned.Apply(CancellationToken.None); // once asked, the cluster call is not abandoned with the browser
                return result.After;
            }, planned.Before, CancellationToken.None);
            return TypedResults.Ok(result!);
        }
        catch (ClusterCallException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.Status, title: $"The {action} failed");
        }
        catch (Audit.AuditUnavailableException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Audit history unavailable");
        }
    }

    private static Dictionary<string, string?> Parameters(ActionRequest request)
    {
        var parameters = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (request.Replicas is { } replicas)
        {
            parameters["replicas"] = replicas.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (request.Revision is { } revision)
        {
            parameters["revision"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return parameters;
    }
}
