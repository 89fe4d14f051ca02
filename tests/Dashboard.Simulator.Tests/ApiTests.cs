using System.Net;
using System.Text.Json.Nodes;

namespace Dashboard.Simulator.Tests;

/// <summary>The REST API over real HTTPS, as clients see it: auth, versions, discovery, lists, selectors, writes and errors.</summary>
public sealed class ApiTests(FleetFixture fixture) : IClassFixture<FleetFixture>
{
    private SimulatedFleet Fleet => fixture.Fleet;

    private SimulatedCluster Cluster => Fleet["aws-prod"];

    private static async Task<JsonObject> GetJsonAsync(HttpClient client, string url, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    [Fact]
    public async Task RequestsWithoutOrWithAWrongToken_Get401Status()
    {
        using var anonymous = Fast.AnonymousClient(Cluster);
        using var response = await anonymous.GetAsync("/api/v1/pods");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal(401, (int)status["code"]!);

        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", Fleet["gcp-staging"].Token);
        using var wrong = await anonymous.GetAsync("/api/v1/pods");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var health = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task EachClusterReportsItsOwnVersion_MinorsFrom127To133()
    {
        var minors = new List<int>();
        foreach (var c in Fleet.Clusters)
        {
            using var client = Fast.Client(c);
            var version = await GetJsonAsync(client, "/version");
            Assert.Equal(c.KubernetesVersion, (string?)version["gitVersion"]);
            minors.Add(int.Parse((string)version["minor"]!, System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(minors.Count, minors.Distinct().Count());
        Assert.Equal(27, minors.Min());
        Assert.Equal(33, minors.Max());
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("v2beta1")]
    public async Task AggregatedDiscovery_AnswersTheVersionAsked(string version)
    {
        using var client = Fast.Client(Cluster);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        request.Headers.TryAddWithoutValidation("Accept", $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList,application/json");
        using var response = await client.SendAsync(request);
        Assert.Contains($"v={version};as=APIGroupDiscoveryList", response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var list = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal($"apidiscovery.k8s.io/{version}", (string?)list["apiVersion"]);
        var apps = list["items"]!.AsArray().Single(i => (string?)i!["metadata"]!["name"] == "apps")!;
        var deployments = apps["versions"]![0]!["resources"]!.AsArray().Single(r => (string?)r!["resource"] == "deployments")!;
        Assert.Equal("Namespaced", (string?)deployments["scope"]);
        Assert.Contains(deployments["subresources"]!.AsArray(), s => (string?)s!["subresource"] == "scale");

        var legacy = await GetJsonAsync(client, "/api/v1");
        Assert.Contains(legacy["resources"]!.AsArray(), r => (string?)r!["name"] == "pods/log");
        var groups = await GetJsonAsync(client, "/apis");
        Assert.Contains(groups["groups"]!.AsArray(), g => (string?)g!["name"] == "metrics.k8s.io");
    }

    [Fact]
    public async Task ListInPages_ReturnsEveryPodOnceWithContinueTokens()
    {
        using var client = Fast.Client(Cluster);
        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await GetJsonAsync(client, "/api/v1/pods?limit=3" + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token)));
            Assert.Equal("PodList", (string?)page["kind"]);
            Assert.True(page["items"]!.AsArray().Count <= 3);
            names.AddRange(page["items"]!.AsArray().Select(p => $"{p!["metadata"]!["namespace"]}/{p["metadata"]!["name"]}"));
            token = (string?)page["metadata"]!["continue"];
            pages++;
        }
        while (token is not null);

        Assert.True(pages > 3);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(names.Count, Cluster.Count("pods"));
    }

    [Fact]
    public async Task LabelAndFieldSelectors_FilterLikeTheApiServer()
    {
        using var client = Fast.Client(Cluster);
        var byLabel = await GetJsonAsync(client, "/api/v1/namespaces/shop/pods?labelSelector=" + Uri.EscapeDataString("app.kubernetes.io/name in (orders-api,payments)"));
        Assert.NotEmpty(byLabel["items"]!.AsArray());
        Assert.All(byLabel["items"]!.AsArray(), p => Assert.Contains((string?)p!["metadata"]!["labels"]!["app.kubernetes.io/name"], new[] { "orders-api", "payments" }));

        var node = Cluster.NodeNames[1];
        var byNode = await GetJsonAsync(client, "/api/v1/pods?fieldSelector=spec.nodeName%3D" + node);
        Assert.NotEmpty(byNode["items"]!.AsArray());
        Assert.All(byNode["items"]!.AsArray(), p => Assert.Equal(node, (string?)p!["spec"]!["nodeName"]));

        var pod = byNode["items"]![0]!;
        var events = await GetJsonAsync(client, $"/api/v1/namespaces/{pod["metadata"]!["namespace"]}/events?fieldSelector=" +
            Uri.EscapeDataString($"involvedObject.name={pod["metadata"]!["name"]},involvedObject.uid={pod["metadata"]!["uid"]}"));
        Assert.Contains(events["items"]!.AsArray(), e => (string?)e!["reason"] == "Scheduled");

        using var bad = await client.GetAsync("/api/v1/pods?fieldSelector=spec.unknownField%3Dx");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task WatchWithASelector_SeesObjectsEnteringAndLeavingIt()
    {
        using var client = Fast.Client(Cluster);
        Cluster.Apply("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"moving","namespace":"default","labels":{"stage":"a"}}}""");
        var rv = Cluster.Store.CurrentVersion;
        using var response = await client.GetAsync($"/api/v1/namespaces/default/configmaps?watch=true&labelSelector=stage%3Db&resourceVersion={rv}&timeoutSeconds=2", HttpCompletionOption.ResponseHeadersRead);
        Cluster.Apply("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"moving","namespace":"default","labels":{"stage":"b"}}}""");
        Cluster.Apply("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"moving","namespace":"default","labels":{"stage":"c"}}}""");
        var types = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (string?)JsonNode.Parse(l)!["type"]).ToList();
        Assert.Equal(["ADDED", "DELETED"], types);
        Cluster.Delete("configmaps", "default", "moving");
    }

    [Fact]
    public async Task UpdateWithStaleResourceVersion_Gets409_AndMalformedInput400_UnknownResource404_KindMismatch400()
    {
        using var client = Fast.Client(Cluster);
        var cm = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"conflict","namespace":"default"},"data":{"a":"1"}}""";
        using var created = await client.PostAsync("/api/v1/namespaces/default/configmaps", Fast.Json(cm));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var obj = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        obj["data"]!["a"] = "2";
        using var first = await client.PutAsync("/api/v1/namespaces/default/configmaps/conflict", Fast.Json(obj.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        obj["data"]!["a"] = "3";
        using var stale = await client.PutAsync("/api/v1/namespaces/default/configmaps/conflict", Fast.Json(obj.ToJsonString()));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("Conflict", (string?)JsonNode.Parse(await stale.Content.ReadAsStringAsync())!["reason"]);

        using var malformed = await client.PostAsync("/api/v1/namespaces/default/configmaps", Fast.Json("{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        using var unknown = await client.GetAsync("/apis/example.com/v1/widgets");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var mismatch = await client.PostAsync("/api/v1/namespaces/default/configmaps", Fast.Json("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        using var missing = await client.GetAsync("/api/v1/namespaces/default/configmaps/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("configmaps \"nope\" not found", (string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["message"]);
        await client.DeleteAsync("/api/v1/namespaces/default/configmaps/conflict");
    }

    [Fact]
    public async Task YamlBodies_AreAccepted_AndMalformedYamlGets400()
    {
        using var client = Fast.Client(Cluster);
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n  namespace: default\ndata:\n  count: \"3\"\n";
        using var created = await client.PostAsync("/api/v1/namespaces/default/configmaps", Fast.Json(yaml, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("3", (string?)JsonNode.Parse(Cluster.GetJson("configmaps", "default", "from-yaml")!)!["data"]!["count"]);
        using var bad = await client.PostAsync("/api/v1/namespaces/default/configmaps", Fast.Json("metadata: [unclosed", "application/yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("Status", (string?)JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["kind"]);
        Cluster.Delete("configmaps", "default", "from-yaml");
    }

    [Fact]
    public async Task DryRunAll_ValidatesButStoresNothing()
    {
        using var client = Fast.Client(Cluster);
        var cm = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dry","namespace":"default"}}""";
        using var response = await client.PostAsync("/api/v1/namespaces/default/configmaps?dryRun=All", Fast.Json(cm));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Null(Cluster.GetJson("configmaps", "default", "dry"));
    }

    [Fact]
    public async Task PatchesOfAllThreeKinds_Apply()
    {
        using var client = Fast.Client(Cluster);
        var cm = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"patched","namespace":"default","labels":{"a":"1"}},"data":{"x":"1"}}""";
        (await client.PostAsync("/api/v1/namespaces/default/configmaps", Fast.Json(cm))).Dispose();
        using var merge = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/patched") { Content = Fast.Json("""{"data":{"y":"2","x":null}}""", "application/merge-patch+json") };
        (await client.SendAsync(merge)).EnsureSuccessStatusCode();
        using var json = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/patched") { Content = Fast.Json("""[{"op":"add","path":"/metadata/labels/b","value":"2"}]""", "application/json-patch+json") };
        (await client.SendAsync(json)).EnsureSuccessStatusCode();
        using var strategic = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/patched") { Content = Fast.Json("""{"metadata":{"labels":{"c":"3"}}}""", "application/strategic-merge-patch+json") };
        (await client.SendAsync(strategic)).EnsureSuccessStatusCode();
        var result = JsonNode.Parse(Cluster.GetJson("configmaps", "default", "patched")!)!;
        Assert.Equal("""{"y":"2"}""", result["data"]!.ToJsonString());
        Assert.Equal("""{"a":"1","b":"2","c":"3"}""", result["metadata"]!["labels"]!.ToJsonString());
        Cluster.Delete("configmaps", "default", "patched");
    }

    [Fact]
    public async Task TableOutput_HasKubectlColumnsAndPartialObjectMetadata()
    {
        using var client = Fast.Client(Cluster);
        var table = await GetJsonAsync(client, "/apis/apps/v1/namespaces/shop/deployments", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        Assert.Equal("Table", (string?)table["kind"]);
        var columns = table["columnDefinitions"]!.AsArray().Select(c => ((string)c!["name"]!, (int)c["priority"]!)).ToList();
        Assert.Equal([("Name", 0), ("Ready", 0), ("Up-to-date", 0), ("Available", 0), ("Age", 0), ("Containers", 1), ("Images", 1), ("Selector", 1)], columns);
        var row = table["rows"]!.AsArray().First()!;
        Assert.Equal("PartialObjectMetadata", (string?)row["object"]!["kind"]);
        Assert.Equal("shop", (string?)row["object"]!["metadata"]!["namespace"]);
    }

    [Fact]
    public async Task Eviction_BlockedByDisruptionBudget_Gets429()
    {
        using var client = Fast.Client(Cluster);
        var ns = "evict";
        Cluster.Apply($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
        Cluster.Apply("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"one","namespace":"NS"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"one"}},"template":{"metadata":{"labels":{"app":"one"}},"spec":{"containers":[{"name":"one","image":"busybox:1.36"}]}}}}""".Replace("NS", ns, StringComparison.Ordinal));
        Cluster.Apply("""{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"one","namespace":"NS"},"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"one"}}}}""".Replace("NS", ns, StringComparison.Ordinal));
        await Fast.UntilAsync(() => Fast.Objects(Cluster, "pods", ns).Count(Fast.Ready) == 1, "pod ready");
        var pod = (string)Fast.Objects(Cluster, "pods", ns).Single()["metadata"]!["name"]!;
        using var response = await client.PostAsync($"/api/v1/namespaces/{ns}/pods/{pod}/eviction",
            Fast.Json($$$"""{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"{{{pod}}}","namespace":"{{{ns}}}"}}"""));
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Contains("disruption budget", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(Cluster.GetJson("pods", ns, pod));
        Cluster.Delete("namespaces", null, ns);
    }

