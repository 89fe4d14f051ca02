using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Simulator.Store;

/// <summary>
/// The objects of one cluster: one generic table per kind, a cluster-wide monotonically increasing resourceVersion,
/// a bounded history of changes for watches, and an owner index for garbage collection.
/// </summary>
internal sealed class ClusterStore
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

    public StoredObject Create(ResourceKind kind, JsonObject obj, bool dryRun = false)
    {
        var metadata = obj["metadata"] as JsonObject ?? throw ApiException.BadRequest("metadata is required");
        var name = (string?)metadata["name"];
        var generateName = (string?)metadata["generateName"];
        if (string.IsNullOrEmpty(name))
        {
            if (string.IsNullOrEmpty(generateName))
            {
                throw ApiException.Invalid($"{kind.Kind} \"\" is invalid: metadata.name: Required value: name or generateName is required");
            }

            name = generateName + RandomSuffix(5);
            metadata["name"] = name;
        }

        var ns = (string?)metadata["namespace"];
        if (kind.Namespaced && string.IsNullOrEmpty(ns))
        {
            throw ApiException.BadRequest("the namespace of the object does not match the namespace on the request");
        }

        if (!kind.Namespaced)
        {
            metadata.Remove("namespace");
            ns = null;
        }

        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;
        lock (_gate)
        {
            if (ns is not null)
            {
                if (!_tables[BuiltInKinds.Namespace].Objects.TryGetValue(SortKey(BuiltInKinds.Namespace, null, ns), out var nsObject))
                {
                    throw ApiException.NotFound(BuiltInKinds.Namespace, ns);
                }

                if (nsObject.Field("status.phase") == "Terminating")
                {
                    throw new ApiException(403, "Forbidden", $"{kind.Plural} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
                }
            }

            var table = Table(kind);
            var key = SortKey(kind, ns, name);
            if (table.Objects.ContainsKey(key))
            {
                throw ApiException.AlreadyExists(kind, name);
            }

            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = Now();
            metadata.Remove("deletionTimestamp");
            if (obj["spec"] is not null && kind.HasStatus)
            {
                metadata["generation"] = 1;
            }

            Defaulter?.Invoke(kind, obj, null);
            if (dryRun)
            {
                metadata["resourceVersion"] = (_rv + 1).ToString(CultureInfo.InvariantCulture);
                return StoredObject.From(kind, obj, _rv + 1);
            }

            return Commit(kind, key, obj, "ADDED", null);
        }
    }

    /// <summary>Replaces an object. A non-empty metadata.resourceVersion must match the stored one (409 otherwise).</summary>
    public StoredObject Update(ResourceKind kind, JsonObject obj, bool dryRun = false)
    {
        var metadata = obj["metadata"] as JsonObject ?? throw ApiException.BadRequest("metadata is required");
        var name = (string?)metadata["name"] ?? throw ApiException.Invalid("metadata.name: Required value");
        var ns = kind.Namespaced ? (string?)metadata["namespace"] : null;
        lock (_gate)
        {
            var table = Table(kind);
            var key = SortKey(kind, ns, name);
            if (!table.Objects.TryGetValue(key, out var current))
            {
                throw ApiException.NotFound(kind, name);
            }

            var asked = (string?)metadata["resourceVersion"];
            if (!string.IsNullOrEmpty(asked) && asked != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw ApiException.Conflict(kind, name);
            }

            return UpdateLocked(kind, key, current, obj, dryRun);
        }
    }

    /// <summary>Reads the current object, lets <paramref name="change"/> edit it, and stores it if it returned true; atomic.</summary>
    public StoredObject? Mutate(ResourceKind kind, string? ns, string name, Func<JsonObject, bool> change)
    {
        lock (_gate)
        {
            var table = Table(kind);
            var key = SortKey(kind, ns, name);
            if (!table.Objects.TryGetValue(key, out var current))
            {
                return null;
            }

            var node = current.ToNode();
            if (!change(node))
            {
                return current;
            }

            return UpdateLocked(kind, key, current, node, dryRun: false);
        }
    }

    /// <summary>
    /// Deletes an object and (in the background, at once) its dependents. A namespace first turns Terminating; the
    /// namespace controller removes it and its content a moment later (<paramref name="finalize"/>), as on a real cluster.
    /// </summary>
    public StoredObject Delete(ResourceKind kind, string? ns, string name, bool dryRun = false, string? expectUid = null, bool finalize = false)
    {
        lock (_gate)
        {
            var table = Table(kind);
            var key = SortKey(kind, ns, name);
            if (!table.Objects.TryGetValue(key, out var current))
            {
                throw ApiException.NotFound(kind, name);
            }

            if (expectUid is not null && expectUid != current.Uid)
            {
                throw new ApiException(409, "Conflict", $"Precondition failed: UID in precondition: {expectUid}, UID in object meta: {current.Uid}");
            }

            if (dryRun)
            {
                return current;
            }

            if (kind == BuiltInKinds.Namespace && !finalize)
            {
                var node = current.ToNode();
                if (node["metadata"]!["deletionTimestamp"] is not null)
                {
                    return current;
                }

                node["metadata"]!["deletionTimestamp"] = Now();
                node["status"] = new JsonObject { ["phase"] = "Terminating" };
                return Commit(kind, key, node, "MODIFIED", current);
            }

            return DeleteLocked(kind, key, current);
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

    /// <summary>Bulk load for load mode: stores objects without history or controller notifications.</summary>
    public void Seed(ResourceKind kind, JsonObject obj)
    {
        var metadata = obj["metadata"]!.AsObject();
        lock (_gate)
        {
            _rv++;
            metadata["uid"] ??= Guid.NewGuid().ToString();
            metadata["creationTimestamp"] ??= Now();
            metadata["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture);
            var stored = StoredObject.From(kind, obj, _rv);
            var key = SortKey(kind, stored.Namespace, stored.Name);
            var table = Table(kind);
            if (table.Objects.TryAdd(key, stored))
            {
                table.Keys.Add(key);
                Index(stored, key, add: true);
            }
        }
    }

    public string Now() => Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static string SortKey(ResourceKind kind, string? ns, string name) =>
        kind.Namespaced && ns is not null ? ns + KeySeparator + name : name;

    private StoredObject UpdateLocked(ResourceKind kind, string key, StoredObject current, JsonObject obj, bool dryRun)
    {
        var metadata = obj["metadata"]!.AsObject();
        var old = current.ToNode();
        var oldMeta = old["metadata"]!.AsObject();
        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;
        metadata["uid"] = current.Uid;
        metadata["creationTimestamp"] = oldMeta["creationTimestamp"]?.DeepClone();
        metadata["name"] = current.Name;
        if (current.Namespace is not null)
        {
            metadata["namespace"] = current.Namespace;
        }

        if (oldMeta["generation"] is JsonNode gen)
        {
            var specChanged = !JsonNode.DeepEquals(old["spec"], obj["spec"]);
            metadata["generation"] = (long)gen + (specChanged ? 1 : 0);
        }

        Defaulter?.Invoke(kind, obj, old);
        metadata["resourceVersion"] = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        if (JsonNode.DeepEquals(old, obj))
        {
            return current;
        }

        if (dryRun)
        {
            return StoredObject.From(kind, obj, current.ResourceVersion);
        }

        return Commit(kind, key, obj, "MODIFIED", current);
    }

    private StoredObject DeleteLocked(ResourceKind kind, string key, StoredObject current)
    {
        var table = Table(kind);
        table.Objects.Remove(key);
        table.Keys.Remove(key);
        Index(current, key, add: false);
        _rv++;
        var node = current.ToNode();
        node["metadata"]!["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture);
        var gone = StoredObject.From(kind, node, _rv);
        Publish(new WatchEvent("DELETED", gone));

        // Garbage collection: dependents go with their owner (background propagation, done at once).
        if (_owned.Remove(current.Uid, out var children))
        {
            foreach (var (childKind, childKey) in children.ToList())
            {
                if (_tables.TryGetValue(childKind, out var t) && t.Objects.TryGetValue(childKey, out var child))
                {
                    DeleteLocked(childKind, childKey, child);
                }
            }
        }

        if (kind == BuiltInKinds.Namespace)
        {
            foreach (var (k, t) in _tables.Where(t => t.Key.Namespaced).ToList())
            {
                foreach (var childKey in Range(t, current.Name).ToList())
                {
                    if (t.Objects.TryGetValue(childKey, out var child))
                    {
                        DeleteLocked(k, childKey, child);
                    }
                }
            }
        }

        return gone;
    }

    private StoredObject Commit(ResourceKind kind, string key, JsonObject obj, string type, StoredObject? previous)
    {
        _rv++;
        obj["metadata"]!["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture);
        var stored = StoredObject.From(kind, obj, _rv);
        var table = Table(kind);
        if (previous is not null)
        {
            Index(previous, key, add: false);
        }
        else
        {
            table.Keys.Add(key);
        }

        table.Objects[key] = stored;
        Index(stored, key, add: true);
        Publish(new WatchEvent(type, stored, previous));
        return stored;
    }

    private void Publish(WatchEvent e)
    {
        _history[_historyNext] = e;
        _historyNext = (_historyNext + 1) % _history.Length;
        if (_historyNext == 0)
        {
            _historyWrapped = true;
        }

        foreach (var w in _watchers)
        {
            if (w.Wants(e.Object))
            {
                w.Offer(e);
            }
        }

        Changed?.Invoke(e);
    }

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

    private void Index(StoredObject o, string key, bool add)
    {
        foreach (var owner in o.OwnerUids)
        {
            if (add)
            {
                if (!_owned.TryGetValue(owner, out var set))
                {
                    _owned[owner] = set = [];
                }

                set.Add((o.Kind, key));
            }
            else if (_owned.TryGetValue(owner, out var set))
            {
                set.Remove((o.Kind, key));
                if (set.Count == 0)
                {
                    _owned.Remove(owner);
                }
            }
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

    private static string RandomSuffix(int length)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
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
