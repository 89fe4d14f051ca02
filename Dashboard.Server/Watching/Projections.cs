using System.Globalization;
using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Watching;

/// <summary>From a Kubernetes object's JSON to the slim records the store keeps.</summary>
public static class Projections
{
    public static Meta Meta(JsonElement item, string cluster, Interner interner)
    {
        var m = item.Get("metadata");
        OwnerRef? owner = null;
        foreach (var o in m.Items("ownerReferences"))
        {
            if (owner is null || o.Bool("controller"))
            {
                owner = new OwnerRef(interner.Intern(o.Str("kind") ?? ""), interner.Intern(o.Str("name") ?? ""), interner.Intern(o.Str("uid") ?? ""));
            }
        }

        return new Meta(
            cluster,
            interner.InternOrNull(m.Str("namespace")),
            m.Str("name") ?? "",
            m.Str("uid") ?? "",
            m.Str("resourceVersion") ?? "",
            m.Time("creationTimestamp"),
            interner.Labels(m.Pairs("labels")),
            owner);
    }

    public static object? Pod(JsonElement item, Interner interner)
    {
        var spec = item.Get("spec");
        var status = item.Get("status");
        var statuses = status.Items("containerStatuses").ToList();
        var ready = statuses.Count(s => s.Bool("ready"));
        var restarts = statuses.Sum(s => s.Int("restartCount"));
        var total = Math.Max(spec.Items("containers").Count(), statuses.Count);
        var phase = status.Str("phase") ?? "Unknown";

        // The reason a person wants to see: a waiting or terminated container's reason beats the phase's.
        var reason = status.Str("reason");
        foreach (var s in statuses)
        {
            var state = s.Get("state");
            var why = state.Get("waiting").Str("reason") ?? state.Get("terminated").Str("reason");
            if (why is not null && !s.Bool("ready"))
            {
                reason = why;
                break;
            }
        }

        if (item.Get("metadata").Str("deletionTimestamp") is not null)
        {
            reason = "Terminating";
        }

        var podReady = status.Items("conditions").Any(c => c.Str("type") == "Ready" && c.Str("status") == "True");
        var resources = new ResourceSum();
        foreach (var c in spec.Items("containers"))
        {
            var r = c.Get("resources");
            resources.Add(r.Get("requests").Str("cpu"), r.Get("limits").Str("cpu"), r.Get("requests").Str("memory"), r.Get("limits").Str("memory"));
        }

        return new PodSpecInfo(
            interner.Intern(phase),
            interner.InternOrNull(reason),
            ready,
            total,
            restarts,
            interner.InternOrNull(spec.Str("nodeName")),
            status.Str("podIP"),
            interner.List(spec.Items("containers").Select(c => c.Str("image") ?? "").ToList()),
            status.Time("startTime"),
            podReady,
            interner.InternOrNull(status.Str("qosClass")),
            interner.Share(resources.Result));
    }

    public static object? Node(JsonElement item, Interner interner)
    {
        var status = item.Get("status");
        var info = status.Get("nodeInfo");
        var labels = item.Get("metadata").Get("labels");
        var roles = labels.ValueKind == JsonValueKind.Object
            ? labels.EnumerateObject()
                .Where(l => l.Name.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
                .Select(l => l.Name["node-role.kubernetes.io/".Length..])
                .ToList()
            : [];
        return new NodeSpecInfo(
            status.Items("conditions").Any(c => c.Str("type") == "Ready" && c.Str("status") == "True"),
            item.Get("spec").Bool("unschedulable"),
            interner.InternOrNull(info.Str("kubeletVersion")),
            interner.InternOrNull(info.Str("containerRuntimeVersion")),
            interner.InternOrNull(info.Str("osImage")),
            item.Get("spec").Str("providerID"),
            status.Items("addresses").Where(a => a.Str("type") == "InternalIP").Select(a => a.Str("address")).FirstOrDefault(),
            interner.List(roles),
            interner.InternOrNull(status.Get("capacity").Str("cpu")),
            interner.InternOrNull(status.Get("capacity").Str("memory")),
            interner.InternOrNull(status.Get("allocatable").Str("cpu")),
            interner.InternOrNull(status.Get("allocatable").Str("memory")));
    }

    public static object? Workload(JsonElement item, Interner interner)
    {
        var spec = item.Get("spec");
        var status = item.Get("status");
        return new WorkloadSpecInfo(
            spec.Int("replicas", 1),
            status.Int("readyReplicas"),
            status.Int("updatedReplicas"),
            status.Int("availableReplicas"),
            interner.Labels(spec.Get("selector").Pairs("matchLabels")),
            Images(spec, interner),
            item.Get("metadata").Get("annotations").Str("deployment.kubernetes.io/revision"));
    }

    public static object? DaemonSet(JsonElement item, Interner interner)
    {
        var spec = item.Get("spec");
        var status = item.Get("status");
        return new WorkloadSpecInfo(
            status.Int("desiredNumberScheduled"),
            status.Int("numberReady"),
            status.Int("updatedNumberScheduled"),
            status.Int("numberAvailable"),
            interner.Labels(spec.Get("selector").Pairs("matchLabels")),
            Images(spec, interner),
            null);
    }

