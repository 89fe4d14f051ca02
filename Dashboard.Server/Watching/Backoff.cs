namespace Dashboard.Server.Watching;

/// <summary>
/// Exponential backoff with jitter, as client-go's reflector does it: from about 0.8 s doubling to 30 s,
/// back to the start once the last failure is a healthy stretch ago.
/// </summary>
public sealed class Backoff(TimeProvider time, TimeSpan initial, TimeSpan max, TimeSpan resetAfter)
{
    private TimeSpan _next;
    private DateTimeOffset _lastFailure = DateTimeOffset.MinValue;

    /// <summary>The delay before the next attempt after a failure.</summary>
    public TimeSpan NextDelay()
    {
        var now = time.GetUtcNow();
        if (_next == TimeSpan.Zero || now - _lastFailure > resetAfter)
        {
            _next = initial;
        }

        _lastFailure = now;
        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(max.Ticks, _next.Ticks * 2));
        // Jitter of up to +50%, so many reflectors that failed together do not retry together.
        return TimeSpan.FromTicks(Math.Min(max.Ticks, (long)(delay.Ticks * (1 + (Random.Shared.NextDouble() * 0.5)))));
    }
}
