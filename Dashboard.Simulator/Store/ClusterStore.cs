using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Simulator.Store;

/// <summary>
/// The objects of one cluster: one generic table per kind, a cluster-wide monotonically increasing resourceVersion,
/// a bounded history of changes for watches, and an owner index for garbage collection.
/// </summary>
internal sealed partial class ClusterStore
{
    private const char KeySeparator = '\u0001';

    private readonly Lock _gate = new();
    private readonly Dictionary<ResourceKind, KindTable> _tables = [];
    private readonly Dictionary<(string Group, string Plural), ResourceKind> _kinds = [];
    private readonly Dictionary<string, HashSet<(ResourceKind Kind, string SortKey)>> _owned = new(StringComparer.Ordinal);
    private readonly WatchEvent[] _history;
    private readonly List<Watcher> _watchers = [];
    private int _historyNext;
    private bool _historyWrapped;
    private long _rv;

    public ClusterStore(int historySize, TimeProvider time)
    {
        _history = new WatchEvent[Math.Max(16, historySize)];
        Time = time;
        foreach (var kind in BuiltInKinds.All)
        {
            AddKind(kind);
        }
    }

    public TimeProvider Time { get; }

    /// <summary>Called under the store's lock for every committed change; handlers must only enqueue.</summary>
    public event Action<WatchEvent>? Changed;

    /// <summary>Applies defaults to a new (old == null) or updated object before it is stored.</summary>
    public Action<ResourceKind, JsonObject, JsonObject?>? Defaulter { get; set; }

    public long CurrentVersion
    {
        get
        {
            lock (_gate)
            {
                return _rv;
            }
        }
    }

    public IReadOnlyList<ResourceKind> Kinds
    {
        get
        {
            lock (_gate)
            {
                return [.. _kinds.Values];
            }
        }
    }

    public void AddKind(ResourceKind kind)
    {
        lock (_gate)
        {
            if (_kinds.TryAdd((kind.Group, kind.Plural), kind))
            {
                _tables[kind] = new KindTable();
            }
        }
    }

    public void RemoveKind(string group, string plural)
    {
        lock (_gate)
        {
            if (_kinds.Remove((group, plural), out var kind))
            {
                _tables.Remove(kind);
            }
        }
    }

    public ResourceKind? FindKind(string group, string plural)
    {
        lock (_gate)
        {
            return _kinds.GetValueOrDefault((group, plural));
        }
    }

    public ResourceKind? FindKindByName(string kindName)
    {
        lock (_gate)
        {
            return _kinds.Values.FirstOrDefault(k => k.Kind == kindName && !k.ReadOnly);
        }
    }

    public int Count(ResourceKind kind)
    {
        lock (_gate)
        {
            return Table(kind).Objects.Count;
        }
    }

    public StoredObject? Get(ResourceKind kind, string? ns, string name)
    {
        lock (_gate)
        {
            return Table(kind).Objects.GetValueOrDefault(SortKey(kind, ns, name));
        }
    }

    public StoredObject GetOrThrow(ResourceKind kind, string? ns, string name) =>
        Get(kind, ns, name) ?? throw ApiException.NotFound(kind, name);

    /// <summary>A snapshot of every object of a kind (optionally in one namespace), in key order.</summary>
    public List<StoredObject> All(ResourceKind kind, string? ns = null)
    {
        lock (_gate)
        {
            var table = Table(kind);
            if (ns is null || !kind.Namespaced)
            {
                return table.Keys.Select(k => table.Objects[k]).ToList();
            }

            return Range(table, ns).Select(k => table.Objects[k]).ToList();
        }
    }

    public List<StoredObject> OwnedBy(string uid)
    {
        lock (_gate)
        {
            if (!_owned.TryGetValue(uid, out var set))
            {
                return [];
            }

            return set.Select(e => _tables.GetValueOrDefault(e.Kind)?.Objects.GetValueOrDefault(e.SortKey)).Where(o => o is not null).Select(o => o!).ToList();
        }
    }

