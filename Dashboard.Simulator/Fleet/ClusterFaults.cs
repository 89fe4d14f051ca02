using Dashboard.Simulator.Api;
using Microsoft.AspNetCore.Http;

namespace Dashboard.Simulator;

/// <summary>Faults of one cluster, switchable at run time (tests call these; the control listener exposes them over HTTP).</summary>
public sealed class ClusterFaults
{
    private readonly SimulatedCluster _cluster;
    private int _expired;
    private int _throttled;
    private long _latencyTicks;

    internal ClusterFaults(SimulatedCluster cluster) => _cluster = cluster;

    /// <summary>Added before every API answer (not health checks).</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>While true, every API request gets 429 Too Many Requests with Retry-After.</summary>
    public bool ThrottleAll { get; set; }

    public int RetryAfterSeconds { get; set; } = 1;

    public bool IsDown => _cluster.IsDown;

    /// <summary>Ends every open watch stream of the cluster (clients see a normal end of stream).</summary>
    public void CutWatches()
    {
        foreach (var w in _cluster.Store.Watchers())
        {
            w.Cut.Cancel();
        }
    }

    /// <summary>The next <paramref name="count"/> watch requests get an ERROR event with a 410 Expired Status.</summary>
    public void Next410(int count = 1) => Interlocked.Add(ref _expired, count);

    /// <summary>The next <paramref name="count"/> API requests get 429 with Retry-After.</summary>
    public void Throttle429(int count = 1) => Interlocked.Add(ref _throttled, count);

    /// <summary>Writes a line that is not valid JSON into every open watch stream.</summary>
    public void InjectMalformedLine()
    {
        foreach (var w in _cluster.Store.Watchers())
        {
            w.Offer(null);
        }
    }

    /// <summary>Stops the listener: connections are refused until <see cref="ComeUpAsync"/>.</summary>
    public Task GoDownAsync() => _cluster.GoDownAsync();

    /// <summary>Listens again on the same port.</summary>
    public Task ComeUpAsync() => _cluster.ComeUpAsync();

    public void Reset()
    {
        Interlocked.Exchange(ref _expired, 0);
        Interlocked.Exchange(ref _throttled, 0);
        Latency = TimeSpan.Zero;
        ThrottleAll = false;
    }

    internal bool TakeExpired() => Take(ref _expired);

    internal async ValueTask<bool> BeforeRequestAsync(HttpContext ctx)
    {
        var latency = Latency;
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, ctx.RequestAborted);
        }

        if (ThrottleAll || Take(ref _throttled))
        {
            ctx.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Responses.WriteStatusAsync(ctx, 429, "TooManyRequests", "Too many requests, please try again later.");
            return false;
        }

        return true;
    }

    private static bool Take(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
