using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Watching;

public sealed record ReflectorOptions
{
    public int PageSize { get; init; } = 500;

    public int MinWatchSeconds { get; init; } = 300;

    public int MaxWatchSeconds { get; init; } = 600;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Keeps the store's copy of one kind in one cluster equal to the cluster's, as client-go's reflector does:
/// a paged list, then a watch from the list's resourceVersion (bookmarks on, a random timeout of 5-10
/// minutes), resumed from the last version seen; a relist on 410 Gone; backoff with jitter on errors, with
/// Retry-After honoured on 429; a watch that ends at once without an event counts as an error.
/// </summary>
public sealed class Reflector(
    string cluster,
    WatchedKind kind,
    KubeApi api,
    FleetStore store,
    Interner interner,
    KindTracker tracker,
    ReflectorOptions options,
    TimeProvider time)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(time, options.InitialBackoff, options.MaxBackoff, TimeSpan.FromMinutes(2));
        string? resourceVersion = null;
        var listed = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    tracker.Listing(relist: listed);
                    resourceVersion = await ListAsync(cancellationToken);
                    listed = true;
                    tracker.Watching();
                }

                resourceVersion = await WatchAsync(resourceVersion, cancellationToken);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return; // stopping: whatever the last request said no longer matters
            }
            catch (KubeApiException e) when (e.IsGone)
            {
                tracker.Expired(e.Message);
                resourceVersion = null; // too old: list again, now
            }
            catch (Exception e)
            {
                // Any failure, expected (network, status, malformed stream) or not: report it and try again;
                // a reflector never stops while its cluster is registered.
                var delay = e is KubeApiException { RetryAfter: { } retryAfter } ? retryAfter : backoff.NextDelay();
                tracker.Failed(Describe(e), delay);
                try
                {
                    await Task.Delay(delay, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "the request timed out",
        _ => e.Message,
    };

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var items = new List<Resource>();
        string? continueToken = null;
        string? listVersion = null;
        do
        {
            var query = $"{kind.Path}?limit={options.PageSize.ToString(CultureInfo.InvariantCulture)}" +
                        (continueToken is null ? "" : $"&continue={Uri.EscapeDataString(continueToken)}");
            (continueToken, var version) = await api.GetJsonAsync(query, page =>
            {
                foreach (var item in page.Items("items"))
                {
                    items.Add(Project(item));
                }

                var meta = page.Get("metadata");
                return (meta.Str("continue") is { Length: > 0 } next ? next : null, meta.Str("resourceVersion"));
            }, cancellationToken);
            listVersion ??= version;
            tracker.Contact(api.LastLatency);
        }
        while (continueToken is not null);

        store.Replace(cluster, kind.Kind, items);
        return listVersion ?? "0";
    }

    private async Task<string> WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        var seconds = Random.Shared.Next(options.MinWatchSeconds, options.MaxWatchSeconds + 1);
        var query = $"{kind.Path}?watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}" +
                    $"&timeoutSeconds={seconds.ToString(CultureInfo.InvariantCulture)}";
        var started = time.GetTimestamp();
        var events = 0;
        var version = resourceVersion;
        await api.WatchAsync(query, line =>
        {
            events++;
            version = Apply(kind.Decode(line, kind, cluster, interner)) ?? version;
            tracker.Event();
        }, tracker.Watching, cancellationToken);

        if (events == 0 && time.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
        {
            throw new KubeApiException(null, "the watch closed at once without an event");
        }

        tracker.Contact(null);
        return version;
    }

    private string? Apply(WatchEvent e)
    {
        switch (e.Type)
        {
            case "ADDED":
            case "MODIFIED":
                store.Upsert(e.Resource!);
                break;
            case "DELETED":
                if (e.Uid is { } uid)
                {
                    store.Delete(cluster, kind.Kind, uid);
                }

                break;
            case "BOOKMARK":
                break;
            default:
                throw new KubeApiException(null, $"unknown watch event type '{e.Type}'");
        }

        return e.ResourceVersion;
    }

    private Resource Project(JsonElement item) =>
        new(kind.Kind, Projections.Meta(item, cluster, interner), kind.Project(item, interner));
}
