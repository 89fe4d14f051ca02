using System.Net;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Client.Live;

public enum HubState
{
    Connecting,
    Connected,
    Reconnecting,
    Offline,
}

/// <summary>The browser's one connection to the server's hub; the seam lets component tests stand in for it.</summary>
public interface IFleetConnection
{
    HubState State { get; }

    ServerInfo? Server { get; }

    event Action? Changed;

    /// <summary>Raised after the connection came back (a new connection: live views must resume).</summary>
    event Func<Task>? Reconnected;

    /// <summary>
    /// Raised once when the server ended this browser's session (it said so, or refused to connect with 401):
    /// the connection stays <see cref="HubState.Offline"/> and no longer tries to come back.
    /// </summary>
    event Action? SignedOut;

    /// <summary>Starts connecting (once); keeps trying until it succeeds, then reconnects by itself.</summary>
    void EnsureStarted();

    Task<T> InvokeAsync<T>(string method, params object?[] args);

    Task SendAsync(string method, params object?[] args);

    IDisposable On<T>(string method, Action<T> handler);
}

public sealed class FleetConnection : IFleetConnection, IAsyncDisposable
{
    /// <summary>The <see cref="IFleetClient.AccessChanged"/> reason that ends the session (others ask for a reconnect).</summary>
    internal const string SignedOutReason = "signed-out";

    private static readonly TimeSpan[] RetryDelays =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    private readonly HubConnection _connection;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _starting;
    private bool _signedOut;
    private bool _disposed;

    public FleetConnection(NavigationManager navigation, TimeProvider time)
    {
        _time = time;
        _connection = new HubConnectionBuilder()
            .WithUrl(navigation.ToAbsoluteUri(FleetHubRoute.Path))
            .AddMessagePackProtocol()
            .WithAutomaticReconnect(new ForeverRetryPolicy(() => _ = EndSessionAsync(stopConnection: false)))
            .Build();

        _connection.On<ServerInfo>(nameof(IFleetClient.Welcome), server =>
        {
            Server = server;
            Changed?.Invoke();
        });
        _connection.On<string>(nameof(IFleetClient.AccessChanged), OnAccessChanged);
        _connection.Reconnecting += _ => SetState(HubState.Reconnecting);
        _connection.Reconnected += async _ =>
        {
            await SetState(HubState.Connected);
            if (Reconnected is { } reconnected)
            {
                await reconnected();
            }
        };
        _connection.Closed += async _ =>
        {
            if (_signedOut || _stopping.IsCancellationRequested)
            {
                await SetState(HubState.Offline);
                return;
            }

            // Closed, and no automatic reconnect: the server aborted the connection because the user's access changed
            // ("rescoped"), which SignalR ends with a close that allows no reconnect. Connect again all the same.
            await SetState(HubState.Reconnecting);
            _starting = ReconnectAfterCloseAsync(_stopping.Token);
        };
    }

    public HubState State { get; private set; } = HubState.Connecting;

    public ServerInfo? Server { get; private set; }

    public event Action? Changed;

    public event Func<Task>? Reconnected;

    public event Action? SignedOut;

    public async Task<T> InvokeAsync<T>(string method, params object?[] args)
    {
        await WaitUntilConnectedAsync();
        return (T)(await _connection.InvokeCoreAsync(method, typeof(T), args))!;
    }

    public async Task SendAsync(string method, params object?[] args)
    {
        await WaitUntilConnectedAsync();
        await _connection.SendCoreAsync(method, args);
    }

    public IDisposable On<T>(string method, Action<T> handler) => _connection.On(method, handler);

    /// <summary>Calls made before the first connection wait for it rather than fail.</summary>
    private async Task WaitUntilConnectedAsync()
    {
        EnsureStarted();
        while (_connection.State != HubConnectionState.Connected && !_stopping.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, _stopping.Token);
        }
    }

    public void EnsureStarted() => _starting ??= StartAsync(_stopping.Token);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await _connection.StartAsync(cancellationToken);
                await SetState(HubState.Connected);
                return;
            }
            catch (Exception e) when (IsUnauthorized(e))
            {
                // Negotiation refused: the session expired or was revoked while the page was away.
                await EndSessionAsync(stopConnection: false);
                return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The server is not there yet (or went away while starting): show it and try again.
                await SetState(HubState.Offline);
                await Task.Delay(ForeverRetryPolicy.DelayFor(attempt), _time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// "signed-out" ends the session here too. "rescoped" needs nothing here: the server closes the connection, a
    /// new one opens under the new scope (see Closed) and live views resume on it.
    /// </summary>
    internal void OnAccessChanged(string reason)
    {
        if (string.Equals(reason, SignedOutReason, StringComparison.Ordinal))
        {
            _ = EndSessionAsync(stopConnection: true);
        }
    }

    private async Task EndSessionAsync(bool stopConnection)
    {
        if (_signedOut || _disposed)
        {
            return;
        }

        _signedOut = true;
        await _stopping.CancelAsync(); // no more start attempts; calls waiting for a connection give up
        await SetState(HubState.Offline);
        SignedOut?.Invoke();
        if (stopConnection)
        {
            // Not from inside the hub's message handler that got us here: stopping waits for that handler's loop.
            await Task.Yield();
            await _connection.StopAsync();
        }
    }

    internal static bool IsUnauthorized(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { StatusCode: HttpStatusCode.Unauthorized })
            {
                return true;
            }
        }

        return false;
    }

    private async Task ReconnectAfterCloseAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken);
        if (State == HubState.Connected && Reconnected is { } reconnected)
        {
            await reconnected(); // a new connection: live views resume on it
        }
    }

    private Task SetState(HubState state)
    {
        if (_signedOut && state != HubState.Offline)
        {
            return Task.CompletedTask; // a late Reconnecting event of the connection the server just closed
        }

        State = state;
        Changed?.Invoke();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _stopping.CancelAsync();
        await _connection.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>
    /// Never gives up while the server is away: a dashboard left open overnight must come back when the server
    /// does. Only a refusal (401: the session is over) stops it.
    /// </summary>
    internal sealed class ForeverRetryPolicy(Action signedOut) : IRetryPolicy
    {
        public static TimeSpan DelayFor(long attempt) => RetryDelays[Math.Min(attempt, RetryDelays.Length - 1)];

        public TimeSpan? NextRetryDelay(RetryContext retryContext)
        {
            if (IsUnauthorized(retryContext.RetryReason))
            {
                signedOut();
                return null;
            }

            return DelayFor(retryContext.PreviousRetryCount);
        }
    }
}
