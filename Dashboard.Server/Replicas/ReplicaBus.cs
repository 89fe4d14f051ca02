using Dashboard.Server.Hosting;
using StackExchange.Redis;

namespace Dashboard.Server.Replicas;

/// <summary>
/// What one replica must tell the others: rights changed, sessions ended, an audit record was written. Over
/// Redis pub/sub when ConnectionStrings:Redis is set (the same connection carries SignalR's backplane); with
/// one replica, nothing to tell. A replica that loses Redis keeps serving its own connections and says it is
/// degraded (<see cref="Problem"/>, in /readyz and the log) until Redis is back.
/// </summary>
public sealed partial class ReplicaBus(IConfiguration configuration, ILogger<ReplicaBus> logger) : IHostedService, IAsyncDisposable
{
    public const string Setting = "ConnectionStrings:Redis";
    private static readonly RedisChannel Channel = RedisChannel.Literal("fleet-dashboard:replicas");

    private readonly string _self = Guid.NewGuid().ToString("N");
    private readonly Dictionary<string, Action<string>> _handlers = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<IConnectionMultiplexer> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConnectionMultiplexer? _redis;

    /// <summary>The Redis configuration string, when several replicas share one.</summary>
    public string? Configuration { get; } = configuration[Setting] is { Length: > 0 } value ? value : null;

    /// <summary>Why this replica cannot reach the others right now; null when it can (or there are none).</summary>
    public string? Problem { get; private set; }

    /// <summary>The connection, once made at startup (SignalR's backplane waits for it).</summary>
    public Task<IConnectionMultiplexer> Connected => _connected.Task;

    /// <summary>Runs <paramref name="handler"/> with the payload of each message on <paramref name="topic"/> sent by another replica.</summary>
    public void On(string topic, Action<string> handler) => _handlers[topic] = handler;

    /// <summary>Tells the other replicas; lost (and logged) while Redis is away: each replica re-reads what matters on its own.</summary>
    public void Publish(string topic, string payload = "")
    {
        if (_redis is null)
        {
            return;
        }

        // Not awaited, and not fire-and-forget either: that would complete at once and hide a failure from the log.
        _redis.GetSubscriber().PublishAsync(Channel, $"{_self}|{topic}|{payload}")
            .ContinueWith(t => LogPublishFailed(logger, topic, t.Exception?.GetBaseException().Message), CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Configuration is null)
        {
            return;
        }

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(Configuration);
        }
        catch (ArgumentException e)
        {
            throw new StartupException($"{Setting} is not a Redis configuration string ({e.Message}); e.g. redis:6379 or host:6379,password=...");
        }

        // Reachable at startup or no start: a replica that cannot reach the others would serve a partial picture.
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        options.ClientName = $"fleet-dashboard-{Environment.MachineName}";
        try
        {
            _redis = await ConnectionMultiplexer.ConnectAsync(options);
        }
        catch (RedisConnectionException e)
        {
            throw new StartupException($"{Setting} names Redis at {string.Join(", ", options.EndPoints)}, which could not be reached: {e.Message}");
        }

        // From now on, a lost connection is retried for ever in the background.
        _redis.ConnectionFailed += (_, e) =>
        {
            Problem = $"Redis ({Setting}) unreachable since {DateTime.UtcNow:u}: {e.FailureType}; this replica serves its own connections, but changes made on other replicas reach it late";
            LogLost(logger, e.EndPoint?.ToString(), e.FailureType.ToString());
        };
        _redis.ConnectionRestored += (_, e) =>
        {
            Problem = null;
            LogRestored(logger, e.EndPoint?.ToString());
        };
        await _redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => Receive(message));
        _connected.TrySetResult(_redis);
        LogConnected(logger, string.Join(", ", options.EndPoints));
    }

    private void Receive(RedisValue message)
    {
        var parts = ((string?)message ?? "").Split('|', 3);
        if (parts.Length != 3 || parts[0] == _self || !_handlers.TryGetValue(parts[1], out var handler))
        {
            return;
        }

        try
        {
            handler(parts[2]);
        }
        catch (Exception e)
        {
            LogHandlerFailed(logger, e, parts[1]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _connected.TrySetCanceled();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replicas talk through Redis at {EndPoints}")]
    private static partial void LogConnected(ILogger logger, string endPoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost Redis at {EndPoint} ({Failure}): degraded, serving this replica's own connections; retrying")]
    private static partial void LogLost(ILogger logger, string? endPoint, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis at {EndPoint} is back: the replicas talk again")]
    private static partial void LogRestored(ILogger logger, string? endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the other replicas ({Topic}): {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string topic, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message from another replica ({Topic}) could not be handled")]
    private static partial void LogHandlerFailed(ILogger logger, Exception e, string topic);
}
