using System.Threading.Channels;
using Dashboard.Server.Data;
using Dashboard.Server.State;
using Dashboard.Shared.Audit;
using Dashboard.Shared.Fleet;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Audit;

/// <summary>
/// What changed in the clusters without anyone asking the dashboard, recorded in the audit history beside the
/// actions: a workload's replicas ("3" -> "5", action observed.scale), its images (a rollout,
/// observed.rollout) and a node's readiness (observed.node). Read from the fleet's change feed: the first
/// sight of an object (a sync, a relist) is no change. A change matching an action taken through the
/// dashboard moments before says so (parameter "through": "scale by olga"); any other was made elsewhere
/// (kubectl, CI/CD, an autoscaler). Every replica observes; each change is recorded once (see Queue).
/// </summary>
public sealed class ObservedChanges : BackgroundService
{
    private static readonly TimeSpan MatchWindow = TimeSpan.FromSeconds(60);
    private static readonly HashSet<string> Watched = new(StringComparer.Ordinal) { "Deployment", "StatefulSet", "DaemonSet", "Node" };

    private readonly FleetStore _store;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly Dictionary<(string Cluster, string Kind, string Uid), Seen> _seen = [];
    private readonly Channel<(AuditEvent Event, Guid Id)> _pending = Channel.CreateBounded<(AuditEvent, Guid)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private IDisposable? _subscription;

    public ObservedChanges(FleetStore store, AuditLog audit, TimeProvider time) => (_store, _audit, _time) = (store, audit, time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _subscription = _store.Subscribe(OnChange, out _);
        await foreach (var (observed, id) in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            await _audit.RecordOnceAsync(Actor.System("cluster"), observed, id, ThroughAsync);
        }
    }

    /// <summary>Runs under the store's lock: compares with what was seen last and queues the difference.</summary>
    private void OnChange(FleetChange change)
    {
        var resource = change.Resource;
        if (!Watched.Contains(resource.Kind))
        {
            return;
        }

        var key = (resource.Meta.Cluster, resource.Kind, resource.Meta.Uid);
        if (change.Type == ChangeType.Delete)
        {
            _seen.Remove(key);
            return;
        }

        var now = Seen.Of(resource);
        if (!_seen.TryGetValue(key, out var before))
        {
            _seen[key] = now;
            return;
        }

        _seen[key] = now;
        var target = new AuditTarget(resource.Meta.Cluster, resource.Meta.Namespace, resource.Kind, resource.Meta.Name, resource.Meta.Uid);
        if (before.Replicas != now.Replicas && now.Replicas is not null && before.Replicas is not null)
        {
            Queue(resource, new AuditEvent("observed.scale", target, null, Num(before.Replicas), Num(now.Replicas)));
        }

        if (before.Images != now.Images && now.Images is not null && before.Images is not null)
        {
            Queue(resource, new AuditEvent("observed.rollout", target, null, before.Images, now.Images));
        }

        if (before.Ready != now.Ready && now.Ready is not null && before.Ready is not null)
        {
            Queue(resource, new AuditEvent("observed.node", target, null, now.Ready == true ? "NotReady" : "Ready", now.Ready == true ? "Ready" : "NotReady"));
        }
    }

    /// <summary>
    /// Queued with an id made of the cluster, object, change and the object's resourceVersion: every replica
    /// watching the cluster sees the same version and makes the same id, so the change is recorded once.
    /// </summary>
    private void Queue(Resource resource, AuditEvent observed)
    {
        var key = $"{resource.Meta.Cluster}\n{resource.Meta.Uid}\n{observed.Action}\n{observed.Before}\n{observed.After}\n{resource.Meta.ResourceVersion}";
        var id = new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
        _pending.Writer.TryWrite((observed, id));
    }

    /// <summary>
    /// The dashboard action (through any replica) on this object in the last minute that explains the change,
    /// as a "through" parameter: read from the history under the chain's lock, when the record is written.
    /// </summary>
    private async Task<AuditEvent> ThroughAsync(DashboardDbContext db, AuditEvent observed, CancellationToken cancellationToken)
    {
        string[] actions = observed.Action switch
        {
            "observed.scale" => ["scale"],
            "observed.rollout" => ["undo", "edit"],
            _ => [],
        };
        if (actions.Length == 0)
        {
            return observed;
        }

        var since = _time.GetUtcNow().UtcDateTime - MatchWindow;
        var t = observed.Target;
        var action = await db.AuditRecords
            .Where(r => r.TargetCluster == t.Cluster && r.TargetNamespace == t.Namespace && r.TargetKind == t.Kind && r.TargetName == t.Name &&
                        r.TimeUtc >= since && actions.Contains(r.Action) && r.ActorUserName != null &&
                        (r.Outcome == AuditOutcome.Requested || r.Outcome == AuditOutcome.Succeeded))
            .OrderByDescending(r => r.TimeUtc).ThenByDescending(r => r.Id)
            .Select(r => new { r.Action, r.ActorUserName })
            .FirstOrDefaultAsync(cancellationToken);
        return action is null ? observed : observed with { Parameters = new Dictionary<string, string?> { ["through"] = $"{action.Action} by {action.ActorUserName}" } };
    }

    private static string? Num(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override void Dispose()
    {
        _subscription?.Dispose();
        base.Dispose();
    }

    /// <summary>What is compared: desired replicas (DaemonSets: none), images, a node's readiness.</summary>
    private sealed record Seen(int? Replicas, string? Images, bool? Ready)
    {
        public static Seen Of(Resource resource) => resource.Spec switch
        {
            WorkloadSpecInfo w => new(resource.Kind == "DaemonSet" ? null : w.Desired, string.Join(", ", w.Images), null),
            NodeSpecInfo n => new(null, null, n.Ready),
            _ => new(null, null, null),
        };
    }
}
