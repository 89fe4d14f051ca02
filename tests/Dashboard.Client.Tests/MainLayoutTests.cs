using Dashboard.Client.Layout;
using Dashboard.Client.Live;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Dashboard.Client.Tests;

public sealed class MainLayoutTests : BunitContext, IAsyncLifetime
{
    private readonly FakeFleetConnection _connection = new();

    public MainLayoutTests()
    {
        Services.AddMudServices();
        Services.AddSingleton<IFleetConnection>(_connection);
        Services.AddScoped<ThemePreference>();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

    [Fact]
    public void Layout_shows_app_bar_navigation_and_the_page()
    {
        var layout = RenderLayout();

        Assert.Contains("Fleet Dashboard", layout.Find(".mud-appbar").TextContent, StringComparison.Ordinal);
        var links = layout.FindAll("nav .mud-nav-link").Select(a => a.TextContent.Trim()).ToList();
        Assert.Equal(["Fleet", "Workloads", "Deployments", "Pods"], links);
        Assert.Contains("page body", layout.Find(".mud-main-content").TextContent, StringComparison.Ordinal);
        Assert.True(_connection.Started, "the layout starts the hub connection");
    }

    [Fact]
    public void Hub_indicator_follows_the_connection_state()
    {
        var layout = RenderLayout();
        Assert.Equal("Connecting", layout.Find("[data-testid=hub-state]").TextContent.Trim());

        _connection.Set(HubState.Connected, new ServerInfo("1.0", "host/1", DateTime.UtcNow, "Sqlite"));
        layout.WaitForAssertion(() => Assert.Equal("Connected", layout.Find("[data-testid=hub-state]").TextContent.Trim()));

        _connection.Set(HubState.Reconnecting);
        layout.WaitForAssertion(() => Assert.Equal("Reconnecting", layout.Find("[data-testid=hub-state]").TextContent.Trim()));

        _connection.Set(HubState.Offline);
        layout.WaitForAssertion(() => Assert.Equal("Offline", layout.Find("[data-testid=hub-state]").TextContent.Trim()));
    }

    [Fact]
    public void Dark_mode_toggle_is_remembered_in_local_storage()
    {
        JSInterop.Setup<string?>("localStorage.getItem", ThemePreference.StorageKey).SetResult(null);
        var layout = RenderLayout();
        Assert.Equal("Switch to dark mode", layout.Find("[data-testid=dark-mode-toggle]").GetAttribute("aria-label"));

        layout.Find("[data-testid=dark-mode-toggle]").Click();

        Assert.Equal([ThemePreference.StorageKey, "dark"], JSInterop.VerifyInvoke("localStorage.setItem").Arguments);
        Assert.Equal("Switch to light mode", layout.Find("[data-testid=dark-mode-toggle]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Saved_dark_preference_is_applied_on_load()
    {
        JSInterop.Setup<string?>("localStorage.getItem", ThemePreference.StorageKey).SetResult("dark");

        var layout = RenderLayout();

        layout.WaitForAssertion(() =>
            Assert.Equal("Switch to light mode", layout.Find("[data-testid=dark-mode-toggle]").GetAttribute("aria-label")));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
