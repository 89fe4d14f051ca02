using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Controllers;

/// <summary>Writes core/v1 Events the way the real components do: repeated ones bump count and lastTimestamp.</summary>
internal sealed class EventRecorder(ClusterStore store, int limit)
{
    private readonly Dictionary<(string Uid, string Reason, string Message), (string Ns, string Name)> _seen = [];
    private readonly Queue<(string Ns, string Name, (string, string, string) Key)> _order = new();
    private long _counter;

    public void Emit(StoredObject about, string type, string reason, string message, string component, string? host = null) =>
        Emit(about.Kind.Kind, about.Kind.ApiVersion, about.Namespace, about.Name, about.Uid, about.ResourceVersion, type, reason, message, component, host);

    public void Emit(string kind, string apiVersion, string? ns, string name, string uid, long resourceVersion, string type, string reason, string message, string component, string? host = null)
    {
        var now = store.Now();
        var key = (uid, reason, message);
        if (_seen.TryGetValue(key, out var existing))
        {
            var updated = store.Mutate(BuiltInKinds.Event, existing.Ns, existing.Name, e =>
            {
                e["count"] = Nodes.Int(e, 1, "count") + 1;
                e["lastTimestamp"] = now;
                return true;
            });
            if (updated is not null)
            {
                return;
            }

            _seen.Remove(key);
        }

        var eventNs = ns ?? "default";
        var eventName = $"{name}.{(0x17a0000000000000L + (++_counter * 7919) + store.Time.GetUtcNow().ToUnixTimeMilliseconds()).ToString("x", CultureInfo.InvariantCulture)}";
        var source = new JsonObject { ["component"] = component };
        if (host is not null)
        {
            source["host"] = host;
        }

        var ev = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = eventName, ["namespace"] = eventNs },
            ["involvedObject"] = new JsonObject
            {
                ["kind"] = kind,
                ["namespace"] = ns,
                ["name"] = name,
                ["uid"] = uid,
                ["apiVersion"] = apiVersion,
                ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture),
            },
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = source,
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
            ["type"] = type,
            ["eventTime"] = null,
            ["reportingComponent"] = component,
            ["reportingInstance"] = host ?? "",
        };
        if (ns is null)
        {
            ev["involvedObject"]!.AsObject().Remove("namespace");
        }

        try
        {
            store.Create(BuiltInKinds.Event, ev);
        }
        catch (ApiException)
        {
            return;
        }

        _seen[key] = (eventNs, eventName);
        _order.Enqueue((eventNs, eventName, key));
        while (_order.Count > limit)
        {
            var (oldNs, oldName, oldKey) = _order.Dequeue();
            _seen.Remove(oldKey);
            try
            {
                store.Delete(BuiltInKinds.Event, oldNs, oldName);
            }
            catch (ApiException)
            {
                // Already gone with its namespace.
            }
        }
    }
}