    /// <summary>One page of a list. The continue token holds the last key returned, so resuming costs one tree seek.</summary>
    public (List<StoredObject> Items, string? Continue, long ResourceVersion) List(ResourceKind kind, string? ns, Selector labels, Selector fields, int limit, string? continueToken)
    {
        string? after = null;
        if (!string.IsNullOrEmpty(continueToken))
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(continueToken));
                var bar = text.IndexOf('|', StringComparison.Ordinal);
                after = text[(bar + 1)..];
                if (bar < 0)
                {
                    throw new FormatException();
                }
            }
            catch (FormatException)
            {
                throw ApiException.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            }
        }

        foreach (var key in fields.Keys)
        {
            if (!(key is "metadata.name" or "metadata.namespace" || kind.FieldPaths.Contains(key)))
            {
                throw ApiException.BadRequest($"field label not supported: {key}");
            }
        }

        lock (_gate)
        {
            var table = Table(kind);
            IEnumerable<string> keys = ns is null || !kind.Namespaced ? table.Keys : Range(table, ns);
            if (after is not null)
            {
                keys = After(table, ns is null || !kind.Namespaced ? null : ns, after);
            }

            var items = new List<StoredObject>(Math.Min(limit <= 0 ? 64 : limit, 4096));
            string? next = null;
            foreach (var key in keys)
            {
                var o = table.Objects[key];
                if (!labels.IsEmpty && !labels.MatchesLabels(o.Labels))
                {
                    continue;
                }

                if (!fields.IsEmpty && !fields.Matches(o.Field))
                {
                    continue;
                }

                if (limit > 0 && items.Count == limit)
                {
                    next = Convert.ToBase64String(Encoding.UTF8.GetBytes(_rv.ToString(CultureInfo.InvariantCulture) + "|" + items[^1].SortKeyOf()));
                    break;
                }

                items.Add(o);
            }

            return (items, next, _rv);
        }
    }

    /// <summary>Starts a watch. Null <paramref name="fromVersion"/> (or 0) replays the current objects as ADDED.</summary>
    public Watcher Watch(ResourceKind kind, string? ns, long? fromVersion)
    {
        var watcher = new Watcher(kind, kind.Namespaced ? ns : null);
        lock (_gate)
        {
            if (fromVersion is null or 0)
            {
                var table = Table(kind);
                IEnumerable<string> keys = watcher.Namespace is null ? table.Keys : Range(table, watcher.Namespace);
                foreach (var key in keys)
                {
                    watcher.Replay.Add(new WatchEvent("ADDED", table.Objects[key]));
                }
            }
            else if (fromVersion < _rv)
            {
                var oldest = _historyWrapped ? _history[_historyNext].ResourceVersion : 1;
                if (fromVersion < oldest - 1)
                {
                    throw ApiException.Expired($"too old resource version: {fromVersion} ({oldest - 1})");
                }

                foreach (var e in History())
                {
                    if (e.ResourceVersion > fromVersion && watcher.Wants(e.Object))
                    {
                        watcher.Replay.Add(e);
                    }
                }
            }

            _watchers.Add(watcher);
        }

        return watcher;
    }

    public void StopWatch(Watcher watcher)
    {
        lock (_gate)
        {
            _watchers.Remove(watcher);
        }
    }

    public List<Watcher> Watchers()
    {
        lock (_gate)
        {
            return [.. _watchers];
        }
    }

    public string Now() => Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static string SortKey(ResourceKind kind, string? ns, string name) =>
        kind.Namespaced && ns is not null ? ns + KeySeparator + name : name;

    private IEnumerable<WatchEvent> History()
    {
        if (_historyWrapped)
        {
            for (var i = _historyNext; i < _history.Length; i++)
            {
                yield return _history[i];
            }
        }

        for (var i = 0; i < _historyNext; i++)
        {
            yield return _history[i];
        }
    }

    private KindTable Table(ResourceKind kind) =>
        _tables.TryGetValue(kind, out var t) ? t : throw new ApiException(404, "NotFound", $"the server could not find the requested resource ({kind.Plural})");

    private static SortedSet<string> Range(KindTable table, string ns) =>
        table.Keys.GetViewBetween(ns + KeySeparator, ns + KeySeparator + '\uffff');

    private static IEnumerable<string> After(KindTable table, string? ns, string after)
    {
        var upper = ns is null ? "\uffff" : ns + KeySeparator + '\uffff';
        if (string.CompareOrdinal(after, upper) >= 0)
        {
            yield break;
        }

        foreach (var key in table.Keys.GetViewBetween(after, upper))
        {
            if (key != after)
            {
                yield return key;
            }
        }
    }

    private sealed class KindTable
    {
        public SortedSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, StoredObject> Objects { get; } = new(StringComparer.Ordinal);
    }
}

internal static class StoredObjectKeys
{
    public static string SortKeyOf(this StoredObject o) => ClusterStore.SortKey(o.Kind, o.Namespace, o.Name);
}
