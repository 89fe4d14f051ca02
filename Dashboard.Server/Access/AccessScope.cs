using System.Security.Claims;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Access;

/// <summary>
/// What a user may see: a test on (cluster, its labels, namespace). It stands in the path of every
/// subscription, aggregate and REST row. Until team role bindings exist it admits everything; the access
/// issue fills it from the user's bindings without changing any caller.
/// </summary>
public sealed class AccessScope(string key, Func<string, ClusterLabels?, string?, bool> allows)
{
    public static readonly AccessScope Everything = new("*", (_, _, _) => true);

    /// <summary>Views with equal keys may share their work.</summary>
    public string Key { get; } = key;

    public bool Allows(string cluster, ClusterLabels? labels, string? @namespace) => allows(cluster, labels, @namespace);
}

/// <summary>Turns a signed-in user into their scope.</summary>
public sealed class ScopeResolver
{
#pragma warning disable CA1822 // becomes instance state (the bindings) with the access issue
    public AccessScope For(ClaimsPrincipal? user) => AccessScope.Everything;
#pragma warning restore CA1822
}
