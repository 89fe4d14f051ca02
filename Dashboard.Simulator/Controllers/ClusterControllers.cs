using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;
using Microsoft.Extensions.Logging;

namespace Dashboard.Simulator.Controllers;

/// <summary>
/// The control plane of one simulated cluster. Changes from the store are queued; each tick turns them into dirty sets and
/// reconciles only what changed, so a quiet cluster of 150k pods costs almost nothing.
/// </summary>
internal sealed partial class ClusterControllers : IAsyncDisposable
{
    private readonly ClusterStore _store;
    private readonly FleetOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<WatchEvent> _changes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _tickGate = new();
    private readonly HashSet<(string Ns, string Name)> _deployments = [];
    private readonly HashSet<(string Ns, string Name)> _replicaSets = [];
    private readonly HashSet<(string Ns, string Name)> _daemonSets = [];
    private readonly HashSet<(string Ns, string Name)> _statefulSets = [];
    private readonly HashSet<(string Ns, string Name)> _jobs = [];
    private readonly HashSet<string> _endpointNamespaces = [];
    private readonly HashSet<string> _pdbNamespaces = [];
    private readonly HashSet<(string Ns, string Name)> _claims = [];
    private readonly HashSet<(string Ns, string Name)> _pending = [];
    private readonly Dictionary<string, DateTimeOffset> _terminating = [];
    private Task? _loop;
    private bool _allDaemonSets;
    private DateTimeOffset _nextHpa;
    private DateTimeOffset _nextSlow;

    public ClusterControllers(ClusterStore store, FleetOptions options, string runtime, ILogger logger)
    {
        _store = store;
        _options = options;
        _logger = logger;
        Runtime = runtime;
        Events = new EventRecorder(store, options.EventLimit);
        store.Changed += OnChanged;
    }

    public EventRecorder Events { get; }

    /// <summary>"cri-o" or "containerd": the prefix of container IDs.</summary>
    public string Runtime { get; }

    private DateTimeOffset Now => _store.Time.GetUtcNow();

    public void Start()
    {
        _nextHpa = Now + _options.HpaInterval;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        _store.Changed -= OnChanged;
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        _stop.Dispose();
    }