    private static IReadOnlyList<string> Images(JsonElement workloadSpec, Interner interner) =>
        interner.List(workloadSpec.Path("template.spec").Items("containers").Select(c => c.Str("image") ?? "").ToList());

    public static object? Service(JsonElement item, Interner interner)
    {
        var spec = item.Get("spec");
        var external = spec.Items("externalIPs").Select(e => e.Str() ?? "")
            .Concat(item.Path("status.loadBalancer").Items("ingress").Select(i => i.Str("ip") ?? i.Str("hostname") ?? ""))
            .Where(a => a.Length > 0)
            .ToList();
        if (spec.Str("externalName") is { } externalName)
        {
            external.Add(externalName);
        }

        var hasSelector = spec.Get("selector").ValueKind == JsonValueKind.Object;
        return new ServiceSpecInfo(
            interner.Intern(spec.Str("type") ?? "ClusterIP"),
            spec.Str("clusterIP"),
            external,
            spec.Items("ports").Select(p => new ServicePort(
                p.Str("name"), interner.Intern(p.Str("protocol") ?? "TCP"), p.Int("port"), p.Str("targetPort"), p.IntOrNull("nodePort"))).ToList(),
            hasSelector ? interner.Labels(spec.Pairs("selector")) : null);
    }

    public static object? Endpoints(JsonElement item, Interner interner)
    {
        var ready = new List<string>();
        var notReady = new List<string>();
        var pods = new List<string>();
        foreach (var subset in item.Items("subsets"))
        {
            foreach (var a in subset.Items("addresses"))
            {
                ready.Add(a.Str("ip") ?? "");
                if (a.Get("targetRef").Str("kind") == "Pod")
                {
                    pods.Add(a.Get("targetRef").Str("name") ?? "");
                }
            }

            foreach (var a in subset.Items("notReadyAddresses"))
            {
                notReady.Add(a.Str("ip") ?? "");
                if (a.Get("targetRef").Str("kind") == "Pod")
                {
                    pods.Add(a.Get("targetRef").Str("name") ?? "");
                }
            }
        }

        return new EndpointsSpecInfo(ready, notReady, pods);
    }

    public static object? Ingress(JsonElement item, Interner interner)
    {
        var spec = item.Get("spec");
        var rules = new List<IngressRule>();
        foreach (var rule in spec.Items("rules"))
        {
            foreach (var path in rule.Get("http").Items("paths"))
            {
                var service = path.Get("backend").Get("service");
                var port = service.Get("port");
                rules.Add(new IngressRule(rule.Str("host"), path.Str("path") ?? "/", service.Str("name") ?? "",
                    port.Str("name") ?? port.Str("number")));
            }
        }

        if (spec.Get("defaultBackend").Get("service") is { ValueKind: JsonValueKind.Object } fallback)
        {
            rules.Add(new IngressRule(null, "/*", fallback.Str("name") ?? "", fallback.Get("port").Str("number")));
        }

        return new IngressSpecInfo(
            interner.InternOrNull(spec.Str("ingressClassName")),
            rules,
            item.Path("status.loadBalancer").Items("ingress").Select(i => i.Str("ip") ?? i.Str("hostname") ?? "").ToList(),
            spec.Items("tls").SelectMany(t => t.Items("hosts")).Select(h => h.Str() ?? "").ToList());
    }

    public static object? VolumeClaim(JsonElement item, Interner interner)
    {
        var spec = item.Get("spec");
        var status = item.Get("status");
        return new VolumeClaimSpecInfo(
            interner.Intern(status.Str("phase") ?? "Pending"),
            spec.Str("volumeName"),
            interner.InternOrNull(spec.Str("storageClassName")),
            interner.InternOrNull(status.Get("capacity").Str("storage") ?? spec.Path("resources.requests").Str("storage")),
            interner.List(spec.Items("accessModes").Select(a => a.Str() ?? "").ToList()));
    }

    public static object? Volume(JsonElement item, Interner interner)
    {
        var spec = item.Get("spec");
        var claim = spec.Get("claimRef");
        return new VolumeSpecInfo(
            interner.Intern(item.Get("status").Str("phase") ?? "Pending"),
            interner.InternOrNull(claim.Str("namespace")),
            claim.Str("name"),
            interner.InternOrNull(spec.Str("storageClassName")),
            interner.InternOrNull(spec.Get("capacity").Str("storage")),
            interner.InternOrNull(spec.Str("persistentVolumeReclaimPolicy")));
    }

    public static object? Autoscaler(JsonElement item, Interner interner)
    {
        var spec = item.Get("spec");
        var status = item.Get("status");
        int? target = null;
        foreach (var metric in spec.Items("metrics"))
        {
            if (metric.Get("resource").Str("name") == "cpu")
            {
                target = metric.Path("resource.target").IntOrNull("averageUtilization");
            }
        }

        int? current = null;
        foreach (var metric in status.Items("currentMetrics"))
        {
            if (metric.Get("resource").Str("name") == "cpu")
            {
                current = metric.Path("resource.current").IntOrNull("averageUtilization");
            }
        }

