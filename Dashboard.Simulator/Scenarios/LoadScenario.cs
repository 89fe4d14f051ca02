using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Controllers;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Scenarios;

/// <summary>Load mode: many pods created already Running (no events, no controller work), then a steady stream of changes.</summary>
internal static class LoadScenario
{
    public const int PodsPerDeployment = 100;
    public const int PodsPerNode = 100;
    private const int Namespaces = 10;

    /// <summary>Seeds <paramref name="pods"/> running pods into the cluster; returns the load ReplicaSets (namespace, name, uid).</summary>
    public static List<(string Ns, string Name, string Uid)> Seed(SimulatedCluster cluster, int pods, Random random)
    {
        var store = cluster.Store;
        var p = cluster.Profile;
        var sets = new List<(string, string, string)>();
        if (pods <= 0)
        {
            return sets;
        }

        var nodeCount = (pods + PodsPerNode - 1) / PodsPerNode;
        var nodeNames = new string[nodeCount];
        for (var i = 0; i < nodeCount; i++)
        {
            var node = HybridScenario.NodeObject(p, 4 + i, controlPlane: false);
            var name = $"{p.Name}-load-{i:D4}";
            node["metadata"]!["name"] = name;
            node["metadata"]!["labels"]!["kubernetes.io/hostname"] = name;
            node["metadata"]!["labels"]!["simulator.dashboard.io/load"] = "true";
            node["status"]!["addresses"]![0]!["address"] = $"10.{100 + (i / 60000)}.{i / 250 % 250}.{(i % 250) + 1}";
            node["status"]!["addresses"]![1]!["address"] = name;
            node["apiVersion"] = "v1";
            node["kind"] = "Node";
            store.Seed(BuiltInKinds.Node, node);
            nodeNames[i] = name;
        }

        for (var n = 0; n < Namespaces; n++)
        {
            HybridScenario.Create(store, BuiltInKinds.Namespace, new JsonObject { ["metadata"] = HybridScenario.Meta($"load-{n}", new() { ["simulator.dashboard.io/load"] = "true" }) });
        }

        var created = DateTimeOffset.UtcNow.AddHours(-random.Next(2, 72));
        var stamp = Nodes.Stamp(created);
        var podIndex = 0;
        for (var d = 0; podIndex < pods; d++)
        {
            var ns = $"load-{d % Namespaces}";
            var name = $"load-app-{d:D4}";
            var replicas = Math.Min(PodsPerDeployment, pods - podIndex);
            var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name, ["simulator.dashboard.io/load"] = "true" };
            var deployment = HybridScenario.DeploymentObject(ns, name, replicas, $"registry.example.com/load/worker:1.{d % 7}.{d % 3}", 8080, labels);
            new ObjectDefaults().Apply(BuiltInKinds.Deployment, deployment, null);
            deployment["apiVersion"] = "apps/v1";
            deployment["kind"] = "Deployment";
            var deploymentUid = Guid.NewGuid().ToString();
            deployment["metadata"]!["uid"] = deploymentUid;
            deployment["metadata"]!["creationTimestamp"] = stamp;
            deployment["metadata"]!["generation"] = 1;
            var template = deployment["spec"]!["template"]!.AsObject();
            var hash = Nodes.Hash(Nodes.Canonical(template));
            deployment["metadata"]!["annotations"] = new JsonObject { ["deployment.kubernetes.io/revision"] = "1" };
            deployment["status"] = new JsonObject
            {
                ["observedGeneration"] = 1,
                ["replicas"] = replicas,
                ["updatedReplicas"] = replicas,
                ["readyReplicas"] = replicas,
                ["availableReplicas"] = replicas,
                ["conditions"] = new JsonArray(
                    new JsonObject { ["type"] = "Available", ["status"] = "True", ["lastUpdateTime"] = stamp, ["lastTransitionTime"] = stamp, ["reason"] = "MinimumReplicasAvailable", ["message"] = "Deployment has minimum availability." },
                    new JsonObject { ["type"] = "Progressing", ["status"] = "True", ["lastUpdateTime"] = stamp, ["lastTransitionTime"] = stamp, ["reason"] = "NewReplicaSetAvailable", ["message"] = $"ReplicaSet \"{name}-{hash}\" has successfully progressed." }),
            };
            store.Seed(BuiltInKinds.Deployment, deployment);

            var rsName = $"{name}-{hash}";
            var rsUid = Guid.NewGuid().ToString();
            var podTemplate = template.DeepClone().AsObject();
            podTemplate["metadata"]!["labels"]!["pod-template-hash"] = hash;
            var rsLabels = podTemplate["metadata"]!["labels"]!.DeepClone();
            var selector = deployment["spec"]!["selector"]!.DeepClone();
            selector["matchLabels"]!["pod-template-hash"] = hash;
            store.Seed(BuiltInKinds.ReplicaSet, new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "ReplicaSet",
                ["metadata"] = new JsonObject
                {
                    ["name"] = rsName,
                    ["namespace"] = ns,
                    ["uid"] = rsUid,
                    ["creationTimestamp"] = stamp,
                    ["generation"] = 1,
                    ["labels"] = rsLabels,
                    ["annotations"] = new JsonObject { ["deployment.kubernetes.io/revision"] = "1", ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(CultureInfo.InvariantCulture) },
                    ["ownerReferences"] = new JsonArray(Nodes.OwnerReference("apps/v1", "Deployment", name, deploymentUid)),
                },
                ["spec"] = new JsonObject { ["replicas"] = replicas, ["selector"] = selector, ["template"] = podTemplate.DeepClone() },
                ["status"] = new JsonObject { ["replicas"] = replicas, ["fullyLabeledReplicas"] = replicas, ["readyReplicas"] = replicas, ["availableReplicas"] = replicas, ["observedGeneration"] = 1 },
            });
            sets.Add((ns, rsName, rsUid));

