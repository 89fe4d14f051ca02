using System.Collections.Concurrent;
using Dashboard.Server.Live;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Server.Access;

/// <summary>
/// Keeps live connections honest after they were opened: every second (and at once after a change made on this
/// replica) it re-reads their sessions and rights. A connection whose session ended (sign-out, revoked token,
/// disabled user, expiry) is told so and closed; one whose rights changed is closed to reconnect under its new scope.
/// </summary>
public sealed partial class ConnectionGuard : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Connection> _connections = new(StringComparer.Ordinal);
    private readonly SessionStore _sessions;
    private readonly RightsStore _rights;
    private readonly IHubContext<FleetHub, IFleetClient> _hub;
    private readonly TimeProvider _time;
    private readonly ILogger<ConnectionGuard> _logger;
    private readonly SemaphoreSlim _poke = new(0);

    public ConnectionGuard(SessionStore sessions, RightsStore rights, IHubContext<FleetHub, IFleetClient> hub, TimeProvider time, ILogger<ConnectionGuard> logger)
    {
        _sessions = sessions;
        _rights = rights;
        _hub = hub;
        _time = time;
        _logger = logger;
        sessions.Ended += Poke;
        rights.Changed += Poke;
    }

    private sealed record Connection(HubCallerContext Context, string UserId, Guid SessionId, string ScopeKey);

    public int Count => _connections.Count;

    public void Add(HubCallerContext context, string userId, Guid sessionId, string scopeKey) =>
        _connections[context.ConnectionId] = new(context, userId, sessionId, scopeKey);

    public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    private void Poke()
    {
        if (_poke.CurrentCount == 0)
        {
            _poke.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                wait.CancelAfter(Interval);
                try
                {
                    await _poke.WaitAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // the second passed: a regular round
                }
            }

            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database is away: nobody can change access meanwhile either, so the connections stay.
                LogCheckFailed(_logger, e.Message);
                await Task.Delay(Interval, _time, stoppingToken);
            }
        }
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var connections = _connections.Values.ToList();
        if (connections.Count == 0)
        {
            return;
        }

        var sessions = await _sessions.ActiveAmongAsync([.. connections.Select(c => c.SessionId).Distinct()], cancellationToken);
        var rights = await _rights.LoadAsync([.. connections.Select(c => c.UserId).Distinct()], cancellationToken);
        foreach (var connection in connections)
        {
            var reason = !sessions.ContainsKey(connection.SessionId) || rights.GetValueOrDefault(connection.UserId) is not { Disabled: false } current
                ? "signed-out"
                : current.Scope.Key != connection.ScopeKey ? "rescoped" : null;
            if (reason is null || !_connections.TryRemove(connection.Context.ConnectionId, out _))
            {
                continue;
            }

            LogClosed(_logger, connection.UserId, connection.Context.ConnectionId, reason);
            try
            {
                await _hub.Clients.Client(connection.Context.ConnectionId).AccessChanged(reason);
            }
            finally
            {
                // A moment for the reason to reach the browser before the transport goes.
                _ = Task.Delay(TimeSpan.FromSeconds(1), _time, CancellationToken.None).ContinueWith(
                    _ => connection.Context.Abort(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed live connection {ConnectionId} of user {UserId}: access {Reason}")]
    private static partial void LogClosed(ILogger logger, string userId, string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not re-check live connections' access: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);

    public override void Dispose()
    {
        _sessions.Ended -= Poke;
        _rights.Changed -= Poke;
        _poke.Dispose();
        base.Dispose();
    }
}
