using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Controllers;

/// <summary>The defaulting the real API server does on write (the fields kubectl and clients expect to see filled in).</summary>
internal sealed class ObjectDefaults
{
    private int _nextClusterIp = 10;

    public void Apply(ResourceKind kind, JsonObject obj, JsonObject? old)
    {
        var metadata = obj["metadata"]!.AsObject();
        if (kind == BuiltInKinds.Namespace)
        {
            Nodes.Obj(metadata, "labels")["kubernetes.io/metadata.name"] = (string?)metadata["name"];
            Nodes.Obj(obj, "spec")["finalizers"] ??= new JsonArray("kubernetes");
            Nodes.Obj(obj, "status")["phase"] ??= "Active";
        }
        else if (kind == BuiltInKinds.Pod)
        {
            DefaultPodSpec(Nodes.Obj(obj, "spec"));
            if (old is null)
            {
                var status = Nodes.Obj(obj, "status");
                status["phase"] ??= "Pending";
                status["qosClass"] ??= "Burstable";
            }
        }
        else if (kind == BuiltInKinds.Deployment || kind == BuiltInKinds.ReplicaSet || kind == BuiltInKinds.StatefulSet || kind == BuiltInKinds.DaemonSet)
        {
            var spec = Nodes.Obj(obj, "spec");
            if (kind != BuiltInKinds.DaemonSet)
            {
                spec["replicas"] ??= 1;
            }

            spec["revisionHistoryLimit"] ??= 10;
            if (kind == BuiltInKinds.Deployment)
            {
                spec["progressDeadlineSeconds"] ??= 600;
                var strategy = Nodes.Obj(spec, "strategy");
                strategy["type"] ??= "RollingUpdate";
                if ((string?)strategy["type"] == "RollingUpdate")
                {
                    var ru = Nodes.Obj(strategy, "rollingUpdate");
                    ru["maxSurge"] ??= "25%";
                    ru["maxUnavailable"] ??= "25%";
                }
            }
            else if (kind == BuiltInKinds.StatefulSet)
            {
                spec["podManagementPolicy"] ??= "OrderedReady";
                Nodes.Obj(spec, "updateStrategy")["type"] ??= "RollingUpdate";
            }
            else if (kind == BuiltInKinds.DaemonSet)
            {
                Nodes.Obj(spec, "updateStrategy")["type"] ??= "RollingUpdate";
            }

            if (spec["template"]?["spec"] is JsonObject podSpec)
            {
                DefaultPodSpec(podSpec);
            }

            Nodes.Obj(obj, "status");
        }
        else if (kind == BuiltInKinds.Job)
        {
            var spec = Nodes.Obj(obj, "spec");
            spec["parallelism"] ??= 1;
            spec["completions"] ??= 1;
            spec["backoffLimit"] ??= 6;
            if (spec["template"]?["spec"] is JsonObject podSpec)
            {
                DefaultPodSpec(podSpec);
                podSpec["restartPolicy"] = (string?)podSpec["restartPolicy"] is "Always" or null ? "Never" : podSpec["restartPolicy"]!.DeepClone();
            }
        }
        else if (kind == BuiltInKinds.CronJob)
        {
            var spec = Nodes.Obj(obj, "spec");
            spec["suspend"] ??= false;
            spec["concurrencyPolicy"] ??= "Allow";
            spec["successfulJobsHistoryLimit"] ??= 3;
            spec["failedJobsHistoryLimit"] ??= 1;
        }
        else if (kind == BuiltInKinds.Service)
        {
            var spec = Nodes.Obj(obj, "spec");
            spec["type"] ??= "ClusterIP";
            spec["sessionAffinity"] ??= "None";
            if ((string?)spec["type"] != "ExternalName")
            {
                var ip = (string?)old?["spec"]?["clusterIP"] ?? (string?)spec["clusterIP"];
                if (string.IsNullOrEmpty(ip))
                {
                    var n = Interlocked.Increment(ref _nextClusterIp);
                    ip = $"10.96.{n / 250 % 250}.{(n % 250) + 1}";
                }

                spec["clusterIP"] = ip;
                spec["clusterIPs"] = new JsonArray(ip);
                spec["ipFamilies"] ??= new JsonArray("IPv4");
                spec["ipFamilyPolicy"] ??= "SingleStack";
                spec["internalTrafficPolicy"] ??= "Cluster";
            }

            if (spec["ports"] is JsonArray ports)
            {
                foreach (var port in ports.OfType<JsonObject>())
                {
                    port["protocol"] ??= "TCP";
                    port["targetPort"] ??= port["port"]?.DeepClone();
                }
            }

            if (old is null)
            {
                Nodes.Obj(Nodes.Obj(obj, "status"), "loadBalancer");
            }
        }
        else if (kind == BuiltInKinds.PersistentVolumeClaim)
        {
            var spec = Nodes.Obj(obj, "spec");
            spec["volumeMode"] ??= "Filesystem";
            if (old is null)
            {
                Nodes.Obj(obj, "status")["phase"] ??= "Pending";
            }
        }
        else if (kind == BuiltInKinds.CustomResourceDefinition)
        {
            var names = obj["spec"]?["names"]?.DeepClone();
            var status = Nodes.Obj(obj, "status");
            status["acceptedNames"] = names;
            var now = (string?)metadata["creationTimestamp"];
            Nodes.SetCondition(status, "NamesAccepted", "True", "NoConflicts", "no conflicts found", now);
            Nodes.SetCondition(status, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now);
            status["storedVersions"] = new JsonArray(obj["spec"]?["versions"]?.AsArray().Select(v => (JsonNode?)(string?)v?["name"]).ToArray() ?? []);
        }
        else if (kind == BuiltInKinds.Secret)
        {
            obj["type"] ??= "Opaque";
        }
    }

    internal static void DefaultPodSpec(JsonObject spec)
    {
        spec["restartPolicy"] ??= "Always";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["schedulerName"] ??= "default-scheduler";
        spec["serviceAccountName"] ??= "default";
        spec["serviceAccount"] ??= (string?)spec["serviceAccountName"];
        spec["securityContext"] ??= new JsonObject();
        spec["enableServiceLinks"] ??= true;
        if (spec["containers"] is JsonArray containers)
        {
            foreach (var c in containers.OfType<JsonObject>())
            {
                c["imagePullPolicy"] ??= ((string?)c["image"])?.EndsWith(":latest", StringComparison.Ordinal) == true ? "Always" : "IfNotPresent";
                c["terminationMessagePath"] ??= "/dev/termination-log";
                c["terminationMessagePolicy"] ??= "File";
                c["resources"] ??= new JsonObject();
                if (c["ports"] is JsonArray ports)
                {
                    foreach (var p in ports.OfType<JsonObject>())
                    {
                        p["protocol"] ??= "TCP";
                    }
                }
            }
        }
    }
}