    [Fact]
    public async Task DeletingAnOwner_GarbageCollectsItsDependents()
    {
        var ns = "gc";
        Cluster.Apply($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
        Cluster.Apply("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"app","namespace":"NS"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"a","image":"busybox:1.36"}]}}}}""".Replace("NS", ns, StringComparison.Ordinal));
        await Fast.UntilAsync(() => Fast.Objects(Cluster, "pods", ns).Count() == 2, "two pods");
        using var client = Fast.Client(Cluster);
        (await client.DeleteAsync($"/apis/apps/v1/namespaces/{ns}/deployments/app")).EnsureSuccessStatusCode();
        Assert.Empty(Cluster.ListJson("replicasets", ns, "apps"));
        await Fast.UntilAsync(() => !Fast.Objects(Cluster, "pods", ns).Any(), "pods collected");
        Cluster.Delete("namespaces", null, ns);
    }

    [Fact]
    public async Task CustomResourceDefinition_ServesItsObjects()
    {
        using var client = Fast.Client(Cluster);
        var crd = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget","shortNames":["wd"]},
             "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """;
        (await client.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Fast.Json(crd))).EnsureSuccessStatusCode();
        using var created = await client.PostAsync("/apis/example.com/v1/namespaces/default/widgets",
            Fast.Json("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":3}}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var list = await GetJsonAsync(client, "/apis/example.com/v1/widgets");
        Assert.Equal("WidgetList", (string?)list["kind"]);
        Assert.Equal(3, (int)list["items"]![0]!["spec"]!["size"]!);
        (await client.DeleteAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")).EnsureSuccessStatusCode();
        using var gone = await client.GetAsync("/apis/example.com/v1/widgets");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task ScaleSubresource_GetPutWithoutContentTypeAndPatch()
    {
        using var client = Fast.Client(Cluster);
        var scale = await GetJsonAsync(client, "/apis/apps/v1/namespaces/shop/deployments/payments/scale");
        Assert.Equal("Scale", (string?)scale["kind"]);
        var replicas = (int)scale["spec"]!["replicas"]!;
        scale["spec"]!["replicas"] = replicas + 1;
        using var put = new HttpRequestMessage(HttpMethod.Put, "/apis/apps/v1/namespaces/shop/deployments/payments/scale")
        {
            Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(scale.ToJsonString())),
        };
        (await client.SendAsync(put)).EnsureSuccessStatusCode();
        await Fast.UntilAsync(() => Fast.PodsOf(Cluster, "shop", "payments").Count() == replicas + 1, "pods follow the PUT");
        using var patch = new HttpRequestMessage(HttpMethod.Patch, "/apis/apps/v1/namespaces/shop/deployments/payments/scale")
        {
            Content = Fast.Json($$$"""{"spec":{"replicas":{{{replicas}}}}}""", "application/merge-patch+json"),
        };
        (await client.SendAsync(patch)).EnsureSuccessStatusCode();
        await Fast.UntilAsync(() => Fast.PodsOf(Cluster, "shop", "payments").Count() == replicas, "pods follow the PATCH");
    }

    [Fact]
    public async Task OpenApi_V2AndV3_AreServed()
    {
        using var client = Fast.Client(Cluster);
        var root = await GetJsonAsync(client, "/openapi/v3");
        var apps = (string)root["paths"]!["apis/apps/v1"]!["serverRelativeURL"]!;
        var doc = await GetJsonAsync(client, apps);
        Assert.Equal("3.0.0", (string?)doc["openapi"]);
        var v2 = await GetJsonAsync(client, "/openapi/v2");
        Assert.Equal("2.0", (string?)v2["swagger"]);
    }

    [Fact]
    public async Task PodLogs_CurrentAndPrevious()
    {
        using var client = Fast.Client(Cluster);
        var pod = (string)Fast.PodsOf(Cluster, "shop", "orders-api").First(Fast.Ready)["metadata"]!["name"]!;
        var log = await client.GetStringAsync($"/api/v1/namespaces/shop/pods/{pod}/log?tailLines=5");
        Assert.InRange(log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, 1, 5);
        using var previous = await client.GetAsync($"/api/v1/namespaces/shop/pods/{pod}/log?previous=true");
        Assert.Equal(HttpStatusCode.BadRequest, previous.StatusCode);

        await Fast.UntilAsync(() => Fast.PodsOf(Cluster, "shop", "recommendations").Any(p => (int?)p["status"]?["containerStatuses"]?[0]?["restartCount"] > 0), "crash-looping pod restarted");
        var crashing = (string)Fast.PodsOf(Cluster, "shop", "recommendations").First()["metadata"]!["name"]!;
        var crashLog = await client.GetStringAsync($"/api/v1/namespaces/shop/pods/{crashing}/log?previous=true");
        Assert.Contains("connection refused", crashLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_NodeAndPodUsage()
    {
        using var client = Fast.Client(Cluster);
        var nodes = await GetJsonAsync(client, "/apis/metrics.k8s.io/v1beta1/nodes");
        Assert.Equal(Cluster.NodeNames.Count, nodes["items"]!.AsArray().Count);
        Assert.EndsWith("n", (string)nodes["items"]![0]!["usage"]!["cpu"]!, StringComparison.Ordinal);
        var pods = await GetJsonAsync(client, "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods");
        Assert.NotEmpty(pods["items"]!.AsArray());
        Assert.EndsWith("Ki", (string)pods["items"]![0]!["containers"]![0]!["usage"]!["memory"]!, StringComparison.Ordinal);
    }
}