            for (var r = 0; r < replicas; r++, podIndex++)
            {
                var node = nodeNames[podIndex % nodeCount];
                store.Seed(BuiltInKinds.Pod, RunningPod(ns, $"{rsName}-{Suffix(random)}", podTemplate, rsName, rsUid, node, podIndex, stamp, p.Runtime));
            }
        }

        cluster.Controllers.CountSeededPods();
        return sets;
    }

    private static JsonObject RunningPod(string ns, string name, JsonObject template, string rsName, string rsUid, string node, int index, string stamp, string runtime)
    {
        var spec = template["spec"]!.DeepClone().AsObject();
        ObjectDefaults.DefaultPodSpec(spec);
        spec["nodeName"] = node;
        spec["tolerations"] = new JsonArray(
            new JsonObject { ["key"] = "node.kubernetes.io/not-ready", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 },
            new JsonObject { ["key"] = "node.kubernetes.io/unreachable", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 });
        var container = (string?)spec["containers"]![0]!["name"];
        var image = (string?)spec["containers"]![0]!["image"];
        var ip = $"10.{244 + (index / 62500)}.{index / 250 % 250}.{(index % 250) + 2}";
        JsonObject Condition(string type) => new() { ["type"] = type, ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = stamp };
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["generateName"] = rsName + "-",
                ["namespace"] = ns,
                ["creationTimestamp"] = stamp,
                ["labels"] = template["metadata"]!["labels"]!.DeepClone(),
                ["ownerReferences"] = new JsonArray(Nodes.OwnerReference("apps/v1", "ReplicaSet", rsName, rsUid)),
            },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["conditions"] = new JsonArray(Condition("PodReadyToStartContainers"), Condition("Initialized"), Condition("Ready"), Condition("ContainersReady"), Condition("PodScheduled")),
                ["hostIP"] = "10.0.0.1",
                ["podIP"] = ip,
                ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip }),
                ["startTime"] = stamp,
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = container,
                    ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = stamp } },
                    ["lastState"] = new JsonObject(),
                    ["ready"] = true,
                    ["restartCount"] = 0,
                    ["image"] = image,
                    ["imageID"] = $"{image}@sha256:{Nodes.Hash(image ?? "")}{Nodes.Hash(image + "x")}",
                    ["containerID"] = $"{runtime}://{Nodes.Hash(name)}{Nodes.Hash(name + "c")}",
                    ["started"] = true,
                }),
                ["qosClass"] = "Burstable",
            },
        };
    }

    private static string Suffix(Random random)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
