using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Dashboard.Simulator;

/// <summary>
/// Impersonation and a small RBAC, as the API server applies them to a request carrying Impersonate-User (and
/// Impersonate-Group): the request is then authorized as that user, who may do only what a grant allows; with
/// no grant, everything but discovery is forbidden, with the API server's own message. Requests without
/// impersonation act as the cluster's token (an admin), as before.
/// </summary>
public sealed class ClusterRbac
{
    private readonly ConcurrentDictionary<Grant, byte> _grants = new();

    /// <summary>A user or group may do these verbs on these resources ("deployments/scale"), in these namespaces ("*": any, and cluster scope).</summary>
    public sealed record Grant(string Subject, string Verb, string Resource, string Namespace);

    public void Allow(string subject, string verbs, string resources, string namespaces = "*")
    {
        foreach (var verb in verbs.Split(','))
        {
            foreach (var resource in resources.Split(','))
            {
                foreach (var ns in namespaces.Split(','))
                {
                    _grants[new Grant(subject, verb.Trim(), resource.Trim(), ns.Trim())] = 0;
                }
            }
        }
    }

    public void Reset() => _grants.Clear();

    /// <summary>Null when the request may go on; otherwise the API server's refusal message.</summary>
    internal string? Refusal(HttpContext ctx, string[] segments)
    {
        var user = ctx.Request.Headers["Impersonate-User"].ToString();
        if (user.Length == 0)
        {
            return ctx.Request.Headers["Impersonate-Group"].Count > 0 ? "requested [Impersonate-Group] without impersonating a user" : null;
        }

        if (Resource(segments) is not var (group, ns, plural, name, sub))
        {
            return null; // discovery, version, openapi: open to every authenticated user
        }

        var verb = Verb(ctx, name);
        var resource = sub is null ? plural : $"{plural}/{sub}";
        string[] subjects = [user, .. ctx.Request.Headers["Impersonate-Group"].Select(g => g ?? ""), "system:authenticated"];
        if (_grants.Keys.Any(g => subjects.Contains(g.Subject) && (g.Verb == "*" || g.Verb == verb) &&
                                  (g.Resource == "*" || g.Resource == resource) && (g.Namespace == "*" || g.Namespace == ns)))
        {
            return null;
        }

        var what = group.Length == 0 ? plural : $"{plural}.{group}";
        var target = name is null ? what : $"{what} \"{name}\"";
        var where = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        return $"{target} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {where}";
    }

    private static string Verb(HttpContext ctx, string? name) => ctx.Request.Method switch
    {
        "GET" when name is not null => "get",
        "GET" => ctx.Request.Query["watch"].ToString() is "true" or "1" ? "watch" : "list",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => name is null ? "deletecollection" : "delete",
        var other => other.ToLowerInvariant(),
    };

    /// <summary>(group, namespace, plural, name, subresource) of a resource path, or null for any other path.</summary>
    private static (string Group, string? Namespace, string Plural, string? Name, string? Sub)? Resource(string[] segments)
    {
        string group;
        ReadOnlySpan<string> rest;
        switch (segments)
        {
            case ["api", "v1", _, ..]:
                group = "";
                rest = segments.AsSpan(2);
                break;
            case ["apis", var g, _, _, ..]:
                group = g;
                rest = segments.AsSpan(3);
                break;
            default:
                return null;
        }

        string? ns = null;
        if (rest is ["namespaces", var n, _, ..])
        {
            ns = n;
            rest = rest[2..];
        }

        return rest switch
        {
            [var plural] => (group, ns, plural, null, null),
            [var plural, var name] => (group, ns, plural, name, null),
            [var plural, var name, var sub, ..] => (group, ns, plural, name, sub),
            _ => null,
        };
    }
}
