using Dashboard.Server.Access;
using Dashboard.Server.Audit;
using Dashboard.Server.Data;
using Dashboard.Server.Live;
using Dashboard.Shared.Access;
using Dashboard.Shared.Fleet;
using k8s;
using k8s.KubeConfigModels;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Clusters;

/// <summary>
/// Clusters an administrator added from a kubeconfig. The kubeconfig is cut down to the one context and kept
/// encrypted with Data Protection; it is never answered again. Watched from the moment they are added.
/// </summary>
public sealed class ClusterRegistry(IDbContextFactory<DashboardDbContext> contexts, IDataProtectionProvider protection, ILogger<ClusterRegistry> logger) : IClusterSource
{
    public const string Purpose = "Dashboard.Clusters.Kubeconfig";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public async Task<IReadOnlyList<ClusterEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.Clusters.OrderBy(c => c.Name).ToListAsync(cancellationToken);
        return records.Select(Endpoint).ToList();
    }

    private ClusterEndpoint Endpoint(ClusterRecord record)
    {
        try
        {
            var kubeconfig = KubernetesYaml.Deserialize<K8SConfiguration>(_protector.Unprotect(record.ProtectedKubeconfig));
            return Endpoint(kubeconfig, record.Name, Labels(record.Provider, record.Environment, record.Region));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or YamlDotNet.Core.YamlException)
        {
            logger.LogWarning("The stored credentials of cluster {Cluster} cannot be read: {Reason}", record.Name, e.Message);
            return new(record.Name, null, null, "registered by an administrator",
                "its stored credentials cannot be decrypted (were the Data Protection keys lost?): add it again");
        }
    }

    internal static ClusterEndpoint Endpoint(K8SConfiguration kubeconfig, string name, ClusterLabels? labels) =>
        new(name, KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig, kubeconfig.CurrentContext), labels, "registered by an administrator");

    internal static ClusterLabels? Labels(string? provider, string? environment, string? region) =>
        provider is null && environment is null && region is null ? null : new ClusterLabels(provider ?? "", environment ?? "", region ?? "");

    /// <summary>
    /// The context to use, alone, or why the kubeconfig is refused. Credentials must be inline: a kubeconfig from
    /// a browser may not make the server run a program (exec plugins) or read its files.
    /// </summary>
    public static (K8SConfiguration? Config, string? Error) Parse(string yaml, string? contextName)
    {
        K8SConfiguration all;
        try
        {
            all = KubernetesYaml.Deserialize<K8SConfiguration>(yaml);
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException)
        {
            return (null, $"This is not a kubeconfig: {e.Message.ReplaceLineEndings(" ")}");
        }

        var contexts = all?.Contexts?.ToList() ?? [];
        var name = string.IsNullOrWhiteSpace(contextName) ? all?.CurrentContext ?? (contexts.Count == 1 ? contexts[0].Name : null) : contextName.Trim();
        var context = contexts.FirstOrDefault(c => c.Name == name);
        if (context is null)
        {
            return (null, contexts.Count == 0
                ? "The kubeconfig has no context."
                : $"Say which context to use: {string.Join(", ", contexts.Select(c => c.Name))}.");
        }

        var cluster = all!.Clusters?.FirstOrDefault(c => c.Name == context.ContextDetails?.Cluster);
        var user = all.Users?.FirstOrDefault(u => u.Name == context.ContextDetails?.User);
        if (cluster?.ClusterEndpoint?.Server is not { Length: > 0 })
        {
            return (null, $"The context '{name}' names no cluster with a server address.");
        }

        var credentials = user?.UserCredentials;
        if (credentials?.ExternalExecution is not null || credentials?.AuthProvider is not null)
        {
            return (null, "Exec plugins and auth providers are not accepted here: use a token or a client certificate written into the kubeconfig.");
        }

        if (!string.IsNullOrEmpty(credentials?.ClientCertificate) || !string.IsNullOrEmpty(credentials?.ClientKey) ||
            !string.IsNullOrEmpty(cluster.ClusterEndpoint.CertificateAuthority))
        {
            return (null, "The kubeconfig points at files: put certificates and keys inline (certificate-authority-data, client-certificate-data, client-key-data).");
        }

        var one = new K8SConfiguration
        {
            ApiVersion = "v1",
            Kind = "Config",
            CurrentContext = context.Name,
            Contexts = [context],
            Clusters = [cluster],
            Users = user is null ? [] : [user],
        };
        try
        {
            _ = KubernetesClientConfiguration.BuildConfigFromConfigObject(one, context.Name);
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or FormatException or ArgumentException or UriFormatException
                                      or System.Security.Cryptography.CryptographicException)
        {
            return (null, $"The context '{name}' cannot be used: {e.Message.ReplaceLineEndings(" ")}");
        }

        return (one, null);
    }
}

/// <summary>Adding, relabelling and removing registered clusters: fleet administrators only.</summary>
public static class ClusterAdminApi
{
    public static WebApplication MapClusterAdminApi(this WebApplication app)
    {
        var admin = app.MapGroup("/api/admin/clusters").RequireAuthorization(AccessExtensions.FleetAdminPolicy);
        admin.MapGet("", ListAsync);
        admin.MapPost("", AddAsync);
        admin.MapPut("/{id:guid}/labels", RelabelAsync);
        admin.MapDelete("/{id:guid}", RemoveAsync);
        return app;
    }

