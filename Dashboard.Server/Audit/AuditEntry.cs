using System.Text;
using System.Text.Json;
using Dashboard.Shared.Audit;

namespace Dashboard.Server.Audit;

/// <summary>Who acted: a signed-in user, someone trying to sign in, or the system itself.</summary>
public sealed record Actor(string? UserId, string? UserName, IReadOnlyList<string> Teams, string? Address, string? UserAgent, string? Method)
{
    public static readonly Actor Anonymous = new(null, null, [], null, null, null);

    /// <summary>The server or a maintenance command acting on its own (no user).</summary>
    public static Actor System(string name) => new(null, name, [], null, null, "system");
}

/// <summary>What was acted on. Cluster and namespace decide who may read the record.</summary>
public sealed record AuditTarget(string? Cluster = null, string? Namespace = null, string? Kind = null, string? Name = null, string? Uid = null)
{
    public static readonly AuditTarget None = new();

    public static AuditTarget User(string? name, string? id = null) => new(Kind: "User", Name: name, Uid: id);

    public static AuditTarget Team(string? name, Guid? id = null) => new(Kind: "Team", Name: name, Uid: id?.ToString());

    public static AuditTarget ClusterRegistration(string name, Guid? id = null) => new(Cluster: name, Kind: "Cluster", Name: name, Uid: id?.ToString());

    public static AuditTarget Endpoint(string path) => new(Kind: "Endpoint", Name: path);
}

/// <summary>An event as the code that saw it describes it: the action, its target, parameters and before/after.</summary>
public sealed record AuditEvent(
    string Action,
    AuditTarget Target,
    IReadOnlyDictionary<string, string?>? Parameters = null,
    string? Before = null,
    string? After = null);

/// <summary>One record to append, before the chain gives it an id, a time and its hashes.</summary>
public sealed record AuditEntry(Actor Actor, AuditEvent Event, AuditOutcome Outcome, Guid CorrelationId, string? Error = null, long? RequestedId = null)
{
    private static readonly string[] SecretWords = ["password", "secret", "kubeconfig", "credential", "privatekey"];

    /// <summary>The record's fields, cut to size, with any parameter whose name speaks of a secret blanked out.</summary>
    internal AuditRecord ToRecord() => new()
    {
        ActorUserId = Clip(Actor.UserId, AuditLimits.Name),
        ActorUserName = Clip(Actor.UserName, AuditLimits.Name),
        ActorTeams = Actor.Teams.Count == 0 ? null : Clip(string.Join(',', Actor.Teams.Order(StringComparer.Ordinal)), AuditLimits.Text),
        ActorAddress = Clip(Actor.Address, AuditLimits.Name),
        ActorUserAgent = Clip(Actor.UserAgent, AuditLimits.UserAgent),
        ActorMethod = Clip(Actor.Method, AuditLimits.Name),
        Action = Clip(Event.Action, AuditLimits.Action)!,
        TargetCluster = Clip(Event.Target.Cluster, AuditLimits.Name),
        TargetNamespace = Clip(Event.Target.Namespace, AuditLimits.Name),
        TargetKind = Clip(Event.Target.Kind, AuditLimits.Name),
        TargetName = Clip(Event.Target.Name, AuditLimits.Name),
        TargetUid = Clip(Event.Target.Uid, AuditLimits.Name),
        Parameters = Clip(Serialize(Event.Parameters), AuditLimits.Text),
        Before = Clip(Event.Before, AuditLimits.Text),
        After = Clip(Event.After, AuditLimits.Text),
        Outcome = Outcome,
        Error = Clip(Error, AuditLimits.Text),
        CorrelationId = CorrelationId,
        RequestedId = RequestedId,
        PreviousHash = "",
        Hash = "",
    };

    internal static bool IsSecret(string key) =>
        SecretWords.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase)) || key.Equals("token", StringComparison.OrdinalIgnoreCase);

    private static string? Serialize(IReadOnlyDictionary<string, string?>? parameters) =>
        parameters is null or { Count: 0 }
            ? null
            : JsonSerializer.Serialize(parameters
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .ToDictionary(p => p.Key, p => IsSecret(p.Key) ? "[redacted]" : p.Value, StringComparer.Ordinal));

    /// <summary>
    /// PostgreSQL text holds neither NUL nor half a surrogate pair: a user-typed name must not make a record
    /// unwritable (it would wait in the retry queue forever), so both are replaced, and long values cut.
    /// </summary>
    private static string? Clip(string? value, int max)
    {
        if (value is null)
        {
            return null;
        }

        value = value.Length <= max ? value : value[..max];
        return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)).Replace('\0', '\uFFFD');
    }
}
