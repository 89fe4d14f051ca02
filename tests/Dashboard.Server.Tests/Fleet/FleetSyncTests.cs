using System.Net.Http.Headers;
using System.Text.Json;
using Dashboard.Server.Clusters;
using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;
using Dashboard.Simulator;
using Dashboard.Testing;
using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Server.Tests.Fleet;

/// <summary>
/// The fleet state against simulated clusters over real HTTP: it must converge to exactly what the clusters
/// hold (every object, field by field, not counts), whatever faults the API servers throw at it.
/// </summary>
public sealed class FleetSyncTests : IAsyncLifetime
{
    private static readonly string[] FastKinds = ["pods", "deployments", "replicasets", "services", "nodes", "namespaces", "configmaps"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-sync-");
    private SimulatedFleet _fleet = null!;
    private FleetWatcher _watcher = null!;
    private readonly FleetStore _store = new();
    private readonly Interner _interner = new();

    private string Kubeconfig => Path.Combine(_dir.FullName, "kubeconfig");

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartAsync(FleetOptions options, string[]? kinds = null, Action<string>? editKubeconfig = null)
    {
        _fleet = await SimulatedFleet.StartAsync(options);
        _fleet.WriteKubeconfig(Kubeconfig);
        editKubeconfig?.Invoke(Kubeconfig);
        var settings = new Dictionary<string, string?>
        {
            ["Clusters:Kubeconfigs:0"] = Kubeconfig,
            ["Clusters:UseKubeconfigEnvironment"] = "false",
            ["Clusters:InCluster"] = "false",
            ["Fleet:Watch:InitialBackoff"] = "00:00:00.100",
            ["Fleet:Watch:MaxBackoff"] = "00:00:01",
            ["Fleet:ProbeSeconds"] = "1",
        };
        foreach (var (kind, i) in (kinds ?? FastKinds).Select((k, i) => (k, i)))
        {
            settings[$"Fleet:Kinds:{i}"] = kind;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _watcher = new FleetWatcher(_store, _interner, configuration, TimeProvider.System, [], NullLogger<FleetWatcher>.Instance);
        await _watcher.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_watcher is not null)
        {
            await _watcher.DisposeAsync();
        }

        if (_fleet is not null)
        {
            await _fleet.DisposeAsync();
        }

        _dir.Delete(recursive: true);
    }

    /// <summary>Reads every object of the kind straight from the cluster and projects it as the server does.</summary>
    private async Task<SortedDictionary<string, string>> ClusterTruthAsync(SimulatedCluster cluster, WatchedKind kind)
    {
        using var http = new HttpClient(cluster.CreateHandler()) { BaseAddress = cluster.Server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Token);
        var truth = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(await http.GetStringAsync(kind.Path));
        foreach (var item in document.RootElement.GetProperty("items").EnumerateArray())
        {
            var resource = new Resource(kind.Kind, Projections.Meta(item, cluster.Name, _interner), kind.Project(item, _interner));
            truth[resource.Meta.Uid] = JsonSerializer.Serialize(resource);
        }

        return truth;
    }

    private SortedDictionary<string, string> StoreCopy(string cluster, WatchedKind kind) =>
        new(_store.List(kind.Kind, cluster).ToDictionary(r => r.Meta.Uid, r => JsonSerializer.Serialize(r)), StringComparer.Ordinal);

    /// <summary>Waits until, for every cluster and kind, the store holds exactly the cluster's objects.</summary>
    private async Task AssertConvergedAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        string difference = "";
        while (DateTime.UtcNow < deadline)
        {
            difference = "";
            foreach (var cluster in _fleet.Clusters)
            {
                foreach (var kind in _watcher.Kinds)
                {
                    var truth = await ClusterTruthAsync(cluster, kind);
                    var copy = StoreCopy(cluster.Name, kind);
                    if (!truth.SequenceEqual(copy))
                    {
                        var missing = truth.Keys.Except(copy.Keys).Count();
                        var extra = copy.Keys.Except(truth.Keys).Count();
                        var stale = truth.Keys.Intersect(copy.Keys).Count(k => truth[k] != copy[k]);
                        difference += $"{cluster.Name}/{kind.Plural}: {missing} missing, {extra} extra, {stale} different; ";
                    }
                }
            }

            if (difference.Length == 0)
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"the store did not converge: {difference}");
    }