        var targetRef = spec.Get("scaleTargetRef");
        return new AutoscalerSpecInfo(
            interner.Intern(targetRef.Str("kind") ?? ""), targetRef.Str("name") ?? "",
            spec.IntOrNull("minReplicas"), spec.Int("maxReplicas"),
            status.Int("currentReplicas"), status.Int("desiredReplicas"), current, target);
    }

    public static object? Event(JsonElement item, Interner interner)
    {
        var involved = item.Get("involvedObject");
        return new EventSpecInfo(
            interner.Intern(item.Str("type") ?? "Normal"),
            interner.Intern(item.Str("reason") ?? ""),
            item.Str("message") ?? "",
            interner.Intern(involved.Str("kind") ?? ""),
            involved.Str("name") ?? "",
            interner.InternOrNull(involved.Str("namespace")),
            item.Int("count", 1),
            item.Time("lastTimestamp") ?? item.Time("eventTime") ?? item.Time("firstTimestamp"),
            interner.InternOrNull(item.Get("source").Str("component") ?? item.Str("reportingComponent")));
    }

    public static object? Job(JsonElement item, Interner interner)
    {
        var status = item.Get("status");
        return new JobSpecInfo(item.Get("spec").IntOrNull("completions"), status.Int("succeeded"), status.Int("failed"),
            status.Int("active"), status.Time("completionTime"), null, null, null);
    }

    public static object? CronJob(JsonElement item, Interner interner)
    {
        var spec = item.Get("spec");
        var status = item.Get("status");
        return new JobSpecInfo(null, 0, 0, status.Items("active").Count(), null,
            interner.InternOrNull(spec.Str("schedule")), spec.Bool("suspend"), status.Time("lastScheduleTime"));
    }

    /// <summary>Secrets: the type and how many keys, never a value.</summary>
    public static object? Secret(JsonElement item, Interner interner) =>
        new GenericSpecInfo(new Dictionary<string, string>
        {
            ["type"] = interner.Intern(item.Str("type") ?? "Opaque"),
            ["keys"] = (item.PropertyCount("data") + item.PropertyCount("stringData")).ToString(CultureInfo.InvariantCulture),
        });

    public static Projector KeyCount(params string[] maps) => (item, _) =>
        new GenericSpecInfo(new Dictionary<string, string>
        {
            ["keys"] = maps.Sum(m => item.PropertyCount(m)).ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>A kind shown by a few fields named by their dotted paths (e.g. "spec.controller").</summary>
    public static Projector Generic(params string[] paths) => (item, interner) =>
    {
        if (paths.Length == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(paths.Length);
        foreach (var path in paths)
        {
            if (item.Path(path).Str() is { } value)
            {
                fields[path[(path.LastIndexOf('.') + 1)..]] = interner.Intern(value);
            }
        }

        return new GenericSpecInfo(fields);
    };

    /// <summary>A CRD: group, kind, plural, scope, the version to watch (the storage one) and its printer columns.</summary>
    public static object? CustomResourceDefinition(JsonElement item, Interner interner)
    {
        var spec = item.Get("spec");
        var versions = spec.Items("versions").ToList();
        var version = versions.FirstOrDefault(v => v.Bool("storage"));
        if (version.ValueKind != JsonValueKind.Object)
        {
            version = versions.FirstOrDefault(v => v.Bool("served"));
        }

        var columns = version.Items("additionalPrinterColumns")
            .Select(c => new PrinterColumn(c.Str("name") ?? "", c.Str("type") ?? "string", c.Str("jsonPath") ?? "", c.Int("priority")))
            .Where(c => c.Name.Length > 0 && c.JsonPath.Length > 0)
            .ToList();
        return new CustomKindSpecInfo(spec.Str("group") ?? "", spec.Get("names").Str("kind") ?? "", spec.Get("names").Str("plural") ?? "",
            spec.Str("scope") != "Cluster", version.Str("name") ?? "v1", columns);
    }

    /// <summary>A custom resource: the values of its CRD's printer columns, by column name.</summary>
    public static Projector PrinterColumns(IReadOnlyList<PrinterColumn> columns) => (item, interner) =>
        new GenericSpecInfo(columns.ToDictionary(c => c.Name, c => JsonPathValue(item, c.JsonPath) ?? ""));

    /// <summary>The simple JSONPath kubectl's printer columns use: ".spec.replicas", ".status.conditions[0].type".</summary>
    public static string? JsonPathValue(JsonElement item, string path)
    {
        var e = item;
        foreach (var part in path.Trim('{', '}', ' ').TrimStart('$').TrimStart('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part;
            int? index = null;
            var open = part.IndexOf('[', StringComparison.Ordinal);
            if (open >= 0 && part.EndsWith(']') && int.TryParse(part[(open + 1)..^1], System.Globalization.CultureInfo.InvariantCulture, out var i))
            {
                name = part[..open];
                index = i;
            }

            e = e.Get(name);
            if (index is { } n)
            {
                e = e.ValueKind == JsonValueKind.Array && n < e.GetArrayLength() ? e[n] : default;
            }
        }

        return e.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? e.GetRawText() : e.Str();
    }
}
