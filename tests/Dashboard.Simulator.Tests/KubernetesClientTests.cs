using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Dashboard.Simulator.Tests;

/// <summary>The real KubernetesClient, configured from the kubeconfig the fleet writes, lists, watches, creates, patches, scales and deletes.</summary>
public sealed class KubernetesClientTests(FleetFixture fixture) : IClassFixture<FleetFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("simclient").FullName;

    private Kubernetes Connect(string cluster)
    {
        var path = Path.Combine(_directory, "kubeconfig");
        fixture.Fleet.WriteKubeconfig(path);
        return new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path, currentContext: cluster));
    }

    [Fact]
    public async Task ListsPodsInPages()
    {
        using var client = Connect("gcp-staging");
        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 4, continueParameter: token);
            names.AddRange(page.Items.Select(p => p.Namespace() + "/" + p.Name()));
            token = page.Metadata.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal(fixture.Fleet["gcp-staging"].Count("pods"), names.Distinct().Count());
        Assert.Contains(names, n => n.StartsWith("shop/storefront-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreatesPatchesScalesWatchesAndDeletes()
    {
        using var client = Connect("aws-prod");
        const string ns = "client";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "api", NamespaceProperty = ns },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "api" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "api" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "api", Image = "example/api:1.0" }] },
                },
            },
        };
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);
        Assert.Equal(1, created.Metadata.Generation);

        var list = await client.CoreV1.ListNamespacedPodAsync(ns);
        // The ReplicaSet may have made its first pod before the list: what the list holds counts as seen.
        var seen = list.Items.Select(p => (WatchEventType.Added, p.Name() ?? "")).ToList();
        int AddedNames()
        {
            lock (seen)
            {
                return seen.Where(s => s.Item1 == WatchEventType.Added).Select(s => s.Item2).Distinct().Count();
            }
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync(ns, resourceVersion: list.ResourceVersion(), allowWatchBookmarks: true, timeoutSeconds: 40, cancellationToken: cts.Token))
            {
                lock (seen)
                {
                    seen.Add((type, pod.Name() ?? ""));
                }

                if (AddedNames() >= 3)
                {
                    return;
                }
            }
        });

        var patched = await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"metadata":{"labels":{"tier":"backend"}}}""", V1Patch.PatchType.MergePatch), "api", ns);
        Assert.Equal("backend", patched.Labels()["tier"]);

        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "api", ns);
        var scale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync("api", ns);
        Assert.Equal(3, scale.Spec.Replicas);
        await watching.WaitAsync(cts.Token);
        lock (seen)
        {
            Assert.Equal(3, seen.Where(s => s.Item1 == WatchEventType.Added).Select(s => s.Item2).Distinct().Count());
        }

        await Fast.UntilAsync(async () => (await client.AppsV1.ReadNamespacedDeploymentAsync("api", ns)).Status?.ReadyReplicas == 3, "3 ready replicas");
        await client.AppsV1.DeleteNamespacedDeploymentAsync("api", ns);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => client.AppsV1.ReadNamespacedDeploymentAsync("api", ns));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.Response.StatusCode);
        await Fast.UntilAsync(async () => (await client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count == 0, "pods garbage-collected");
        await client.CoreV1.DeleteNamespaceAsync(ns);
    }

    [Fact]
    public async Task WatchFromAnExpiredVersion_ReportsExpiredThroughOnError()
    {
        await using var fleet = await SimulatedFleet.StartAsync(Fast.Options("minimal") with { WatchHistory = 16 });
        var path = Path.Combine(_directory, "small");
        fleet.WriteKubeconfig(path);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
        var cluster = fleet.Clusters[0];
        for (var i = 0; i < 40; i++)
        {
            cluster.Apply("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cNN","namespace":"default"}}""".Replace("NN", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        Exception? error = null;
        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: "2", timeoutSeconds: 5, onError: e => error = e))
        {
            Assert.Fail("no events expected from an expired version");
        }

        var status = Assert.IsType<KubernetesException>(error);
        Assert.Equal(410, status.Status.Code);
        Assert.Equal("Expired", status.Status.Reason);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
