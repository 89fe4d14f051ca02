using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

public static class LiveExtensions
{
    public static WebApplicationBuilder AddLiveHub(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServerIdentity>();
        builder.Services.AddSingleton<ClusterDirectory>();
        builder.Services.AddSingleton<ViewRegistry>();
        builder.Services.AddSingleton<LiveSubscriptions>();
        builder.Services.AddSingleton<FleetAggregator>();
        builder.Services.AddSingleton<LiveFlusher>();
        builder.Services.AddSingleton<Topology.NamespaceFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveFlusher>());
        builder.Services.AddSingleton<LiveWarmUp>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveWarmUp>());
        builder.Services.AddSignalR().AddMessagePackProtocol();
        return builder;
    }

    public static WebApplication MapLiveHub(this WebApplication app)
    {
        app.MapHub<FleetHub>(FleetHubRoute.Path);
        return app;
    }
}
