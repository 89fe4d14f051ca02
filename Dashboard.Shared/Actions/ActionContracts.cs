namespace Dashboard.Shared.Actions;

/// <summary>
/// What an action needs besides its object: replicas for scale, a revision for undo (none: the previous one),
/// and, for a destructive action in a prod cluster, the object's name typed again.
/// </summary>
public sealed record ActionRequest(int? Replicas = null, long? Revision = null, string? Confirm = null);

/// <summary>What an action did, as the cluster answered: before and after ("2" -> "5"), and details (a drain's pods).</summary>
public sealed record ActionResult(string Action, string Message, string? Before, string? After, IReadOnlyList<string> Details);

/// <summary>The actions, which kinds they apply to, and which ask to type the name in a prod cluster.</summary>
public static class ObjectActionNames
{
    public const string Scale = "scale";
    public const string Restart = "restart";
    public const string Delete = "delete";
    public const string Cordon = "cordon";
    public const string Uncordon = "uncordon";
    public const string Drain = "drain";
    public const string Undo = "undo";
    public const string Edit = "edit";

    public static readonly IReadOnlyDictionary<string, string[]> Kinds = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [Scale] = ["deployments", "statefulsets", "replicasets"],
        [Restart] = ["deployments", "statefulsets", "daemonsets"],
        [Cordon] = ["nodes"],
        [Uncordon] = ["nodes"],
        [Drain] = ["nodes"],
        [Undo] = ["deployments"],
    };

    /// <summary>Delete and edit apply to every kind.</summary>
    public static bool AppliesTo(string action, string plural) =>
        action is Delete or Edit || (Kinds.TryGetValue(action, out var plurals) && plurals.Contains(plural, StringComparer.OrdinalIgnoreCase));

    /// <summary>Actions that cannot be taken back: in a cluster labelled environment=prod the name must be typed.</summary>
    public static bool IsDestructive(string action) => action is Delete or Drain;
}
