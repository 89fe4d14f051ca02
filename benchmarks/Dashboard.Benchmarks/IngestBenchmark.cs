using System.Diagnostics;
using System.Net;
using System.Text;
using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dashboard.Benchmarks;

/// <summary>
/// The same watch stream of realistic ~5 KB pod events (managedFields included), served over loopback HTTP,
/// read three ways: the product's reflector path (KubeApi + projection + FleetStore), KubernetesClient's typed
/// watch, and a raw read of the bytes (the ceiling). Then the heap cost of a cached pod at 15k/50k/150k pods.
/// </summary>
internal sealed class IngestBenchmark : IBenchmark
{
    public string Name => "ingest";

    public string Description => "watch ingest: product vs KubernetesClient typed watch vs raw bytes; heap per cached pod";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        var events = run.Quick ? 20_000 : 60_000;
        var stream = BuildStream(events);
        run.Log($"stream: {events} events, {stream.Length / 1024 / 1024} MB, {stream.Length / events} bytes per event");

        var listPods = run.Quick ? new[] { 15_000 } : [15_000, 50_000];
        await using var app = await ServeAsync(stream, listPods.Max());
        var config = new KubernetesClientConfiguration { Host = app.Urls.First(), AccessToken = "bench" };

        double Rate(TimeSpan t) => events / t.TotalSeconds;
        var raw = await Best(3, () => RawAsync(config));
        var typed = await Best(3, () => TypedAsync(config, events));
        var product = await Best(3, () => ProductAsync(config, events));
        run.Log($"raw {Rate(raw):0} ev/s, typed {Rate(typed):0} ev/s, product {Rate(product):0} ev/s");

        var ingest = new Chart("Watch ingest of the same stream", "");
        var results = new List<Measurement>
        {
            new("raw read of the stream (ceiling)", Rate(raw), "events/s", "", null, ingest with { Category = "raw read (ceiling)" }),
            new("KubernetesClient typed watch (V1Pod)", Rate(typed), "events/s", "", null, ingest with { Category = "KubernetesClient typed" }),
            new("product reflector path (decode + project + store)", Rate(product), "events/s", ">= 2x typed", Rate(product) >= 2 * Rate(typed),
                ingest with { Category = "product" }),
            new("product / typed", Rate(product) / Rate(typed), "x", ">= 2", Rate(product) >= 2 * Rate(typed)),
            new("product / raw read", Rate(product) / Rate(raw), "x", "", null),
        };

        var peer = await JsPeer.FindAsync(run);
        if (peer is not null)
        {
            var (seen, seconds) = await peer.WatchAsync(app.Urls.First(), events);
            run.Log($"client-node watch: {seen} events in {seconds:F2} s");
            results.Add(new("@kubernetes/client-node Watch (what its informer reads with), node " + peer.NodeVersion, seen / seconds, "events/s", "", null,
                ingest with { Category = "client-node (JS)" }));
            results.Add(new("product / client-node", Rate(product) / (seen / seconds), "x", "", null));
        }

        foreach (var pods in run.Quick ? new[] { 15_000, 50_000 } : [15_000, 50_000, 150_000])
        {
            var perPod = HeapPerPod(pods);
            run.Log($"{pods} pods: {perPod:0} bytes of heap per cached pod");
            results.Add(new($"heap per cached pod at {pods / 1000}k pods", perPod, "bytes", "<= 1024", perPod <= 1024,
                new("Heap per cached pod", $"{pods / 1000}k pods", "product")));
        }

        foreach (var pods in listPods.Where(_ => peer is not null))
        {
            var perPod = await peer!.InformerBytesPerPodAsync(app.Urls.First(), pods);
            run.Log($"client-node informer, {pods} pods: {perPod:0} bytes of heap per cached pod");
            results.Add(new($"client-node informer: heap per cached pod at {pods / 1000}k pods (V8 heap used, after GC)", perPod, "bytes", "", null,
                new("Heap per cached pod", $"{pods / 1000}k pods", "client-node informer (JS)")));
        }

