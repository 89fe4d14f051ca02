using System.Globalization;
using System.Text.Json.Nodes;

namespace Dashboard.Simulator.Store;

/// <summary>Writes: every change gets the next resourceVersion, goes into the watch history and reaches watchers and controllers.</summary>
internal sealed partial class ClusterStore
{
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
}
