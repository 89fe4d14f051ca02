using Dashboard.Shared.Fleet;

namespace Dashboard.Server.State;

public enum ChangeType
{
    Upsert,
    Delete,
}

/// <summary>One change to the fleet state, numbered fleet-wide in the order it was applied.</summary>
public sealed record FleetChange(long Sequence, ChangeType Type, Resource Resource);

/// <summary>
/// The whole fleet's objects in memory, as slim projections: per cluster and kind a map by uid, with
/// indexes by namespace, owner and node. Every change gets the next fleet-wide sequence number and goes,
/// in that order, to the change feed's subscribers (which must be quick: they run under the store's lock).
/// </summary>
public sealed class FleetStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Cluster, string Kind), KindTable> _tables = [];
    private readonly List<Action<FleetChange>> _subscribers = [];
    private long _sequence;

    public long Sequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>Subscribes to every change from now on; the returned sequence is the last one already applied.</summary>
    public IDisposable Subscribe(Action<FleetChange> onChange, out long currentSequence)
    {
        lock (_gate)
        {
            _subscribers.Add(onChange);
            currentSequence = _sequence;
        }

        return new Subscription(this, onChange);
    }

    /// <summary>Runs under the store's lock: no change is applied meanwhile (to load a view and join the feed at once).</summary>
    public T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    public void Upsert(Resource resource)
    {
        lock (_gate)
        {
            UpsertLocked(Table(resource.Meta.Cluster, resource.Kind), resource);
        }
    }

    public void Delete(string cluster, string kind, string uid)
    {
        lock (_gate)
        {
            var table = Table(cluster, kind);
            if (table.Remove(uid) is { } removed)
            {
                Publish(ChangeType.Delete, removed);
            }
        }
    }

    /// <summary>After a (re)list: the kind's objects in that cluster become exactly these; only differences are published.</summary>
    public void Replace(string cluster, string kind, IReadOnlyCollection<Resource> resources)
    {
        lock (_gate)
        {
            var table = Table(cluster, kind);
            var keep = new HashSet<string>(resources.Select(r => r.Meta.Uid), StringComparer.Ordinal);
            foreach (var gone in table.ByUid.Keys.Where(uid => !keep.Contains(uid)).ToList())
            {
                Publish(ChangeType.Delete, table.Remove(gone)!);
            }

            foreach (var resource in resources)
            {
                UpsertLocked(table, resource);
            }
        }
    }

    /// <summary>A cluster no longer registered: its objects go, each as a published deletion.</summary>
    public void RemoveCluster(string cluster)
    {
        lock (_gate)
        {
            foreach (var key in _tables.Keys.Where(k => k.Cluster == cluster).ToList())
            {
                Replace(cluster, key.Kind, []);
                _tables.Remove(key);
            }
        }
    }

    public IReadOnlyList<Resource> List(string kind, string? cluster = null, string? @namespace = null)
    {
        lock (_gate)
        {
            var result = new List<Resource>();
            foreach (var ((c, k), table) in _tables)
            {
                if (k != kind || (cluster is not null && c != cluster))
                {
                    continue;
                }

                if (@namespace is null)
                {
                    result.AddRange(table.ByUid.Values);
                }
                else if (table.ByNamespace.TryGetValue(@namespace, out var uids))
                {
                    result.AddRange(uids.Select(uid => table.ByUid[uid]));
                }
            }

            return result;
        }
    }

    /// <summary>Up to <paramref name="limit"/> objects of any kind that match, read under the lock without copying tables.</summary>
    public IReadOnlyList<Resource> Find(Func<Resource, bool> match, int limit)
    {
        lock (_gate)
        {
            var result = new List<Resource>();
            foreach (var table in _tables.Values)
            {
                foreach (var resource in table.ByUid.Values)
                {
                    if (match(resource))
                    {
                        result.Add(resource);
                        if (result.Count >= limit)
                        {
                            return result;
                        }
                    }
                }
            }

            return result;
        }
    }

    public Resource? Get(string cluster, string kind, string? @namespace, string name)
    {
        lock (_gate)
        {
            if (!_tables.TryGetValue((cluster, kind), out var table))
            {
                return null;
            }

            IEnumerable<string> candidates = @namespace is null
                ? table.ByUid.Keys
                : table.ByNamespace.GetValueOrDefault(@namespace) ?? [];
            return candidates.Select(uid => table.ByUid[uid]).FirstOrDefault(r => r.Meta.Name == name);
        }
    }

    public IReadOnlyList<Resource> OwnedBy(string cluster, string kind, string ownerUid) =>
        ByIndex(cluster, kind, t => t.ByOwner, ownerUid);

    public IReadOnlyList<Resource> PodsOnNode(string cluster, string node) =>
        ByIndex(cluster, "Pod", t => t.ByNode, node);

    private List<Resource> ByIndex(string cluster, string kind, Func<KindTable, Dictionary<string, HashSet<string>>> index, string key)
    {
        lock (_gate)
        {
            return _tables.TryGetValue((cluster, kind), out var table) && index(table).TryGetValue(key, out var uids)
                ? uids.Select(uid => table.ByUid[uid]).ToList()
                : [];
        }
    }

    public int Count(string cluster, string kind)
    {
        lock (_gate)
        {
            return _tables.TryGetValue((cluster, kind), out var table) ? table.ByUid.Count : 0;
        }
    }

    public IReadOnlyDictionary<string, int> Counts(string cluster)
    {
        lock (_gate)
        {
            return _tables.Where(t => t.Key.Cluster == cluster).ToDictionary(t => t.Key.Kind, t => t.Value.ByUid.Count);
        }
    }

    private KindTable Table(string cluster, string kind)
    {
        if (!_tables.TryGetValue((cluster, kind), out var table))
        {
            table = new KindTable();
            _tables[(cluster, kind)] = table;
        }

        return table;
    }

    private void UpsertLocked(KindTable table, Resource resource)
    {
        if (table.ByUid.TryGetValue(resource.Meta.Uid, out var existing) &&
            existing.Meta.ResourceVersion == resource.Meta.ResourceVersion)
        {
            return; // seen already (a relist or a resumed watch repeats it)
        }

        table.Put(resource, existing);
        Publish(ChangeType.Upsert, resource);
    }

    private void Publish(ChangeType type, Resource resource)
    {
        var change = new FleetChange(++_sequence, type, resource);
        foreach (var subscriber in _subscribers)
        {
            subscriber(change);
        }
    }

    private sealed class KindTable
    {
        public Dictionary<string, Resource> ByUid { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<string>> ByNamespace { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<string>> ByOwner { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<string>> ByNode { get; } = new(StringComparer.Ordinal);

        public void Put(Resource resource, Resource? previous)
        {
            if (previous is not null)
            {
                Unindex(previous);
            }

            ByUid[resource.Meta.Uid] = resource;
            Index(resource);
        }

        public Resource? Remove(string uid)
        {
            if (!ByUid.Remove(uid, out var removed))
            {
                return null;
            }

            Unindex(removed);
            return removed;
        }

        private void Index(Resource r)
        {
            Add(ByNamespace, r.Meta.Namespace, r.Meta.Uid);
            Add(ByOwner, r.Meta.Owner?.Uid, r.Meta.Uid);
            Add(ByNode, (r.Spec as PodSpecInfo)?.Node, r.Meta.Uid);
        }

        private void Unindex(Resource r)
        {
            Drop(ByNamespace, r.Meta.Namespace, r.Meta.Uid);
            Drop(ByOwner, r.Meta.Owner?.Uid, r.Meta.Uid);
            Drop(ByNode, (r.Spec as PodSpecInfo)?.Node, r.Meta.Uid);
        }

        private static void Add(Dictionary<string, HashSet<string>> index, string? key, string uid)
        {
            if (key is null)
            {
                return;
            }

            if (!index.TryGetValue(key, out var set))
            {
                index[key] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(uid);
        }

        private static void Drop(Dictionary<string, HashSet<string>> index, string? key, string uid)
        {
            if (key is not null && index.TryGetValue(key, out var set) && set.Remove(uid) && set.Count == 0)
            {
                index.Remove(key);
            }
        }
    }

    private sealed class Subscription(FleetStore store, Action<FleetChange> onChange) : IDisposable
    {
        public void Dispose()
        {
            lock (store._gate)
            {
                store._subscribers.Remove(onChange);
            }
        }
    }
}
