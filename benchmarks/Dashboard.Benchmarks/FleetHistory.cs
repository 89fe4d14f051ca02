using System.Globalization;
using System.Text.Json;
using Dashboard.Server.Audit;
using Dashboard.Shared.Access;
using Dashboard.Shared.Audit;

namespace Dashboard.Benchmarks;

/// <summary>
/// A year of a fleet's audit history, the same for every run (seeded): 20 people in 6 teams (a few in two) acting on
/// 8 clusters and 30 namespaces (scale, restart, delete, undo, cordon, uncordon, drain: Requested then Succeeded or Failed, before
/// and after), signing in and out, refused. Ids, times and hashes make a chain that <see cref="AuditVerifier"/> accepts.
/// </summary>
internal sealed class FleetHistory(int records, DateTime nowUtc)
{
    public const string AdminId = "u-admin";
    public const string ScopedUser = "victor";

    public static readonly Grant ScopedGrant = new(TeamRole.Operator, "*", "shop,cart,checkout,catalog,reviews");

    private static readonly string[] Teams = ["payments", "shop", "search", "data", "platform", "sre"];

    private static readonly Dictionary<string, string[]> NamespacesOf = new(StringComparer.Ordinal)
    {
        ["payments"] = ["payments", "billing", "invoices", "fraud", "ledger"],
        ["shop"] = ["shop", "cart", "checkout", "catalog", "reviews"],
        ["search"] = ["search", "indexer", "suggest", "ranking"],
        ["data"] = ["kafka", "etl", "warehouse", "airflow", "spark"],
        ["platform"] = ["ingress-nginx", "cert-manager", "monitoring", "logging", "kube-system", "argocd"],
        ["sre"] = ["chaos", "oncall", "status-page", "backup", "velero"],
    };

    // prod-eu-1 and prod-us-1 twice: the busiest clusters.
    private static readonly string[] Clusters = ["prod-eu-1", "prod-eu-1", "prod-eu-2", "prod-us-1", "prod-us-1", "prod-us-2", "staging-eu", "staging-us", "dev-1", "dev-2"];

    private static readonly string[] Names =
        ["olga", "victor", "bob", "amara", "chen", "dmitri", "eva", "farid", "grace", "hiro", "ines", "jonas", "kemal", "lena", "mateo", "nadia", "oscar", "priya", "quinn", "rosa"];

    private static readonly string[] Agents =
        ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
         "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
         "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "curl/8.5.0", "python-requests/2.32.3"];

    private static readonly string[] Failures =
        ["admission webhook \"validate.kyverno.svc\" denied the request: replicas above the namespace limit",
         "the server was unable to return a response in the time allotted, but may still be processing the request",
         "Operation cannot be fulfilled on deployments.apps: the object has been modified; please apply your changes to the latest version and try again",
         "exceeded quota: compute-resources, requested: pods=1, used: pods=40, limited: pods=40"];

    private readonly Random _random = new(20261128);

    private readonly Actor[] _people = [.. Names.Select((name, i) => new Actor(IdOf(name),
        name,
        i % 4 == 3 ? [.. new[] { Teams[i % 6], Teams[(i + 1) % 6] }.Order(StringComparer.Ordinal)] : [Teams[i % 6]],
        $"10.{20 + i % 3}.{i * 7 % 250}.{i * 13 % 250}", Agents[i % Agents.Length], i % 5 == 4 ? "personal token" : i % 2 == 0 ? "single sign-on" : "password"))];

    public int Count => records;

    public DateTime End { get; } = nowUtc.AddMinutes(-1);

    public static string IdOf(string name) => $"u-{name}";

    /// <summary>Times grow with ids, spread evenly over the last year with some jitter, ending just before now (appends come after).</summary>
    public IEnumerable<AuditRecord> Records()
    {
        var previous = AuditHash.Genesis;
        var id = 0L;
        var start = End.AddDays(-365);
        var spacing = TimeSpan.FromDays(365).TotalMilliseconds / Count;
        AuditRecord Link(AuditEntry entry, DateTime at, long? requested)
        {
            var record = Record(entry, ++id, AuditHash.Truncate(at), previous, requested);
            previous = record.Hash;
            return record;
        }

        while (id < Count)
        {
            // Jitter under half a slot, an outcome a few seconds after its request: never later than the next event.
            var at = start.AddMilliseconds((id + (_random.NextDouble() / 2)) * spacing);
            var entry = NextEntry(at);
            var requested = Link(entry, at, null);
            yield return requested;
            if (entry.Outcome == AuditOutcome.Requested && id < Count)
            {
                var failed = _random.Next(100) < 6;
                var after = entry.Event with { After = failed ? null : AfterOf(entry.Event, at) };
                yield return Link(entry with { Event = after, Outcome = failed ? AuditOutcome.Failed : AuditOutcome.Succeeded, Error = failed ? Pick(Failures) : null, RequestedId = requested.Id },
                    at.AddMilliseconds(_random.Next(150, (int)Math.Min(4000, spacing / 3))), requested.Id);
            }
        }
    }

