using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dashboard.Simulator;

/// <summary>A minimal Kestrel listener on 127.0.0.1 (or another address given) running one request delegate (no routing, no logging).</summary>
internal sealed class LoopbackListener : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackListener(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<LoopbackListener> StartAsync(int port, RequestDelegate handler, CancellationToken ct,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null, IPAddress? on = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            o.Listen(on ?? IPAddress.Loopback, port, l =>
            {
                if (certificate is not null)
                {
                    l.UseHttps(certificate);
                }
            });
            o.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(500));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackListener(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
