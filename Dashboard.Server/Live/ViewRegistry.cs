using System.Diagnostics;
using Dashboard.Server.Access;
using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>
/// The live views in use, one per distinct query (window aside) and scope. It is the store's one subscriber
/// for views: each change goes to the views of its kind, under the store's lock, so a view never misses or
/// doubles a change between its load and its first update.
/// </summary>
public sealed class ViewRegistry : IDisposable
{
    private readonly FleetStore _store;
    private readonly ClusterDirectory _clusters;
    private readonly UsageStore? _usage;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<LiveView, DateTimeOffset> _idle = [];
    private readonly Dictionary<string, List<LiveView>> _byKind = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LiveView> _byKey = new(StringComparer.Ordinal);
    private readonly IDisposable _subscription;

    public ViewRegistry(FleetStore store, ClusterDirectory clusters, UsageStore? usage = null, ILogger<ViewRegistry>? logger = null,
        TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _store = store;
        _clusters = clusters;
        _usage = usage;
        _subscription = store.Subscribe(OnChange, out _);
        if (usage is not null)
        {
            usage.Changed += OnUsageChanged;
        }
    }

    private static readonly TimeSpan SlowView = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a view nobody watches is kept, kept live, for whoever comes back to it (the back button, a tab switch).</summary>
    public static readonly TimeSpan KeepIdle = TimeSpan.FromSeconds(30);

    private const int MaxIdle = 8;

    public int Count => _store.Locked(() => _byKey.Count);

    /// <summary>A view for the query, shared with others that asked the same; unknown kinds are refused.</summary>
    public LiveView Acquire(ViewQuery query, AccessScope scope)
    {
        if (_clusters.Kind(query.Kind) is not { } kind)
        {
            throw new ArgumentException($"Unknown kind '{query.Kind}'", nameof(query));
        }

        var baseKey = string.Join('\u001f', kind.Plural, Join(query.Clusters), Join(query.ClusterLabels?.Select(l => $"{l.Key}={l.Value}")),
            Join(query.Namespaces), query.Sort ?? "", query.Descending ? "desc" : "asc", scope.Key);
        var key = $"{baseKey}\u001f{query.Text?.Trim()}";
        return _store.Locked(() =>
        {
            if (!_byKey.TryGetValue(key, out var view))
            {
                var started = Stopwatch.GetTimestamp();
                view = new LiveView(key, kind, query, scope, _clusters, _usage, baseKey);
                if (Superset(view) is { } source)
                {
                    view.LoadFrom(source);
                }
                else
                {
                    view.Load(_store.List(kind.Kind));
                }

                var took = Stopwatch.GetElapsedTime(started);
                _logger.Log(took > SlowView ? LogLevel.Warning : LogLevel.Debug,
                    "The live view of {Kind} ({Rows} rows) was made in {Milliseconds:F0} ms", kind.Plural, view.Total, took.TotalMilliseconds);
                _byKey[key] = view;
                if (!_byKind.TryGetValue(kind.Kind, out var views))
                {
                    _byKind[kind.Kind] = views = [];
                }

                views.Add(view);
            }

            view.Subscribers++;
            _idle.Remove(view);
            return view;
        });
    }

    /// <summary>One subscriber fewer; a view left without any is kept a while (<see cref="KeepIdle"/>), at most a few of them.</summary>
    public void Release(LiveView view) => _store.Locked(() =>
    {
        if (--view.Subscribers == 0)
        {
            _idle[view] = _time.GetUtcNow();
            if (_idle.Count > MaxIdle)
            {
                Drop(_idle.MinBy(i => i.Value).Key);
            }
        }

        return true;
    });

    /// <summary>One subscriber fewer, and the view forgotten at once when it has none (not kept idle).</summary>
    public void Discard(LiveView view) => _store.Locked(() =>
    {
        if (--view.Subscribers == 0)
        {
            Drop(view);
        }

        return true;
    });

    /// <summary>Drops the views nobody came back to.</summary>
    public void Sweep() => _store.Locked(() =>
    {
        var now = _time.GetUtcNow();
        foreach (var (view, since) in _idle.Where(i => now - i.Value >= KeepIdle).ToList())
        {
            Drop(view);
        }

        return true;
    });

    private void Drop(LiveView view)
    {
        _idle.Remove(view);
        _byKey.Remove(view.Key);
        _byKind[view.Kind.Kind].Remove(view);
    }

    /// <summary>Every view filters everything again, under the store's lock (cluster labels changed).</summary>
    public void Refilter()
    {
        _clusters.Refresh();
        _store.Locked(() =>
        {
            foreach (var view in _byKey.Values)
            {
                view.Reload(_store.List(view.Kind.Kind));
            }

            return true;
        });
    }

    private void OnChange(FleetChange change)
    {
        if (_byKind.TryGetValue(change.Resource.Kind, out var views))
        {
            foreach (var view in views)
            {
                view.Apply(change);
            }
        }
    }

    /// <summary>
    /// The smallest view in use that holds every object of <paramref name="view"/> in its order: the same view
    /// with a shorter text filter (typing "shop-1" after "shop"), or none. Every match of the longer text
    /// matches the shorter one, so one pass over it, without a sort, makes the new view.
    /// </summary>
    private LiveView? Superset(LiveView view)
    {
        if (view.Text is null || !_byKind.TryGetValue(view.Kind.Kind, out var views))
        {
            return null;
        }

        LiveView? best = null;
        foreach (var candidate in views)
        {
            if (candidate.BaseKey == view.BaseKey &&
                (candidate.Text is null || view.Text.Contains(candidate.Text, StringComparison.OrdinalIgnoreCase)) &&
                (best is null || candidate.Total < best.Total))
            {
                best = candidate;
            }
        }

        return best;
    }

    /// <summary>New use figures for a cluster's pods or nodes: the views of that kind make the changed rows again.</summary>
    private void OnUsageChanged(string cluster, string kind) => _store.Locked(() =>
    {
        if (_byKind.TryGetValue(kind, out var views))
        {
            foreach (var view in views)
            {
                view.RefreshUsage(cluster);
            }
        }

        return true;
    });

    private static string Join(IEnumerable<string>? values) => values is null ? "" : string.Join(',', values.Order(StringComparer.Ordinal));

    public void Dispose()
    {
        _subscription.Dispose();
        if (_usage is not null)
        {
            _usage.Changed -= OnUsageChanged;
        }
    }
}
