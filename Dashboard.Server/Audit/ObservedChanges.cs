using System.Collections.Concurrent;
using System.Threading.Channels;
using Dashboard.Server.State;
using Dashboard.Shared.Audit;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Audit;

/// <summary>
/// What changed in the clusters without anyone asking the dashboard, recorded in the audit history beside the
/// actions: a workload's replicas ("3" -> "5", action observed.scale), its images (a rollout,
/// observed.rollout) and a node's readiness (observed.node). Read from the fleet's change feed: the first
/// sight of an object (a sync, a relist) is no change. A change matching an action taken through the
/// dashboard moments before says so (parameter "through": "scale by olga"); any other was made elsewhere
/// (kubectl, CI/CD, an autoscaler).
/// </summary>
public sealed class ObservedChanges : BackgroundService
{
    private static readonly TimeSpan MatchWindow = TimeSpan.FromSeconds(60);
    private static readonly HashSet<string> Watched = new(StringComparer.Ordinal) { "Deployment", "StatefulSet", "DaemonSet", "Node" };

    private readonly FleetStore _store;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly Dictionary<(string Cluster, string Kind, string Uid), Seen> _seen = [];
    private readonly ConcurrentDictionary<(string? Cluster, string? Namespace, string? Kind, string? Name), (string By, DateTimeOffset At)> _actions = new();
    private readonly Channel<AuditEvent> _pending = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private IDisposable? _subscription;

    public ObservedChanges(FleetStore store, AuditLog audit, TimeProvider time)
    {
        (_store, _audit, _time) = (store, audit, time);
        _audit.Appended += OnAppended;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _subscription = _store.Subscribe(OnChange, out _);
        await foreach (var observed in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            await _audit.RecordAsync(Actor.System("cluster"), observed);
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
            Queue(new AuditEvent("observed.scale", target, Through(target, "scale"), Num(before.Replicas), Num(now.Replicas)));
        }

        if (before.Images != now.Images && now.Images is not null && before.Images is not null)
        {
            Queue(new AuditEvent("observed.rollout", target, Through(target, "undo", "edit"), before.Images, now.Images));
        }

        if (before.Ready != now.Ready && now.Ready is not null && before.Ready is not null)
        {
            Queue(new AuditEvent("observed.node", target, null, now.Ready == true ? "NotReady" : "Ready", now.Ready == true ? "Ready" : "NotReady"));
        }
    }

    private void Queue(AuditEvent observed) => _pending.Writer.TryWrite(observed);

    /// <summary>Dashboard actions that change what is observed, remembered a minute to tell them apart.</summary>
    private void OnAppended(AuditRecord record)
    {
        if (record.Outcome is AuditOutcome.Succeeded or AuditOutcome.Requested &&
            record.Action is "scale" or "undo" or "restart" or "edit" && record.ActorUserName is { } by)
        {
            _actions[(record.TargetCluster, record.TargetNamespace, record.TargetKind, record.TargetName)] = ($"{record.Action} by {by}", _time.GetUtcNow());
        }
    }

    /// <summary>The dashboard action (of one of these kinds) on this object in the last minute, as a "through" parameter.</summary>
    private Dictionary<string, string?>? Through(AuditTarget target, params string[] actions) =>
        _actions.TryGetValue((target.Cluster, target.Namespace, target.Kind, target.Name), out var action) && _time.GetUtcNow() - action.At < MatchWindow &&
        actions.Any(a => action.By.StartsWith(a + " ", StringComparison.Ordinal))
            ? new Dictionary<string, string?> { ["through"] = action.By }
            : null;

    private static string? Num(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override void Dispose()
    {
        _subscription?.Dispose();
        _audit.Appended -= OnAppended;
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