    private async Task WaitForStateAsync(string cluster, ClusterState state)
    {
        var watch = _watcher.Clusters.Single(c => c.Name == cluster);
        try
        {
            await Network.WaitUntilAsync(() => Task.FromResult(watch.Health.State == state), TimeSpan.FromSeconds(30), $"{cluster} to be {state}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; it is {JsonSerializer.Serialize(_watcher.Summarize(watch))}", e);
        }
    }

    [Fact]
    public async Task Hybrid_fleet_syncs_completely_every_kind()
    {
        await StartAsync(new FleetOptions(), kinds: WatchedKinds.All.Select(k => k.Plural).ToArray());

        foreach (var cluster in _fleet.Clusters)
        {
            await WaitForStateAsync(cluster.Name, ClusterState.Live);
        }

        await AssertConvergedAsync();
        var summaries = _watcher.Clusters.Select(_watcher.Summarize).ToList();
        Assert.Equal(_fleet.Clusters.Select(c => c.Name).Order(), summaries.Select(s => s.Name).Order());
        Assert.All(summaries, s => Assert.StartsWith("v1.", s.Version, StringComparison.Ordinal));
        Assert.Contains(summaries, s => s.Labels.Provider == "aws");
        Assert.Contains(summaries, s => s.Labels.Provider == "gcp");
        Assert.Contains(summaries, s => s.Labels.Provider == "azure");
        Assert.Contains(summaries, s => s.Labels.Provider == "onprem");
        Assert.All(summaries, s => Assert.NotEqual("", s.Labels.Environment));
        Assert.All(summaries, s => Assert.True(s.Counts["Pod"] > 0));
    }

    [Theory]
    [InlineData("cut streams")]
    [InlineData("410 gone")]
    [InlineData("malformed line")]
    [InlineData("down then up")]
    [InlineData("429")]
    [InlineData("latency")]
    public async Task Store_converges_to_the_cluster_after_a_fault(string fault)
    {
        await StartAsync(new FleetOptions { Scenario = "minimal" });
        var cluster = _fleet.Clusters[0];
        await WaitForStateAsync(cluster.Name, ClusterState.Live);
        await Network.WaitUntilAsync(() => Task.FromResult(_store.Count(cluster.Name, "Pod") > 0), TimeSpan.FromSeconds(30), "the first pods");
        await AssertConvergedAsync();
        var tracker = _watcher.Clusters.Single().Health.Kinds.Single(k => k.Kind == "Deployment");
        using var client = new k8s.Kubernetes(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig, currentContext: cluster.Name));
        var deployment = (await client.AppsV1.ListDeploymentForAllNamespacesAsync()).Items.First();
        var replicas = (deployment.Spec.Replicas ?? 1) + 2;

        switch (fault)
        {
            case "cut streams":
                cluster.Faults.CutWatches();
                break;
            case "410 gone":
                cluster.Faults.Next410(FastKinds.Length);
                cluster.Faults.CutWatches();
                break;
            case "malformed line":
                cluster.Faults.InjectMalformedLine();
                break;
            case "down then up":
                await cluster.Faults.GoDownAsync();
                await WaitForStateAsync(cluster.Name, ClusterState.Unreachable);
                Assert.NotEmpty(_store.List("Pod", cluster.Name)); // the last known state is kept while it is away
                await cluster.Faults.ComeUpAsync();
                break;
            case "429":
                cluster.Faults.Throttle429(FastKinds.Length * 2);
                cluster.Faults.CutWatches();
                break;
            case "latency":
                cluster.Faults.Latency = TimeSpan.FromMilliseconds(300);
                cluster.Faults.CutWatches();
                break;
        }

        // A change made while the reflectors recover (retried while the cluster itself throttles us).
        await Network.WaitUntilAsync(async () =>
        {
            try
            {
                await client.AppsV1.PatchNamespacedDeploymentScaleAsync(
                    new k8s.Models.V1Patch("{\"spec\":{\"replicas\":" + replicas + "}}", k8s.Models.V1Patch.PatchType.MergePatch),
                    deployment.Metadata.Name, deployment.Metadata.NamespaceProperty);
                return true;
            }
            catch (k8s.Autorest.HttpOperationException e) when ((int)e.Response.StatusCode == 429)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), "the scale to go through");

