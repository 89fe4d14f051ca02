using System.Buffers;
using System.Diagnostics;
using Dashboard.Server.Clusters;
using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Dashboard.Server.Live;

/// <summary>
/// The first person to open the pods page after a start would pay for what runs there the first time: the
/// JIT of the view's filtering and sorting, and the hub protocols' serializers, generated at first use. Once
/// the pods are first listed, this builds the pods view and its first window and writes it through each hub
/// protocol, then forgets them (nothing stays cached), so that the server has paid for it instead.
/// </summary>
public sealed class LiveWarmUp(FleetWatcher fleet, FleetStore store, LiveSubscriptions subscriptions, IEnumerable<IHubProtocol> protocols,
    TimeProvider time, ILogger<LiveWarmUp> logger) : BackgroundService
{
    private static readonly TimeSpan WaitForPods = TimeSpan.FromMinutes(2);

    /// <summary>The rows of the view built, once it was.</summary>
    public int? Rows { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var pods = WatchedKinds.ByPlural["pods"];
            var deadline = time.GetUtcNow() + WaitForPods;
            while (fleet.Clusters.Sum(c => store.Count(c.Name, pods.Kind)) == 0 && time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), time, stoppingToken);
            }

            await fleet.WaitForFirstSyncAsync(pods, WaitForPods, stoppingToken);
            // Twice: the first pass runs the code as the JIT first made it; tiered compilation then recompiles
            // what ran hot, and the second pass runs (and settles) that.
            var started = Stopwatch.GetTimestamp();
            ViewSnapshot snapshot = null!;
            for (var pass = 0; pass < 2; pass++)
            {
                if (pass > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), time, stoppingToken);
                }

                snapshot = subscriptions.WarmUp(new ViewQuery(pods.Plural, Count: 50));
                foreach (var protocol in protocols)
                {
                    protocol.WriteMessage(CompletionMessage.WithResult("warm-up", snapshot), new ArrayBufferWriter<byte>());
                    protocol.WriteMessage(new InvocationMessage(nameof(IFleetClient.ViewChanged),
                        [new ViewDelta(snapshot.SubscriptionId, snapshot.Sequence, snapshot.Total, snapshot.Offset, [.. snapshot.Rows.Select(r => r.Key)], snapshot.Rows)]),
                        new ArrayBufferWriter<byte>());
                }
            }

            Rows = snapshot.Total;
            logger.LogInformation("Warmed up the live views ({Rows} pods) in {Milliseconds:F0} ms", snapshot.Total, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Warming up the live views failed; the first view will be slower");
        }
    }
}
