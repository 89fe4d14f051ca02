using System.Text.Json.Nodes;
using Dashboard.Simulator.Api;
using Dashboard.Simulator.Controllers;
using Dashboard.Simulator.Store;
using Microsoft.Extensions.Logging;

namespace Dashboard.Simulator;

/// <summary>One simulated cluster: its API listener on 127.0.0.1, its objects, controllers and faults.</summary>
public sealed class SimulatedCluster : IAsyncDisposable
{
    private readonly KubeApi _api;
    private readonly SemaphoreSlim _listenerGate = new(1, 1);
    private LoopbackListener? _listener;
    private int _port;

    internal SimulatedCluster(ClusterProfile profile, FleetOptions options, TlsAuthority tls, ILogger logger)
    {
        Profile = profile;
        Tls = tls;
        Options = options;
        Token = profile.Token;
        Store = new ClusterStore(options.WatchHistory, options.Time);
        var defaults = new ObjectDefaults();
        Store.Defaulter = defaults.Apply;
        Controllers = new ClusterControllers(Store, options, profile.Runtime, logger);
        Faults = new ClusterFaults(this);
        _api = new KubeApi(this);
    }

    public string Name => Profile.Name;

    /// <summary>https://HOST:PORT, 127.0.0.1 unless <see cref="FleetOptions.Host"/> says (stable across <see cref="ClusterFaults.GoDownAsync"/> and back).</summary>
    public Uri Server => new($"https://{Options.Host}:{_port}");

    /// <summary>The CA that signed the server certificate (PEM), as kubeconfig's certificate-authority-data carries it.</summary>
    public string CertificateAuthorityPem => Tls.AuthorityPem;

    /// <summary>The CA certificate itself, for building a trusting HttpClient.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 CertificateAuthority => Tls.Authority;

    public string Token { get; }

    /// <summary>What /version reports as gitVersion, e.g. "v1.30.11-eks-473151a".</summary>
    public string KubernetesVersion => Profile.GitVersion;

    /// <summary>"onprem", "aws", "gcp" or "azure".</summary>
    public string Provider => Profile.Provider;

    public string Region => Profile.Region;

    public ClusterFaults Faults { get; }

    /// <summary>What users impersonated by a client (Impersonate-User) may do here; nothing until granted.</summary>
    public ClusterRbac Rbac { get; } = new();

    public bool IsDown { get; private set; }

    internal ClusterProfile Profile { get; }

    internal TlsAuthority Tls { get; }