        return results;
    }

    private static async Task<TimeSpan> Best(int times, Func<Task> action)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < times; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            best = watch.Elapsed < best ? watch.Elapsed : best;
        }

        return best;
    }

    private static async Task RawAsync(KubernetesClientConfiguration config)
    {
        using var http = new HttpClient();
        await using var body = await http.GetStreamAsync(new Uri(new Uri(config.Host), "/api/v1/pods?watch=true"));
        var buffer = new byte[64 * 1024];
        while (await body.ReadAsync(buffer) > 0)
        {
        }
    }

    private static async Task TypedAsync(KubernetesClientConfiguration config, int expected)
    {
        using var client = new Kubernetes(config);
        var seen = 0;
        await foreach (var (_, pod) in client.CoreV1.WatchListPodForAllNamespacesAsync(resourceVersion: "1", allowWatchBookmarks: true))
        {
            if (pod.Metadata.Name is not null)
            {
                seen++;
            }
        }

        if (seen != expected)
        {
            throw new InvalidOperationException($"typed watch saw {seen} of {expected}");
        }
    }

    private static async Task ProductAsync(KubernetesClientConfiguration config, int expected)
    {
        using var api = new KubeApi(new Kubernetes(config));
        var store = new FleetStore();
        var interner = new Interner();
        var kind = WatchedKinds.ByPlural["pods"];
        await api.WatchAsync("/api/v1/pods?watch=true&resourceVersion=1",
            line => store.Upsert(kind.Decode(line, kind, "bench", interner).Resource!), null, CancellationToken.None);
        if (store.Count("bench", "Pod") != expected)
        {
            throw new InvalidOperationException($"product saw {store.Count("bench", "Pod")} of {expected}");
        }
    }

    /// <summary>
    /// Bytes of managed heap that each cached pod holds (store, indexes and interned values included): the heap
    /// with the filled store, less the heap once it is dropped. (Measured that way round because the shared
    /// array pool trims what the watch runs before rented while the store fills, which would hide part of it.)
    /// </summary>
    private static double HeapPerPod(int pods)
    {
        var held = new object?[1];
        Fill(held, pods);
        var filled = Heap();
        held[0] = null;
        var dropped = Heap();
        return (filled - dropped) / (double)pods;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Fill(object?[] held, int pods)
    {
        var interner = new Interner();
        var store = new FleetStore();
        var kind = WatchedKinds.ByPlural["pods"];
        for (var i = 0; i < pods; i++)
        {
            using var document = System.Text.Json.JsonDocument.Parse(PodJson(i));
            var obj = document.RootElement;
            store.Upsert(new Resource(kind.Kind, Projections.Meta(obj, "bench", interner), kind.Project(obj, interner)));
        }

        held[0] = (store, interner);
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static byte[] BuildStream(int events)
    {
        var text = new StringBuilder();
        for (var i = 0; i < events; i++)
        {
            text.Append("{\"type\":\"ADDED\",\"object\":").Append(PodJson(i)).Append("}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// GET /api/v1/pods?watch=true (from resourceVersion 1, or none given): the stream, then the end; a watch from any other version
    /// (an informer's, after its list) stays open and quiet; without watch, a PodList of the first
    /// <see cref="JsPeer.ListPods"/> pods (the informer's list; at most <paramref name="listPods"/>).
    /// </summary>
    private static async Task<WebApplication> ServeAsync(byte[] stream, int listPods)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var lists = new System.Collections.Concurrent.ConcurrentDictionary<int, byte[]>();
        app.MapGet("/api/v1/pods", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            if (context.Request.Query["watch"] is ["true" or "1"])
            {
                if (context.Request.Query["resourceVersion"] is [] or ["1"])
                {
                    await context.Response.Body.WriteAsync(stream);
                    return;
                }

                await context.Response.Body.FlushAsync();
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            await context.Response.Body.WriteAsync(lists.GetOrAdd(Math.Min(JsPeer.ListPods, listPods), PodList));
        });
        await app.StartAsync();
        return app;
    }

    private static byte[] PodList(int pods)
    {
        var text = new StringBuilder("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"999999\"},\"items\":[");
        for (var i = 0; i < pods; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(PodJson(i));
        }

        return Encoding.UTF8.GetBytes(text.Append("]}").ToString());
    }

    /// <summary>A pod as a real cluster sends it: ~5 KB with managedFields, two containers, probes, volumes.</summary>
    internal static string PodJson(int i)
    {
        var app = $"app-{i % 200}";
        var rs = $"{app}-{i % 7:x4}7f9c";
        var node = $"node-{i % 50}";
        var ns = $"team-{i % 20}";
        var uid = new Guid(i, 0, 0, [1, 2, 3, 4, 5, 6, 7, 8]).ToString();
        var managed = string.Join(",", Enumerable.Range(0, 3).Select(m =>
            """{"manager":"kube-controller-manager-@m@","operation":"Update","apiVersion":"v1","time":"2026-11-01T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{},"f:team":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"x\"}":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"main\"}":{".":{},"f:env":{},"f:image":{},"f:imagePullPolicy":{},"f:livenessProbe":{},"f:name":{},"f:ports":{},"f:readinessProbe":{},"f:resources":{},"f:terminationMessagePath":{},"f:volumeMounts":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{},"f:volumes":{}}}}""".Replace("@m@", m.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        return """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"@t0@-@t1@","generateName":"@t2@-","namespace":"@t3@","uid":"@t4@","resourceVersion":"@t5@","creationTimestamp":"2026-11-01T10:00:00Z","labels":{"app":"@t6@","pod-template-hash":"@t7@7f9c","team":"@t8@"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-01T09:00:00Z","prometheus.io/scrape":"true"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"@t9@","uid":"@t10@-uid","controller":true,"blockOwnerDeletion":true}],"managedFields":[@t11@]},
            "spec":{"volumes":[{"name":"kube-api-access","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}}],"defaultMode":420}}],"containers":[{"name":"main","image":"registry.example.com/@t12@:1.@t13@.0","ports":[{"containerPort":8080,"protocol":"TCP"}],"env":[{"name":"LOG_LEVEL","value":"info"},{"name":"POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}}],"resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},"volumeMounts":[{"name":"kube-api-access","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],"livenessProbe":{"httpGet":{"path":"/healthz","port":8080,"scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},"readinessProbe":{"httpGet":{"path":"/ready","port":8080,"scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":5,"successThreshold":1,"failureThreshold":3},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"},{"name":"proxy","image":"envoyproxy/envoy:v1.30.1","resources":{"requests":{"cpu":"50m","memory":"64Mi"}},"imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default","serviceAccount":"default","nodeName":"@t14@","securityContext":{},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},
            "status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True","lastTransitionTime":"2026-11-01T10:00:01Z"},{"type":"Ready","status":"True","lastTransitionTime":"2026-11-01T10:00:09Z"},{"type":"ContainersReady","status":"True","lastTransitionTime":"2026-11-01T10:00:09Z"},{"type":"PodScheduled","status":"True","lastTransitionTime":"2026-11-01T10:00:00Z"}],"hostIP":"10.0.@t15@.1","podIP":"10.244.@t16@.@t17@","podIPs":[{"ip":"10.244.@t18@.@t19@"}],"startTime":"2026-11-01T10:00:00Z","containerStatuses":[{"name":"main","state":{"running":{"startedAt":"2026-11-01T10:00:05Z"}},"lastState":{},"ready":true,"restartCount":0,"image":"registry.example.com/@t20@:1.@t21@.0","imageID":"registry.example.com/@t22@@sha256:0f3e5b8c1d2a4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7","containerID":"containerd://@t23@","started":true},{"name":"proxy","state":{"running":{"startedAt":"2026-11-01T10:00:05Z"}},"lastState":{},"ready":true,"restartCount":0,"image":"envoyproxy/envoy:v1.30.1","imageID":"docker.io/envoyproxy/envoy@sha256:1a2b","containerID":"containerd://p-@t24@","started":true}],"qosClass":"Burstable"}}
            """.ReplaceLineEndings("")
            .Replace("@t0@", $"{rs}", StringComparison.Ordinal)
            .Replace("@t1@", $"{i:x6}", StringComparison.Ordinal)
            .Replace("@t2@", $"{rs}", StringComparison.Ordinal)
            .Replace("@t3@", $"{ns}", StringComparison.Ordinal)
            .Replace("@t4@", $"{uid}", StringComparison.Ordinal)
            .Replace("@t5@", $"{i + 2}", StringComparison.Ordinal)
            .Replace("@t6@", $"{app}", StringComparison.Ordinal)
            .Replace("@t7@", $"{i % 7:x4}", StringComparison.Ordinal)
            .Replace("@t8@", $"{ns}", StringComparison.Ordinal)
            .Replace("@t9@", $"{rs}", StringComparison.Ordinal)
            .Replace("@t10@", $"{rs}", StringComparison.Ordinal)
            .Replace("@t11@", $"{managed}", StringComparison.Ordinal)
            .Replace("@t12@", $"{app}", StringComparison.Ordinal)
            .Replace("@t13@", $"{i % 5}", StringComparison.Ordinal)
            .Replace("@t14@", $"{node}", StringComparison.Ordinal)
            .Replace("@t15@", $"{i % 50}", StringComparison.Ordinal)
            .Replace("@t16@", $"{i / 250 % 250}", StringComparison.Ordinal)
            .Replace("@t17@", $"{i % 250}", StringComparison.Ordinal)
            .Replace("@t18@", $"{i / 250 % 250}", StringComparison.Ordinal)
            .Replace("@t19@", $"{i % 250}", StringComparison.Ordinal)
            .Replace("@t20@", $"{app}", StringComparison.Ordinal)
            .Replace("@t21@", $"{i % 5}", StringComparison.Ordinal)
            .Replace("@t22@", $"{app}", StringComparison.Ordinal)
            .Replace("@t23@", $"{uid}", StringComparison.Ordinal)
            .Replace("@t24@", $"{uid}", StringComparison.Ordinal);
    }
}
