using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dashboard.Server.Tests;

/// <summary>The whole server in memory, configured by settings as its appsettings would be.</summary>
public sealed class DashboardFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Dashboard.Server.Live.ServerIdentity>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Clusters:Demo", "false"); // a test that wants clusters says which
        builder.UseSetting("Clusters:UseKubeconfigEnvironment", "false");
        builder.UseSetting("Clusters:InCluster", "false");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
