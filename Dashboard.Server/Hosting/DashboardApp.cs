namespace Dashboard.Server.Hosting;

/// <summary>A setting that keeps the server from starting; the message names it and what failed.</summary>
public class StartupException(string message, Exception? inner = null) : Exception(message, inner);

public static class DashboardApp
{
    /// <summary>
    /// Runs the app; a configuration problem found at startup ends it with one log line naming the
    /// setting and exit code 1, not a stack trace.
    /// </summary>
    public static async Task<int> RunDashboardAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (StartupException e)
        {
            app.Logger.LogCritical("Startup failed: {Reason}", e.Message);
            return 1;
        }
    }

    /// <summary>Where the server listens when nothing says (--urls, ASPNETCORE_URLS, Urls): loopback only, secure by default.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplicationBuilder ListenOnLoopbackByDefault(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        return builder;
    }

    /// <summary>The host logs a failed start with the whole stack; startup errors of ours are logged once, plainly.</summary>
    public static WebApplicationBuilder AddPlainStartupErrors(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        return builder;
    }
}
