using System.Text.RegularExpressions;

namespace Dashboard.Simulator.Tests;

/// <summary>The real kubectl (1.27 against the 1.27 cluster, 1.33 against the 1.33 cluster) is the referee.</summary>
public sealed partial class KubectlTests(FleetFixture fixture) : IClassFixture<FleetFixture>
{
    public static TheoryData<string> Versions => new() { "1.27", "1.33" };

    private SimulatedFleet Fleet => fixture.Fleet;

    /// <summary>kubectl.1.27 talks to the v1.27 cluster, kubectl.1.33 to the v1.33 one, as /usr/bin/kubectl would pick.</summary>
    private SimulatedCluster ClusterFor(string version) =>
        Fleet.Clusters.Single(c => c.KubernetesVersion.StartsWith("v" + version + ".", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Impersonated_users_may_do_what_a_grant_allows_and_get_the_api_servers_refusal_otherwise(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var user = $"rita-{version}";
        var replicas = Fast.PodsOf(cluster, "shop", "storefront").Count();

        var denied = await kubectl.RunAsync(cluster.Name, $"--as {user} -n shop get deploy/storefront");
        Assert.NotEqual(0, denied.Code);
        Assert.Contains($"Error from server (Forbidden): deployments.apps \"storefront\" is forbidden: User \"{user}\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"shop\"", denied.Err, StringComparison.Ordinal);

        cluster.Rbac.Allow(user, "get", "deployments", "shop");
        denied = await kubectl.RunAsync(cluster.Name, $"--as {user} -n shop scale deploy/storefront --replicas {replicas + 1}");
        Assert.Contains($"cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"shop\"", denied.Err, StringComparison.Ordinal);

        cluster.Rbac.Allow(user, "patch", "deployments/scale", "shop");
        try
        {
            Assert.Contains("deployment.apps/storefront scaled", await kubectl.OkAsync(cluster.Name, $"--as {user} -n shop scale deploy/storefront --replicas {replicas + 1}"), StringComparison.Ordinal);
            await Fast.UntilAsync(() => Fast.PodsOf(cluster, "shop", "storefront").Count() == replicas + 1, "scaled as the impersonated user");
        }
        finally
        {
            cluster.ScaleDeployment("shop", "storefront", replicas);
        }

        // Groups count as well; nodes are outside any namespace; the caller's own identity is untouched.
        Assert.Contains($"nodes is forbidden: User \"{user}\" cannot list resource \"nodes\" in API group \"\" at the cluster scope",
            (await kubectl.RunAsync(cluster.Name, $"--as {user} get nodes")).Err, StringComparison.Ordinal);
        cluster.Rbac.Allow($"node-readers-{version}", "list", "nodes");
        Assert.Contains("Ready", await kubectl.OkAsync(cluster.Name, $"--as {user} --as-group node-readers-{version} get nodes"), StringComparison.Ordinal);
        Assert.Contains("Ready", await kubectl.OkAsync(cluster.Name, "get nodes"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task GetPodsAllNamespaces_PrintsRealColumnsAndRunningPods(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var output = await kubectl.OkAsync(ClusterFor(version).Name, "get pods -A");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$", lines[0]);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^shop\s+storefront-\S+\s+1/1\s+Running\s+0\s+\d+s"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^logging\s+fluent-bit-\S+\s+1/1\s+Running"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^data\s+postgres-0\s+1/1\s+Running"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task GetDeploymentsWide_ShowsContainersImagesAndSelector(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var output = await kubectl.OkAsync(cluster.Name, "get deploy -A -o wide");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$", lines[0]);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^shop\s+orders-api\s+\d/\d\s+\d\s+\d\s+\S+\s+orders-api\s+registry\.example\.com/shop/orders-api:\S+\s+app\.kubernetes\.io/name=orders-api$"));
        Assert.Contains(lines, l => l.Contains("kube-system", StringComparison.Ordinal) && l.Contains("coredns", StringComparison.Ordinal) && l.Contains("k8s-app=kube-dns", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task GetPodsWatch_PrintsPodsCreatedAfterItStarted(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        using var watch = new StreamingProcess(kubectl.Start(cluster.Name, "get pods -A -w"));
        await Fast.UntilAsync(() => watch.Output.Contains("storefront-", StringComparison.Ordinal), "initial list printed");
        var before = Fast.PodsOf(cluster, "shop", "payments").Select(p => (string)p["metadata"]!["name"]!).ToHashSet();
        cluster.ScaleDeployment("shop", "payments", before.Count + 1);
        try
        {
            await Fast.UntilAsync(() => Fast.PodsOf(cluster, "shop", "payments").Any(p => !before.Contains((string)p["metadata"]!["name"]!)), "new pod");
            var created = Fast.PodsOf(cluster, "shop", "payments").Select(p => (string)p["metadata"]!["name"]!).First(n => !before.Contains(n));
            await Fast.UntilAsync(() => Regex.IsMatch(watch.Output, $@"shop\s+{created}\s+1/1\s+Running"), $"watch shows {created} Running:\n{watch.Output}");
        }
        finally
        {
            cluster.ScaleDeployment("shop", "payments", before.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task DescribePod_ShowsSchedulingAndKubeletEvents(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var pod = (string)Fast.PodsOf(cluster, "shop", "orders-api").First(Fast.Ready)["metadata"]!["name"]!;
        var output = await kubectl.OkAsync(cluster.Name, $"describe pod -n shop {pod}");
        Assert.Matches(@"Status:\s+Running", output);
        Assert.Matches(@"Controlled By:\s+ReplicaSet/orders-api-", output);
        Assert.Matches(@"Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned shop/" + pod, output);
        Assert.Matches(@"Normal\s+Started\s+\S+\s+kubelet\s+Started container orders-api", output);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task DescribeDeployment_ShowsReplicaSetAndScalingEvents(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var output = await kubectl.OkAsync(cluster.Name, "describe deploy -n shop storefront");
        Assert.Matches(@"NewReplicaSet:\s+storefront-\S+ \(\d+/\d+ replicas created\)", output);
        Assert.Matches(@"Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set storefront-", output);
        Assert.Matches(@"StrategyType:\s+RollingUpdate", output);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ScaleDeployment_PodsFollow(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var ns = "scale-" + version.Replace(".", "", StringComparison.Ordinal);
        var file = kubectl.WriteFile("web.yaml", string.Join("---\n", Manifest.Text(ns).Split("---\n")[..3]).Replace("replicas: 2", "replicas: 1", StringComparison.Ordinal));
        await kubectl.OkAsync(cluster.Name, $"apply -f {file}");
        Assert.Contains("deployment.apps/web scaled", await kubectl.OkAsync(cluster.Name, $"scale deploy web -n {ns} --replicas=4"), StringComparison.Ordinal);
        await Fast.UntilAsync(() => Fast.Objects(cluster, "pods", ns).Count(Fast.Ready) == 4, "4 ready pods");
        await kubectl.OkAsync(cluster.Name, $"scale deploy web -n {ns} --current-replicas=4 --replicas=2");
        await Fast.UntilAsync(() => Fast.Objects(cluster, "pods", ns).Count() == 2, "2 pods");
        var output = await kubectl.OkAsync(cluster.Name, $"get deploy web -n {ns}");
        await Fast.UntilAsync(async () => (await kubectl.OkAsync(cluster.Name, $"get deploy web -n {ns}")).Contains("2/2", StringComparison.Ordinal), "READY 2/2 printed");
        Assert.Contains("web", output, StringComparison.Ordinal);
        await kubectl.OkAsync(cluster.Name, $"delete namespace {ns}");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CreateAndDeleteMultiDocumentManifest(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var ns = "create-" + version.Replace(".", "", StringComparison.Ordinal);
        var file = kubectl.WriteFile("manifest.yaml", Manifest.Text(ns));
        var created = await kubectl.OkAsync(cluster.Name, $"create -f {file}");
        foreach (var line in Manifest.Objects(ns))
        {
            Assert.Contains(line + " created", created, StringComparison.Ordinal);
        }

        await Fast.UntilAsync(() => Fast.Objects(cluster, "pods", ns).Count(Fast.Ready) == 2, "web pods ready");
        var deleted = await kubectl.OkAsync(cluster.Name, $"delete -f {file}");
        foreach (var line in Manifest.Objects(ns))
        {
            Assert.Contains(line.Replace("/", " \"", StringComparison.Ordinal) + "\" deleted", deleted, StringComparison.Ordinal);
        }

        Assert.Null(cluster.GetJson("namespaces", null, ns));
        Assert.Empty(cluster.ListJson("pods", ns));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ApplyTwice_SecondTimeUnchanged_AndServerDryRunChangesNothing(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var ns = "apply-" + version.Replace(".", "", StringComparison.Ordinal);
        var file = kubectl.WriteFile("manifest.yaml", Manifest.Text(ns));
        var first = await kubectl.OkAsync(cluster.Name, $"apply -f {file}");
        Assert.Contains("deployment.apps/web created", first, StringComparison.Ordinal);
        var second = await kubectl.OkAsync(cluster.Name, $"apply -f {file}");
        foreach (var line in Manifest.Objects(ns).Where(l => !l.StartsWith("poddisruptionbudget", StringComparison.Ordinal)))
        {
            Assert.Contains(line + " unchanged", second, StringComparison.Ordinal);
        }

        var dryRun = await kubectl.OkAsync(cluster.Name, $"apply -f {file} --dry-run=server", stdin: null);
        Assert.Contains("(server dry run)", dryRun, StringComparison.Ordinal);
        var changed = kubectl.WriteFile("changed.yaml", Manifest.Text(ns).Replace("replicas: 2", "replicas: 5", StringComparison.Ordinal));
        var dryRunChange = await kubectl.OkAsync(cluster.Name, $"apply -f {changed} --dry-run=server");
        Assert.Contains("deployment.apps/web configured (server dry run)", dryRunChange, StringComparison.Ordinal);
        await Task.Delay(300);
        Assert.Equal(2, Fast.Objects(cluster, "pods", ns).Count());
        await kubectl.OkAsync(cluster.Name, $"delete namespace {ns}");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task TopPods_ShowsCpuAndMemory(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var output = await kubectl.OkAsync(ClusterFor(version).Name, "top pods -n shop");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$", lines[0]);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^storefront-\S+\s+\d+m\s+\d+Mi\s*$"));
        var nodes = (await kubectl.OkAsync(ClusterFor(version).Name, "top nodes")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+CPU\(cores\)\s+CPU(\(%\)|%)\s+MEMORY\(bytes\)\s+MEMORY(\(%\)|%)", nodes[0]);
        Assert.Equal(ClusterFor(version).NodeNames.Count, nodes.Length - 1);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CordonAndUncordon_ChangeNodeStatus(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var node = cluster.NodeNames[^1];
        Assert.Contains($"node/{node} cordoned", await kubectl.OkAsync(cluster.Name, $"cordon {node}"), StringComparison.Ordinal);
        Assert.Matches($@"{Regex.Escape(node)}\s+Ready,SchedulingDisabled", await kubectl.OkAsync(cluster.Name, "get nodes"));
        Assert.Contains($"node/{node} uncordoned", await kubectl.OkAsync(cluster.Name, $"uncordon {node}"), StringComparison.Ordinal);
        Assert.Matches($@"{Regex.Escape(node)}\s+Ready\s", await kubectl.OkAsync(cluster.Name, "get nodes"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task DrainIgnoringDaemonSets_EvictsPodsWhichComeBackElsewhere(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var node = cluster.NodeNames.OrderBy(n => n, StringComparer.Ordinal)
            .First(n => Fast.Objects(cluster, "pods").Any(p => (string?)p["spec"]?["nodeName"] == n && (string?)p["metadata"]?["ownerReferences"]?[0]?["kind"] == "ReplicaSet"));
        try
        {
            var output = await kubectl.OkAsync(cluster.Name, $"drain {node} --ignore-daemonsets --delete-emptydir-data --timeout=60s", TimeSpan.FromSeconds(90));
            Assert.Contains($"node/{node} drained", output, StringComparison.Ordinal);
            Assert.Contains("evicted", output, StringComparison.Ordinal);
            var left = Fast.Objects(cluster, "pods").Where(p => (string?)p["spec"]?["nodeName"] == node).ToList();
            Assert.All(left, p => Assert.Equal("DaemonSet", (string?)p["metadata"]?["ownerReferences"]?[0]?["kind"]));
            await Fast.UntilAsync(() => Fast.PodsOf(cluster, "shop", "storefront").Count(Fast.Ready) >= 2, "storefront back to ready elsewhere");
        }
        finally
        {
            cluster.CordonNode(node, cordon: false);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task LogsFollow_StreamsNewLines(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var pod = (string)Fast.PodsOf(cluster, "shop", "orders-api").First(Fast.Ready)["metadata"]!["name"]!;
        using var logs = new StreamingProcess(kubectl.Start(cluster.Name, $"logs -f -n shop {pod} --tail=1"));
        await Fast.UntilAsync(() => LineNumbers(logs.Output).Count >= 3, $"three lines followed:\n{logs.Output}");
        var numbers = LineNumbers(logs.Output);
        Assert.Equal(numbers.OrderBy(n => n), numbers);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CreateNamespaceConfigMapAndDeployment_FromFlags(string version)
    {
        // kubectl 1.33 sends these bodies as protobuf, 1.27 as JSON.
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var ns = "flags-" + version.Replace(".", "", StringComparison.Ordinal);
        Assert.Contains($"namespace/{ns} created", await kubectl.OkAsync(cluster.Name, $"create namespace {ns}"), StringComparison.Ordinal);
        await kubectl.OkAsync(cluster.Name, $"create configmap settings -n {ns} --from-literal=mode=fast");
        await kubectl.OkAsync(cluster.Name, $"create deployment api -n {ns} --image=example/api:2.0 --replicas=2 --port=8080");
        Assert.Equal("fast", (string?)System.Text.Json.Nodes.JsonNode.Parse(cluster.GetJson("configmaps", ns, "settings")!)!["data"]!["mode"]);
        await Fast.UntilAsync(() => Fast.Objects(cluster, "pods", ns).Count(Fast.Ready) == 2, "2 api pods ready");
        Assert.Matches(@"api\s+2/2\s+2\s+2\s+\S+\s+api\s+example/api:2\.0\s+app=api", await kubectl.OkAsync(cluster.Name, $"get deploy -n {ns} -o wide"));
        await kubectl.OkAsync(cluster.Name, $"delete namespace {ns}");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CreateWithAnUnknownField_IsRejectedByStrictValidation(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var file = kubectl.WriteFile("typo.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  namespace: default\n  lables:\n    a: b\ndata:\n  a: b\n");
        var (code, output, error) = await kubectl.RunAsync(ClusterFor(version).Name, $"create -f {file}");
        Assert.NotEqual(0, code);
        Assert.Contains("unknown field \"metadata.lables\"", output + error, StringComparison.Ordinal);
        Assert.Null(ClusterFor(version).GetJson("configmaps", "default", "typo"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ApplyServerSide_CreatesThenUpdates(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var file = kubectl.WriteFile("ssa.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: default\ndata:\n  a: one\n");
        Assert.Contains("configmap/ssa serverside-applied", await kubectl.OkAsync(cluster.Name, $"apply --server-side -f {file}"), StringComparison.Ordinal);
        File.WriteAllText(file, File.ReadAllText(file).Replace("one", "two", StringComparison.Ordinal));
        await kubectl.OkAsync(cluster.Name, $"apply --server-side -f {file}");
        Assert.Equal("two", (string?)System.Text.Json.Nodes.JsonNode.Parse(cluster.GetJson("configmaps", "default", "ssa")!)!["data"]!["a"]);
        cluster.Delete("configmaps", "default", "ssa");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SetImage_RolloutStatus_UndoAndHistory(string version)
    {
        using var kubectl = new Kubectl(Fleet, version);
        var cluster = ClusterFor(version);
        var ns = "rollout-" + version.Replace(".", "", StringComparison.Ordinal);
        var file = kubectl.WriteFile("web.yaml", string.Join("---\n", Manifest.Text(ns).Split("---\n")[..3]));
        await kubectl.OkAsync(cluster.Name, $"apply -f {file}");
        // The first revision must exist before the image changes, or there is no history to undo to (a race under load).
        await kubectl.OkAsync(cluster.Name, $"rollout status deploy/web -n {ns} --timeout=30s", TimeSpan.FromSeconds(40));
        await kubectl.OkAsync(cluster.Name, $"set image deploy/web -n {ns} web=nginx:1.28");
        Assert.Contains("successfully rolled out", await kubectl.OkAsync(cluster.Name, $"rollout status deploy/web -n {ns} --timeout=30s", TimeSpan.FromSeconds(40)), StringComparison.Ordinal);
        Assert.All(Fast.Objects(cluster, "pods", ns), p => Assert.Equal("nginx:1.28", (string?)p["spec"]!["containers"]![0]!["image"]));
        Assert.Contains("rolled back", await kubectl.OkAsync(cluster.Name, $"rollout undo deploy/web -n {ns}"), StringComparison.Ordinal);
        await kubectl.OkAsync(cluster.Name, $"rollout status deploy/web -n {ns} --timeout=30s", TimeSpan.FromSeconds(40));
        await Fast.UntilAsync(() => Fast.Objects(cluster, "pods", ns).All(p => (string?)p["spec"]!["containers"]![0]!["image"] == "nginx:1.27"), "pods back on nginx:1.27");
        var history = await kubectl.OkAsync(cluster.Name, $"rollout history deploy/web -n {ns}");
        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\s+2\s+<none>\s+3\s+<none>", history);
        await kubectl.OkAsync(cluster.Name, $"delete namespace {ns}");
    }

    private static List<int> LineNumbers(string output) =>
        LineNumberPattern().Matches(output).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [GeneratedRegex(@"line=(\d+)")]
    private static partial Regex LineNumberPattern();
}

/// <summary>The multi-document manifest of the issue: Namespace, ConfigMap, Deployment, Service, Ingress, HPA, PDB, ServiceAccount, Role, RoleBinding.</summary>
internal static class Manifest
{
    public static IEnumerable<string> Objects(string ns) =>
    [
        $"namespace/{ns}", "configmap/web-config", "deployment.apps/web", "service/web", "ingress.networking.k8s.io/web",
        "horizontalpodautoscaler.autoscaling/web", "poddisruptionbudget.policy/web", "serviceaccount/web",
        "role.rbac.authorization.k8s.io/web", "rolebinding.rbac.authorization.k8s.io/web",
    ];

    public static string Text(string ns) => $$"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {{ns}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: web-config
          namespace: {{ns}}
        data:
          GREETING: hello
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {{ns}}
          labels:
            app: web
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports:
                - containerPort: 80
                env:
                - name: GREETING
                  valueFrom:
                    configMapKeyRef:
                      name: web-config
                      key: GREETING
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          selector:
            app: web
          ports:
          - port: 80
            targetPort: 80
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          rules:
          - host: web.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: web
                    port:
                      number: 80
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          scaleTargetRef:
            apiVersion: apps/v1
            kind: Deployment
            name: web
          minReplicas: 2
          maxReplicas: 5
          metrics:
          - type: Resource
            resource:
              name: cpu
              target:
                type: Utilization
                averageUtilization: 80
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          minAvailable: 1
          selector:
            matchLabels:
              app: web
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: web
          namespace: {{ns}}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: web
          namespace: {{ns}}
        rules:
        - apiGroups: [""]
          resources: ["configmaps"]
          verbs: ["get", "list"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: web
          namespace: {{ns}}
        subjects:
        - kind: ServiceAccount
          name: web
          namespace: {{ns}}
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: web
        """;
}