    /// <summary>Runs one reconcile pass now (tests and tools use it to avoid waiting for the timer).</summary>
    public void Tick()
    {
        lock (_tickGate)
        {
            for (var pass = 0; pass < 4; pass++)
            {
                var any = Drain();
                any |= ReconcileDirty();
                if (!any)
                {
                    break;
                }
            }

            var now = Now;
            foreach (var (ns, since) in _terminating.ToList())
            {
                if (now - since >= TimeSpan.FromMilliseconds(500))
                {
                    _terminating.Remove(ns);
                    try
                    {
                        _store.Delete(BuiltInKinds.Namespace, null, ns, finalize: true);
                    }
                    catch (ApiException)
                    {
                        // Already gone.
                    }
                }
            }

            RunKubelet(now);
            RunNodeLifecycle(now);
            RunCronJobs(now);
            if (now >= _nextHpa)
            {
                _nextHpa = now + _options.HpaInterval;
                RunHpa(now);
            }

            if (now >= _nextSlow)
            {
                _nextSlow = now + TimeSpan.FromSeconds(5);
                _pdbNamespaces.UnionWith(_store.All(BuiltInKinds.PodDisruptionBudget).Select(p => p.Namespace!));
            }
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.ControllerInterval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                Tick();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A controller must never take the cluster down; the next tick retries.
                _logger.LogWarning(e, "controller tick failed");
            }
        }
    }

    private void OnChanged(WatchEvent e)
    {
        if (e.Object.Kind == BuiltInKinds.Event)
        {
            return;
        }

        if (e.Object.Kind == BuiltInKinds.CustomResourceDefinition)
        {
            // Synchronous, so a CR can be created right after its CRD, as with a real API server.
            CustomResources.Apply(_store, e);
            return;
        }

        _changes.Enqueue(e);
    }

    private bool Drain()
    {
        var any = false;
        while (_changes.TryDequeue(out var e))
        {
            any = true;
            var o = e.Object;
            var key = (o.Namespace ?? "", o.Name);
            switch (o.Kind.Kind)
            {
                case "Pod":
                    OnPodChanged(e);
                    break;
                case "ReplicaSet":
                    _replicaSets.Add(key);
                    if (Owner(o) is ("Deployment", var d))
                    {
                        _deployments.Add((key.Item1, d));
                    }

                    break;
                case "Deployment":
                    _deployments.Add(key);
                    break;
                case "DaemonSet":
                    _daemonSets.Add(key);
                    break;
                case "StatefulSet":
                    _statefulSets.Add(key);
                    break;
                case "Job":
                    _jobs.Add(key);
                    break;
                case "Node":
                    _allDaemonSets = true;
                    break;
                case "Service":
                    _endpointNamespaces.Add(key.Item1);
                    break;
                case "PersistentVolumeClaim" when e.Type != "DELETED":
                    _claims.Add(key);
                    break;
                case "PodDisruptionBudget" when e.Type != "DELETED":
                    _pdbNamespaces.Add(key.Item1);
                    break;
                case "Namespace" when e.Type == "ADDED":
                    EnsureDefaultServiceAccount(o.Name);
                    break;
                case "Namespace" when e.Type == "MODIFIED" && o.Field("status.phase") == "Terminating":
                    _terminating.TryAdd(o.Name, Now);
                    break;
            }
        }

        return any;
    }

    private void OnPodChanged(WatchEvent e)
    {
        var o = e.Object;
        var key = (o.Namespace!, o.Name);
        TrackPodNode(e);
        if (Owner(o) is var (kind, name))
        {
            switch (kind)
            {
                case "ReplicaSet":
                    _replicaSets.Add((o.Namespace!, name));
                    break;
                case "DaemonSet":
                    _daemonSets.Add((o.Namespace!, name));
                    break;
                case "StatefulSet":
                    _statefulSets.Add((o.Namespace!, name));
                    break;
                case "Job":
                    _jobs.Add((o.Namespace!, name));
                    break;
            }
        }

        _endpointNamespaces.Add(o.Namespace!);
        _pdbNamespaces.Add(o.Namespace!);
        if (e.Type == "DELETED")
        {
            _pending.Remove(key);
            return;
        }

        if (o.Field("spec.nodeName") is null or "" && o.Field("status.phase") == "Pending")
        {
            _pending.Add(key);
        }
        else if (o.Field("status.phase") == "Pending")
        {
            WatchKubelet(o);
        }
    }

    private static (string Kind, string Name)? Owner(StoredObject o)
    {
        if (o.OwnerUids.Length == 0)
        {
            return null;
        }

        var first = o.ToNode()["metadata"]?["ownerReferences"]?[0];
        return first is null ? null : ((string)first["kind"]!, (string)first["name"]!);
    }

    private bool ReconcileDirty()
    {
        var any = false;
        foreach (var (ns, name) in Take(_deployments))
        {
            ReconcileDeployment(ns, name);
            any = true;
        }

        foreach (var (ns, name) in Take(_replicaSets))
        {
            ReconcileReplicaSet(ns, name);
            any = true;
        }

        if (_allDaemonSets)
        {
            _allDaemonSets = false;
            _daemonSets.UnionWith(_store.All(BuiltInKinds.DaemonSet).Select(d => (d.Namespace!, d.Name)));
        }

        foreach (var (ns, name) in Take(_daemonSets))
        {
            ReconcileDaemonSet(ns, name);
            any = true;
        }

        foreach (var (ns, name) in Take(_statefulSets))
        {
            ReconcileStatefulSet(ns, name);
            any = true;
        }

        foreach (var (ns, name) in Take(_jobs))
        {
            ReconcileJob(ns, name);
            any = true;
        }

        foreach (var (ns, name) in Take(_claims))
        {
            BindClaim(ns, name);
        }

        if (_pending.Count > 0)
        {
            Schedule();
        }

        foreach (var ns in Take(_endpointNamespaces))
        {
            ReconcileEndpoints(ns);
        }

        foreach (var ns in Take(_pdbNamespaces))
        {
            ReconcileDisruptionBudgets(ns);
        }

        return any;
    }

    private static List<T> Take<T>(HashSet<T> set)
    {
        var items = set.ToList();
        set.Clear();
        return items;
    }

    private void EnsureDefaultServiceAccount(string ns)
    {
        if (_store.Get(BuiltInKinds.ServiceAccount, ns, "default") is null)
        {
            try
            {
                _store.Create(BuiltInKinds.ServiceAccount, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = ns } });
            }
            catch (ApiException)
            {
                // Created concurrently, or the namespace went away.
            }
        }
    }

    private StoredObject? TryCreate(ResourceKind kind, JsonObject obj)
    {
        try
        {
            return _store.Create(kind, obj);
        }
        catch (ApiException e) when (e.Code is 409 or 404)
        {
            return null;
        }
    }

    private void TryDelete(ResourceKind kind, string? ns, string name)
    {
        try
        {
            _store.Delete(kind, ns, name);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Already gone.
        }
    }
}
