using Dashboard.Client.Live;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR.Client;

namespace Dashboard.Server.Tests.Live;

/// <summary>The browser's client store (<see cref="LiveViews"/>) over a real .NET SignalR connection.</summary>
internal sealed class HubFleetConnection(HubConnection hub) : IFleetConnection
{
    public HubConnection Hub { get; } = hub;

    public HubState State => Hub.State == HubConnectionState.Connected ? HubState.Connected : HubState.Offline;

    public ServerInfo? Server => null;

    public event Action? Changed;

    public event Func<Task>? Reconnected;

#pragma warning disable CS0067 // a test connection is never signed out
    public event Action? SignedOut;
#pragma warning restore CS0067

    public void EnsureStarted()
    {
    }

    public async Task<T> InvokeAsync<T>(string method, params object?[] args) => (T)(await Hub.InvokeCoreAsync(method, typeof(T), args))!;

    public Task SendAsync(string method, params object?[] args) => Hub.SendCoreAsync(method, args);

    public IDisposable On<T>(string method, Action<T> handler) => Hub.On(method, handler);

    /// <summary>Drops the connection and makes a new one (a new connection id), as a network blip would.</summary>
    public async Task ReconnectAsync()
    {
        await Hub.StopAsync();
        await Hub.StartAsync();
        Changed?.Invoke();
        await (Reconnected?.Invoke() ?? Task.CompletedTask);
    }
}