        await AssertConvergedAsync();
        await WaitForStateAsync(cluster.Name, ClusterState.Live);
        var seen = _store.Get(cluster.Name, "Deployment", deployment.Metadata.NamespaceProperty, deployment.Metadata.Name);
        Assert.Equal(replicas, ((WorkloadSpecInfo)seen!.Spec!).Desired);
        switch (fault)
        {
            case "410 gone":
                Assert.True(tracker.RelistsTotal > 0, "a 410 makes the reflector list again");
                break;
            case "malformed line" or "down then up" or "429":
                Assert.True(tracker.ErrorsTotal > 0, "the fault was seen as an error");
                break;
        }
    }

    [Fact]
    public async Task A_context_with_a_wrong_token_or_an_untrusted_certificate_fails_alone_with_a_clear_error()
    {
        await StartAsync(new FleetOptions { Scenario = "minimal" }, editKubeconfig: path =>
        {
            var config = k8s.KubernetesClientConfiguration.LoadKubeConfig(path);
            config.Clusters = [.. config.Clusters, new() { Name = "wrong-token", ClusterEndpoint = new()
            {
                Server = _fleet.Clusters[0].Server.ToString(),
                CertificateAuthorityData = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(_fleet.Clusters[0].CertificateAuthorityPem)),
            },
            }];
            config.Users = [.. config.Users, new() { Name = "wrong-token", UserCredentials = new() { Token = "not-the-token" } }];
            config.Contexts = [.. config.Contexts, new() { Name = "wrong-token", ContextDetails = new() { Cluster = "wrong-token", User = "wrong-token" } }];
            // And one that does not trust the cluster's certificate authority: a TLS error.
            config.Clusters = [.. config.Clusters, new() { Name = "no-ca", ClusterEndpoint = new() { Server = _fleet.Clusters[0].Server.ToString() } }];
            config.Contexts = [.. config.Contexts, new() { Name = "no-ca", ContextDetails = new() { Cluster = "no-ca", User = config.Users.First().Name } }];
            File.WriteAllText(path, k8s.KubernetesYaml.Serialize(config));
        });

        await WaitForStateAsync("wrong-token", ClusterState.Unreachable);
        await WaitForStateAsync("no-ca", ClusterState.Unreachable);
        var untrusted = _watcher.Summarize(_watcher.Clusters.Single(c => c.Name == "no-ca"));
        Assert.Contains("TLS with", untrusted.Error, StringComparison.Ordinal);
        Assert.Contains("certificate", untrusted.Error, StringComparison.Ordinal);
        Assert.Contains(_fleet.Clusters[0].Server.ToString(), untrusted.Error, StringComparison.Ordinal);
        await WaitForStateAsync(_fleet.Clusters[0].Name, ClusterState.Live);
        var broken = _watcher.Summarize(_watcher.Clusters.Single(c => c.Name == "wrong-token"));
        Assert.Contains("401", broken.Error, StringComparison.Ordinal);
        Assert.Empty(_store.List("Pod", "wrong-token"));
        await AssertConvergedAsync();
    }

    [Fact]
    public async Task Ten_thousand_churn_events_leave_no_duplicate_and_no_missing_object()
    {
        await StartAsync(new FleetOptions { Scenario = "minimal", Pods = 2000, ActivityInterval = TimeSpan.Zero }, kinds: ["pods"]);
        var cluster = _fleet.Clusters[0];
        await WaitForStateAsync(cluster.Name, ClusterState.Live);
        var tracker = _watcher.Clusters.Single().Health.Kinds.Single();
        var before = tracker.EventsTotal;

        _fleet.StartChurn(4000);
        await Network.WaitUntilAsync(() => Task.FromResult(_fleet.Churned >= 10_000), TimeSpan.FromSeconds(60), "10k changes");
        _fleet.StopChurn();

        await AssertConvergedAsync();
        Assert.True(tracker.EventsTotal - before >= 10_000, $"{tracker.EventsTotal - before} events were applied");
        var pods = _store.List("Pod", cluster.Name);
        Assert.Equal(pods.Count, pods.Select(p => (p.Meta.Namespace, p.Meta.Name)).Distinct().Count());
        Assert.Equal(cluster.Count("pods"), pods.Count);
    }
}
