using Bunit.TestDoubles;
using Dashboard.Client.Access;
using Dashboard.Client.Layout;
using Dashboard.Client.Live;
using Dashboard.Shared.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Dashboard.Client.Tests;

/// <summary>A test context with the app's services over a fake server (HTTP) and a fake hub connection.</summary>
public abstract class AccessTestContext : BunitContext, IAsyncLifetime
{
    internal static readonly CurrentUser Admin =
        new("u-admin", "admin", IsAdmin: true, ["platform"], [new Grant(TeamRole.Admin, "*", "*")], "xsrf-admin");

    internal static readonly CurrentUser Viewer =
        new("u-viewer", "vera", IsAdmin: false, ["shop"], [new Grant(TeamRole.Viewer, "environment=prod", "shop")], "xsrf-viewer");

    private protected AccessTestContext()
    {
        Services.AddMudServices();
        Services.AddSingleton(new HttpClient(Server) { BaseAddress = new Uri("http://localhost/") });
        Services.AddSingleton<CurrentSession>();
        Services.AddSingleton<DashboardApi>();
        Services.AddSingleton<IFleetConnection>(Connection);
        Services.AddSingleton<ThemePreference>();
        Services.AddSingleton<TimeProvider>(Time);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    internal FakeApiServer Server { get; } = new();

    internal FakeFleetConnection Connection { get; } = new();

    internal static readonly DateTime Now = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    internal FakeTimeProvider Time { get; } = new(new DateTimeOffset(Now));

    internal BunitNavigationManager Navigation => Services.GetRequiredService<BunitNavigationManager>();

    internal CurrentSession Session => Services.GetRequiredService<CurrentSession>();

    /// <summary>The server knows this user (GET /api/me), and the session has asked it, as the layout does first.</summary>
    internal async Task SignInAsAsync(CurrentUser user)
    {
        Server.OnGet("/api/me", user);
        await Session.GetUserAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
