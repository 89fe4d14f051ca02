using Dashboard.Server.Access;
using Dashboard.Server.Audit;
using Dashboard.Server.Clusters;
using Dashboard.Server.Components;
using Dashboard.Server.Data;
using Dashboard.Server.Drift;
using Dashboard.Server.Health;
using Dashboard.Server.Hosting;
using Dashboard.Server.Live;
using Dashboard.Server.Replicas;
using Dashboard.Server.Resources;
using Dashboard.Server.Search;
using Dashboard.Server.Topology;

if (HealthCommand.IsRequested(args))
{
    return await HealthCommand.RunAsync(args); // health [URL]: the container's HEALTHCHECK
}

var builder = WebApplication.CreateBuilder(args);

builder.AddPlainStartupErrors();
builder.ListenOnLoopbackByDefault();
builder.AddDashboardDatabase();
builder.AddAccess();
builder.AddAudit();
builder.AddHealth();
builder.AddFleet();
builder.AddLiveHub();
builder.AddReplicas();
builder.AddClientApp();

if (AuditCommand.IsRequested(args))
{
    return await builder.RunAuditCommandAsync(args); // audit verify | audit prune --older-than 365d
}

var app = builder.Build();
Settings.LogUnknown(app.Configuration, app.Logger);

app.UseAccess();
app.UseClientApp();
app.MapHealth();
app.MapAuthApi();
app.MapAdminApi();
app.MapClusterAdminApi();
app.MapAuditApi();
app.MapFleetApi();
app.MapResourceDetailApi();
app.MapResourceActionApi();
app.MapSearchApi();
app.MapDriftApi();
app.MapTopologyApi();
app.MapLiveHub();
app.MapClientApp();

return await app.RunDashboardAsync();

/// <summary>The entry point's type, named so tests can host the app.</summary>
public partial class Program;