    /// <summary>An HttpClient handler that trusts this cluster's CA and sends its bearer token: what a client of a real cluster needs.</summary>
    public HttpMessageHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
            cert is not null && Tls.Validate(cert as System.Security.Cryptography.X509Certificates.X509Certificate2 ?? new System.Security.Cryptography.X509Certificates.X509Certificate2(cert));
        return new BearerTokenHandler(Token, handler);
    }

    internal FleetOptions Options { get; }

    internal ClusterStore Store { get; }

    internal ClusterControllers Controllers { get; }

    /// <summary>The JSON of every object of a resource (plural name, e.g. "pods"; group "" for core, e.g. "apps").</summary>
    public IReadOnlyList<string> ListJson(string plural, string? ns = null, string group = "") =>
        Store.All(Kind(group, plural), ns).Select(o => System.Text.Encoding.UTF8.GetString(o.Json)).ToList();

    /// <summary>The JSON of one object, or null.</summary>
    public string? GetJson(string plural, string? ns, string name, string group = "") =>
        Store.Get(Kind(group, plural), ns, name) is { } o ? System.Text.Encoding.UTF8.GetString(o.Json) : null;

    public int Count(string plural, string group = "") => Store.Count(Kind(group, plural));

    public IReadOnlyList<string> NodeNames => Store.All(BuiltInKinds.Node).Select(n => n.Name).ToList();

    /// <summary>Creates the object, or replaces it if it exists (a JSON object with apiVersion and kind).</summary>
    public void Apply(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        var kind = Store.FindKindByName((string?)node["kind"] ?? "") ?? throw new ArgumentException("unknown kind", nameof(json));
        var name = (string?)node["metadata"]?["name"];
        var ns = (string?)node["metadata"]?["namespace"];
        if (name is not null && Store.Get(kind, ns, name) is not null)
        {
            node["metadata"]!.AsObject().Remove("resourceVersion");
            Store.Update(kind, node);
        }
        else
        {
            Store.Create(kind, node);
        }
    }

    public void Delete(string plural, string? ns, string name, string group = "") => Store.Delete(Kind(group, plural), ns, name);

    public void ScaleDeployment(string ns, string name, int replicas) =>
        _ = Store.Mutate(BuiltInKinds.Deployment, ns, name, d =>
        {
            d["spec"]!["replicas"] = replicas;
            return true;
        }) ?? throw new KeyNotFoundException($"deployment {ns}/{name} not found in {Name}");

    /// <summary>Changes a container image of a deployment: a rolling update follows.</summary>
    public void SetImage(string ns, string deployment, string container, string image) =>
        _ = Store.Mutate(BuiltInKinds.Deployment, ns, deployment, d =>
        {
            var c = d["spec"]!["template"]!["spec"]!["containers"]!.AsArray().OfType<JsonObject>().First(c => (string?)c["name"] == container);
            c["image"] = image;
            return true;
        }) ?? throw new KeyNotFoundException($"deployment {ns}/{deployment} not found in {Name}");

    /// <summary>Restarts a deployment's pods through a rolling update, like kubectl rollout restart.</summary>
    public void RestartDeployment(string ns, string name) =>
        _ = Store.Mutate(BuiltInKinds.Deployment, ns, name, d =>
        {
            var meta = Nodes.Obj(Nodes.Obj(d["spec"]!["template"]!, "metadata"), "annotations");
            meta["kubectl.kubernetes.io/restartedAt"] = Store.Now();
            return true;
        }) ?? throw new KeyNotFoundException($"deployment {ns}/{name} not found in {Name}");

    /// <summary>The node stops reporting: NotReady now, its pods evicted after <see cref="FleetOptions.NodeEvictionTimeout"/>.</summary>
    public void FailNode(string name) => Controllers.FailNode(name);

    public void RecoverNode(string name) => Controllers.RecoverNode(name);

    public void CordonNode(string name, bool cordon = true) =>
        _ = Store.Mutate(BuiltInKinds.Node, null, name, n =>
        {
            if (cordon)
            {
                n["spec"]!["unschedulable"] = true;
            }
            else
            {
                n["spec"]!.AsObject().Remove("unschedulable");
            }

            return true;
        }) ?? throw new KeyNotFoundException($"node {name} not found in {Name}");

    /// <summary>Runs the controllers once now instead of waiting for the next tick.</summary>
    public void Reconcile() => Controllers.Tick();

    internal async Task StartAsync(CancellationToken ct)
    {
        Controllers.Start();
        await ListenAsync(0, ct);
    }

    internal async Task GoDownAsync()
    {
        await _listenerGate.WaitAsync();
        try
        {
            if (_listener is null)
            {
                return;
            }

            IsDown = true;
            Faults.CutWatches();
            await _listener.DisposeAsync();
            _listener = null;
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    internal async Task ComeUpAsync()
    {
        if (_listener is null)
        {
            await ListenAsync(_port, CancellationToken.None);
        }
    }

    private async Task ListenAsync(int port, CancellationToken ct)
    {
        await _listenerGate.WaitAsync(ct);
        try
        {
            if (_listener is not null)
            {
                return;
            }

            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    _listener = await LoopbackListener.StartAsync(port, _api.HandleAsync, ct, Tls.Server, on: Options.Address);
                    break;
                }
                catch (IOException) when (attempt < 20 && port != 0)
                {
                    // The old socket may linger for a moment after going down.
                    await Task.Delay(100, ct);
                }
            }

            _port = _listener.Port;
            IsDown = false;
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    private ResourceKind Kind(string group, string plural) =>
        Store.FindKind(group, plural) ?? throw new ArgumentException($"unknown resource {plural}{(group.Length > 0 ? "." + group : "")}", nameof(plural));

    public async ValueTask DisposeAsync()
    {
        Faults.CutWatches();
        await Controllers.DisposeAsync();
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
            _listener = null;
        }

        _listenerGate.Dispose();
    }
}