    private static RegisteredCluster Summary(ClusterRecord c) => new(c.Id, c.Name, c.Server, c.Provider, c.Environment, c.Region, c.CreatedAtUtc);

    private static async Task<List<RegisteredCluster>> ListAsync(IDbContextFactory<DashboardDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await db.Clusters.OrderBy(c => c.Name).ToListAsync(cancellationToken)).Select(Summary).ToList();
    }

    private static async Task<Results<Ok<RegisteredCluster>, ProblemHttpResult>> AddAsync(
        HttpContext http, IDbContextFactory<DashboardDbContext> contexts, IDataProtectionProvider protection, FleetWatcher fleet,
        ClusterDirectory directory, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await AuthEndpoints.ReadAsync<AddClusterRequest>(http) is not { Kubeconfig.Length: > 0 } request)
        {
            return Bad("Send JSON with \"kubeconfig\" (the file's text) and optionally context, name, provider, environment, region.");
        }

        var (kubeconfig, error) = ClusterRegistry.Parse(request.Kubeconfig, request.Context);
        if (kubeconfig is null)
        {
            return Bad(error!);
        }

        var name = string.IsNullOrWhiteSpace(request.Name) ? kubeconfig.CurrentContext : request.Name.Trim();
        if (name.Length > 253 || fleet.Clusters.Any(c => c.Name == name))
        {
            return TypedResults.Problem($"A cluster named '{name}' is watched already: give this one another name.", statusCode: StatusCodes.Status409Conflict);
        }

        var record = new ClusterRecord
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Server = kubeconfig.Clusters.First().ClusterEndpoint.Server,
            Provider = Blank(request.Provider),
            Environment = Blank(request.Environment),
            Region = Blank(request.Region),
            ProtectedKubeconfig = protection.CreateProtector(ClusterRegistry.Purpose).Protect(KubernetesYaml.Serialize(kubeconfig)),
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Clusters.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        fleet.Add(ClusterRegistry.Endpoint(kubeconfig, name, ClusterRegistry.Labels(record.Provider, record.Environment, record.Region)));
        directory.Refresh();
        AccessLog.Changed(AccessExtensions.Logger(http), http.User.Identity?.Name ?? "?", $"registered the cluster '{name}' ({record.Server})");
        // Never the kubeconfig: its credentials stay encrypted in the clusters table.
        await http.AuditAsync(new AuditEvent(AuditActions.ClusterAdd, AuditTarget.ClusterRegistration(name, record.Id), new Dictionary<string, string?>
        {
            ["server"] = record.Server,
            ["context"] = kubeconfig.CurrentContext,
            ["provider"] = record.Provider,
            ["environment"] = record.Environment,
            ["region"] = record.Region,
        }));
        return TypedResults.Ok(Summary(record));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> RelabelAsync(
        Guid id, HttpContext http, IDbContextFactory<DashboardDbContext> contexts, FleetWatcher fleet, ViewRegistry views,
        RightsStore rights, CancellationToken cancellationToken)
    {
        if (await AuthEndpoints.ReadAsync<ClusterLabelsRequest>(http) is not { } request)
        {
            return Bad("Send JSON {\"provider\": ..., \"environment\": ..., \"region\": ...}.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Clusters.FindAsync([id], cancellationToken) is not { } record)
        {
            return TypedResults.NotFound();
        }

        var before = LabelText(record);
        record.Provider = Blank(request.Provider);
        record.Environment = Blank(request.Environment);
        record.Region = Blank(request.Region);
        await db.SaveChangesAsync(cancellationToken);
        fleet.Relabel(record.Name, ClusterRegistry.Labels(record.Provider, record.Environment, record.Region));
        views.Refilter(); // who may see the cluster's objects may have changed with its labels
        rights.Forget();
        AccessLog.Changed(AccessExtensions.Logger(http), http.User.Identity?.Name ?? "?",
            $"labelled the cluster '{record.Name}' provider={record.Provider} environment={record.Environment} region={record.Region}");
        await http.AuditAsync(new AuditEvent(AuditActions.ClusterRelabel, AuditTarget.ClusterRegistration(record.Name, record.Id), null, before, LabelText(record)));
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound>> RemoveAsync(
        Guid id, HttpContext http, IDbContextFactory<DashboardDbContext> contexts, FleetWatcher fleet, ClusterDirectory directory, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Clusters.FindAsync([id], cancellationToken) is not { } record)
        {
            return TypedResults.NotFound();
        }

        db.Clusters.Remove(record);
        await db.SaveChangesAsync(cancellationToken);
        await fleet.RemoveAsync(record.Name);
        directory.Refresh();
        AccessLog.Changed(AccessExtensions.Logger(http), http.User.Identity?.Name ?? "?", $"removed the cluster '{record.Name}'");
        await http.AuditAsync(new AuditEvent(AuditActions.ClusterRemove, AuditTarget.ClusterRegistration(record.Name, record.Id),
            new Dictionary<string, string?> { ["server"] = record.Server }));
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Bad(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string LabelText(ClusterRecord c) => $"provider={c.Provider} environment={c.Environment} region={c.Region}";
}
