using Dashboard.Server.Hosting;
using Dashboard.Server.Watching;
using Dashboard.Shared.Actions;
using Dashboard.Simulator;
using Dashboard.Testing;
using k8s;
using k8s.Models;

namespace Dashboard.Server.Tests.Deploy;

/// <summary>One simulated cluster and a kubeconfig for it, shared by the tests of a class.</summary>
public sealed class SimulatedClusterFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = System.IO.Directory.CreateTempSubdirectory("deploy-kubectl-");

    public SimulatedFleet Fleet { get; private set; } = null!;

    public SimulatedCluster Cluster => Fleet.Clusters[0];

    public string Kubeconfig => Path.Combine(_dir.FullName, "kubeconfig");

    public string Directory => _dir.FullName;

    public async Task InitializeAsync()
    {
        Fleet = await SimulatedFleet.StartAsync(new FleetOptions { Scenario = "minimal" });
        Fleet.WriteKubeconfig(Kubeconfig);
    }

    public async Task DisposeAsync()
    {
        await Fleet.DisposeAsync();
        _dir.Delete(recursive: true);
    }
}

/// <summary>
/// deploy/kubernetes: each overlay renders with kubectl's kustomize into objects of the real Kubernetes schema, which a
/// (simulated) API server accepts in a server-side dry run; the ClusterRole covers what the dashboard reads and does.
/// </summary>
public sealed class KubernetesManifestTests(SimulatedClusterFixture fixture) : IClassFixture<SimulatedClusterFixture>
{
    private const string Kubectl = "/usr/bin/kubectl";

    /// <summary>The port the image's server listens on (its ASPNETCORE_URLS).</summary>
    private static readonly int ImagePort =
        ContainerFileTests.ListenPort(Dockerfile.Read(Path.Combine(Repository.Root, "Dockerfile")).Final.Environment["ASPNETCORE_URLS"]);

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Overlay_renders_and_the_api_server_accepts_every_object_in_a_dry_run_that_stores_nothing(string overlay)
    {
        var yaml = await RenderAsync(overlay);
        var objects = KubernetesYaml.LoadAllFromString(yaml, strict: true).Cast<IKubernetesObject<V1ObjectMeta>>().ToList();
        var namespaceObject = Assert.Single(objects.OfType<V1Namespace>());
        var ns = namespaceObject.Name();
        Assert.All(objects.Where(IsNamespaced), o => Assert.Equal(ns, o.Namespace()));
        AssertWiredTogether(objects);

        // The namespace exists first (apply -k creates it; a dry run alone cannot hold what goes in it).
        var file = Path.Combine(fixture.Directory, $"{overlay}.yaml");
        await File.WriteAllTextAsync(file, KubernetesYaml.Serialize(namespaceObject));
        await KubectlAsync("apply", "-f", file);
        try
        {
            await File.WriteAllTextAsync(file, yaml);
            var output = await KubectlAsync("apply", "--dry-run=server", "-f", file);

            Assert.Contains($"namespace/{ns} unchanged (server dry run)", output, StringComparison.Ordinal);
            foreach (var o in objects.Where(o => o is not V1Namespace))
            {
                Assert.Contains($"{Display(o)} created (server dry run)", output, StringComparison.Ordinal);
                var kind = WatchedKinds.All.Single(k => k.Kind == o.Kind && $"{k.Group}/{k.Version}".TrimStart('/') == o.ApiVersion);
                Assert.True(fixture.Cluster.GetJson(kind.Plural, kind.Namespaced ? ns : null, o.Name(), kind.Group) is null, $"{Display(o)} was stored by a dry run");
            }

            Assert.Equal(objects.Count, output.Split('\n').Count(line => line.EndsWith("(server dry run)", StringComparison.Ordinal)));
        }
        finally
        {
            fixture.Cluster.Delete("namespaces", null, ns);
        }
    }

    [Fact]
    public async Task ClusterRole_reads_every_kind_the_dashboard_shows_and_writes_only_what_its_actions_do()
    {
        var role = KubernetesYaml.LoadAllFromString(await RenderAsync("prod"), strict: true).OfType<V1ClusterRole>().Single();

        var reads = WatchedKinds.All.Select(k => (k.Group, k.Plural))
            .Concat([("", "pods/log"), ("apps", "deployments/scale"), ("metrics.k8s.io", "nodes"), ("metrics.k8s.io", "pods"), ("example.com", "widgets")]);
        var unreadable = reads.SelectMany(r => new[] { "get", "list", "watch" }.Where(verb => !Allows(role, r.Item1, r.Item2, verb)).Select(verb => $"{verb} {r.Item2} ({r.Item1})")).ToList();
        Assert.True(unreadable.Count == 0, "the ClusterRole does not allow: " + string.Join(", ", unreadable));

        var writes = role.Rules.SelectMany(r => r.Verbs.Where(v => v is not ("get" or "list" or "watch"))
            .SelectMany(verb => r.ApiGroups.SelectMany(group => r.Resources.Select(resource => $"{verb} {resource} ({group})"))));
        Assert.Equal(ActionWrites().Select(w => $"{w.Verb} {w.Resource} ({w.Group})").Distinct().Order(), writes.Distinct().Order());
    }