    /// <summary>The next event of the mix: 55% actions on clusters, then sign-ins, sign-outs, refusals and admin changes.</summary>
    public AuditEntry NextEntry(DateTime? at = null)
    {
        var correlation = Guid.CreateVersion7(at ?? DateTime.UtcNow);
        var person = Pick(_people);
        var roll = _random.Next(100);
        if (roll < 55)
        {
            return ClusterAction(person, correlation);
        }

        return roll switch
        {
            < 82 => _random.Next(100) < 4
                ? new(person, new(AuditActions.SignIn, AuditTarget.User(person.UserName)), AuditOutcome.Failed, correlation, "wrong user name or password")
                : new(person, new(AuditActions.SignIn, AuditTarget.User(person.UserName, person.UserId), Parameters("session", "browser")), AuditOutcome.Succeeded, correlation),
            < 92 => new(person, new(AuditActions.SignOut, AuditTarget.User(person.UserName, person.UserId)), AuditOutcome.Succeeded, correlation),
            < 96 => new(person, new(AuditActions.Denied, AuditTarget.Endpoint("/api/admin/users"),
                Parameters("method", "GET", "path", "/api/admin/users", "reason", "not a fleet admin")), AuditOutcome.Denied, correlation, "not a fleet admin"),
            _ => new(person, new(AuditActions.TokenCreate, new AuditTarget(Kind: "ApiToken", Name: $"{person.UserName}-ci", Uid: correlation.ToString()),
                Parameters("expires", "90d")), AuditOutcome.Succeeded, correlation),
        };
    }

    private AuditEntry ClusterAction(Actor person, Guid correlation)
    {
        var cluster = Pick(Clusters);
        var team = person.Teams[_random.Next(person.Teams.Count)];
        if (team is "platform" or "sre" && _random.Next(100) < 40)
        {
            var node = $"{cluster}-pool-{(char)('a' + _random.Next(3))}-{_random.Next(40):00}";
            var action = _random.Next(10) switch { < 4 => "cordon", < 8 => "uncordon", _ => "drain" };
            return new(person, new(action, new AuditTarget(cluster, null, "Node", node)), AuditOutcome.Requested, correlation);
        }

        // Mostly their own team's namespaces; now and then someone else's, which their role does not allow.
        var foreign = _random.Next(100) < 4;
        var ns = Pick(NamespacesOf[foreign ? Pick(Teams) : team]);
        var (kind, name) = _random.Next(10) switch
        {
            < 6 => ("Deployment", $"{ns}-{Pick(["api", "worker", "web"])}"),
            < 9 => ("StatefulSet", $"{ns}-db"),
            _ => ("DaemonSet", $"{ns}-agent"),
        };
        var roll = _random.Next(100);
        var (verb, parameters, before) = roll switch
        {
            < 45 => ("scale", Parameters("replicas", _random.Next(0, 12).ToString(CultureInfo.InvariantCulture)), _random.Next(1, 12).ToString(CultureInfo.InvariantCulture)),
            < 80 => ("restart", null, null),
            < 93 => ("delete", null, null),
            _ => ("undo", null, _random.Next(2, 40).ToString(CultureInfo.InvariantCulture)),
        };
        var target = new AuditTarget(cluster, ns, kind, name);
        return foreign
            ? new(person, new(verb, target, parameters), AuditOutcome.Denied, correlation, $"{verb} needs the Operator role over {cluster}/{ns}; your teams' roles do not grant it.")
            : new(person, new(verb, target, parameters, before), AuditOutcome.Requested, correlation);
    }

    private string? AfterOf(AuditEvent e, DateTime at) => e.Action switch
    {
        "scale" => e.Parameters?["replicas"],
        "restart" => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        "delete" => "deleted",
        "undo" => $"template of revision {_random.Next(1, 40)}",
        "cordon" => "unschedulable",
        "uncordon" => "schedulable",
        _ => $"cordoned; evicted {_random.Next(5, 60)}, skipped {_random.Next(2, 6)}, blocked {(_random.Next(10) == 0 ? 1 : 0)}",
    };

    /// <summary>The record as AuditLog writes it (AuditEntry's own conversion is internal to the server).</summary>
    private static AuditRecord Record(AuditEntry e, long id, DateTime at, string previous, long? requested)
    {
        var record = new AuditRecord
        {
            Id = id,
            TimeUtc = at,
            ActorUserId = e.Actor.UserId,
            ActorUserName = e.Actor.UserName,
            ActorTeams = e.Actor.Teams.Count == 0 ? null : string.Join(',', e.Actor.Teams),
            ActorAddress = e.Actor.Address,
            ActorUserAgent = e.Actor.UserAgent,
            ActorMethod = e.Actor.Method,
            Action = e.Event.Action,
            TargetCluster = e.Event.Target.Cluster,
            TargetNamespace = e.Event.Target.Namespace,
            TargetKind = e.Event.Target.Kind,
            TargetName = e.Event.Target.Name,
            TargetUid = e.Event.Target.Uid,
            Parameters = e.Event.Parameters is { Count: > 0 } p ? JsonSerializer.Serialize(p.OrderBy(x => x.Key, StringComparer.Ordinal).ToDictionary(x => x.Key, x => x.Value)) : null,
            Before = e.Event.Before,
            After = e.Event.After,
            Outcome = e.Outcome,
            Error = e.Error,
            CorrelationId = e.CorrelationId,
            RequestedId = requested,
            PreviousHash = previous,
            Hash = "",
        };
        record.Hash = AuditHash.Compute(record);
        return record;
    }

    private static Dictionary<string, string?> Parameters(params string[] pairs) =>
        Enumerable.Range(0, pairs.Length / 2).ToDictionary(i => pairs[2 * i], string? (i) => pairs[(2 * i) + 1], StringComparer.Ordinal);

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
