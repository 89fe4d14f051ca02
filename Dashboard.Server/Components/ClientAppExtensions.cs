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
        // The client's files hold no data: anyone may load them (the sign-in page is made of them).
        app.MapStaticAssets().AllowAnonymous();
        // Pages need a signed-in user (anonymous browsers are sent to /signin), except those marked [AllowAnonymous].
        app.MapRazorComponents<App>()
            .RequireAuthorization()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(Client._Imports).Assembly);
        return app;
    }
}