    /// <summary>What the dashboard's actions write, from the action table itself: a new action fails here until the ClusterRole allows it.</summary>
    private static IEnumerable<(string Group, string Resource, string Verb)> ActionWrites()
    {
        foreach (var (action, plurals) in ObjectActionNames.Kinds)
        {
            foreach (var plural in plurals)
            {
                var group = WatchedKinds.ByPlural[plural].Group;
                yield return action switch
                {
                    ObjectActionNames.Scale => (group, $"{plural}/scale", "patch"),
                    ObjectActionNames.Restart or ObjectActionNames.Undo or ObjectActionNames.Cordon or ObjectActionNames.Uncordon or ObjectActionNames.Drain => (group, plural, "patch"),
                    _ => throw new InvalidOperationException($"what does the action '{action}' write? Add it here and to deploy/kubernetes/base/rbac.yaml"),
                };
            }
        }

        yield return ("", "pods/eviction", "create"); // drain
        yield return ("", "pods", "delete");          // the one delete the role allows: a pod, which its controller replaces
    }

    /// <summary>The pieces refer to each other: settings the server reads, the service account bound, selectors that select the pods.</summary>
    private static void AssertWiredTogether(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects)
    {
        var deployment = objects.OfType<V1Deployment>().Single(d => d.Spec.Template.Spec.ServiceAccountName is not null);
        var pod = deployment.Spec.Template;
        var container = pod.Spec.Containers.Single();
        var settingsMaps = container.EnvFrom.Select(e => e.ConfigMapRef.Name).ToHashSet();
        var keys = container.Env.Select(e => e.Name)
            .Concat(objects.OfType<V1ConfigMap>().Where(c => settingsMaps.Contains(c.Name())).SelectMany(c => c.Data.Keys)).ToList();
        Assert.True(keys.All(Settings.IsKnown), "settings the server does not read: " + string.Join(", ", keys.Where(k => !Settings.IsKnown(k))));
        Assert.Equal(settingsMaps.Count, objects.OfType<V1ConfigMap>().Count(c => settingsMaps.Contains(c.Name())));

        var binding = objects.OfType<V1ClusterRoleBinding>().Single();
        Assert.Equal(objects.OfType<V1ClusterRole>().Single().Name(), binding.RoleRef.Name);
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", pod.Spec.ServiceAccountName, deployment.Namespace()), (subject.Kind, subject.Name, subject.NamespaceProperty));
        Assert.Contains(objects.OfType<V1ServiceAccount>(), a => a.Name() == pod.Spec.ServiceAccountName);

        var labels = pod.Metadata.Labels;
        var service = objects.OfType<V1Service>().Single(s => s.Spec.Selector.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value));
        Assert.All(objects.OfType<V1PodDisruptionBudget>().Single().Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, labels[l.Key]));
        var backend = objects.OfType<V1Ingress>().Single().Spec.Rules.Single().Http.Paths.Single().Backend.Service;
        Assert.Equal(service.Name(), backend.Name);
        var servicePort = service.Spec.Ports.Single(p => p.Name == backend.Port.Name);
        Assert.Contains(container.Ports, p => p.Name == servicePort.TargetPort.Value && p.ContainerPort == ImagePort);
        Assert.Equal(("/readyz", "/healthz"), (container.ReadinessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Path));
        Assert.True(pod.Spec.SecurityContext.RunAsNonRoot, "the pod must run as non-root");
    }

    private static bool Allows(V1ClusterRole role, string group, string resource, string verb) =>
        role.Rules.Any(r => Has(r.ApiGroups, group) && Has(r.Resources, resource) && Has(r.Verbs, verb));

    private static bool Has(IList<string>? values, string value) => values?.Any(v => v == "*" || v == value) == true;

    private static bool IsNamespaced(IKubernetesObject<V1ObjectMeta> o) => o is not (V1Namespace or V1ClusterRole or V1ClusterRoleBinding);

    /// <summary>How kubectl names an object in its output: deployment.apps/name, service/name.</summary>
    private static string Display(IKubernetesObject<V1ObjectMeta> o) =>
        $"{o.Kind.ToLowerInvariant()}{(o.ApiVersion.Contains('/', StringComparison.Ordinal) ? "." + o.ApiVersion.Split('/')[0] : "")}/{o.Name()}";

    /// <summary>kubectl kustomize, written to a file (kubectl's warnings stay out of the YAML).</summary>
    private async Task<string> RenderAsync(string overlay)
    {
        var rendered = Path.Combine(fixture.Directory, $"{overlay}-{Guid.NewGuid():N}.yaml");
        await RunAsync(Kubectl, ["kustomize", Path.Combine(Repository.Root, "deploy", "kubernetes", "overlays", overlay), "-o", rendered]);
        return await File.ReadAllTextAsync(rendered);
    }

    private Task<string> KubectlAsync(params string[] arguments) =>
        RunAsync(Kubectl, ["--kubeconfig", fixture.Kubeconfig, "--cache-dir", Path.Combine(fixture.Directory, "cache"), .. arguments]);

    private static async Task<string> RunAsync(string program, string[] arguments)
    {
        if (!File.Exists(program))
        {
            throw new InvalidOperationException($"{program} is missing: these tests use the real kubectl (kustomize and a server-side dry run)");
        }

        await using var process = ChildProcess.Start(program, arguments, TimeSpan.FromMinutes(2));
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(code == 0, $"kubectl {string.Join(' ', arguments)} exited {code}:\n{process.Output}");
        return process.Output;
    }
}
