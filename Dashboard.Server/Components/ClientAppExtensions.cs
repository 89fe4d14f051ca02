namespace Dashboard.Server.Components;

public static class ClientAppExtensions
{
    public static WebApplicationBuilder AddClientApp(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveWebAssemblyComponents();
        return builder;
    }

    public static WebApplication UseClientApp(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.UseWebAssemblyDebugging();
        }

        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapClientApp(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(Client._Imports).Assembly);
        return app;
    }
}
