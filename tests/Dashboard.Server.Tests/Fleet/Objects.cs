using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Tests.Fleet;

/// <summary>Kubernetes objects as the API server sends them, for tests that need no cluster.</summary>
internal static class Objects
{
    public static string PodJson(string name, string uid, string node = "node-1", string phase = "Running", bool ready = true,
        string ownerUid = "rs-1", string app = "shop", string rv = "1", string? waitingReason = null, int restarts = 0) => Fill("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"@name@","namespace":"prod","uid":"@uid@","resourceVersion":"@rv@",
          "creationTimestamp":"2026-11-01T10:00:00Z","labels":{"app":"@app@","pod-template-hash":"abc"},
          "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"shop-abc","uid":"@ownerUid@","controller":true}],
          "managedFields":[{"manager":"kubelet","operation":"Update"}]},
         "spec":{"nodeName":"@node@","containers":[{"name":"shop","image":"registry.example/shop:1.4"},{"name":"sidecar","image":"envoy:1.30"}]},
         "status":{"phase":"@phase@","podIP":"10.0.0.7","startTime":"2026-11-01T10:00:05Z","qosClass":"Burstable",
           "conditions":[{"type":"Ready","status":"@readyTitle@"}],
           "containerStatuses":[
             {"name":"shop","ready":@ready@,"restartCount":@restarts@,"state":@state@},
             {"name":"sidecar","ready":true,"restartCount":1,"state":{"running":{}}}]}}
        """, new()
        {
            ["name"] = name, ["uid"] = uid, ["rv"] = rv, ["app"] = app, ["ownerUid"] = ownerUid, ["node"] = node, ["phase"] = phase,
            ["readyTitle"] = ready ? "True" : "False", ["ready"] = ready ? "true" : "false", ["restarts"] = restarts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["state"] = waitingReason is null ? "{\"running\":{}}" : "{\"waiting\":{\"reason\":\"" + waitingReason + "\"}}",
        });

    public static string Fill(string template, Dictionary<string, string> values) =>
        values.Aggregate(template, (text, v) => text.Replace($"@{v.Key}@", v.Value, StringComparison.Ordinal));

    public static Resource Project(string kindPlural, string json, Interner? interner = null, string cluster = "aws-prod")
    {
        interner ??= new Interner();
        var kind = WatchedKinds.ByPlural[kindPlural];
        using var document = JsonDocument.Parse(json);
        return new Resource(kind.Kind, Projections.Meta(document.RootElement, cluster, interner), kind.Project(document.RootElement, interner));
    }

    public static Resource Pod(string name, string uid, string node = "node-1", bool ready = true, string ownerUid = "rs-1",
        string app = "shop", string rv = "1", Interner? interner = null) =>
        Project("pods", PodJson(name, uid, node, ready: ready, ownerUid: ownerUid, app: app, rv: rv), interner);
}
