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
    private readonly Dictionary<string, List<LiveView>> _byKind = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LiveView> _byKey = new(StringComparer.Ordinal);
    private readonly IDisposable _subscription;

    public ViewRegistry(FleetStore store, ClusterDirectory clusters, UsageStore? usage = null)
    {
        _store = store;
        _clusters = clusters;
        _usage = usage;
        _subscription = store.Subscribe(OnChange, out _);
        if (usage is not null)
        {
            usage.Changed += OnUsageChanged;
        }
    }

    public int Count => _store.Locked(() => _byKey.Count);

    /// <summary>A view for the query, shared with others that asked the same; unknown kinds are refused.</summary>
    public LiveView Acquire(ViewQuery query, AccessScope scope)
    {
        if (_clusters.Kind(query.Kind) is not { } kind)
        {
            throw new ArgumentException($"Unknown kind '{query.Kind}'", nameof(query));
        }

        var key = string.Join('\u001f', kind.Plural, Join(query.Clusters), Join(query.ClusterLabels?.Select(l => $"{l.Key}={l.Value}")),
            Join(query.Namespaces), query.Text?.Trim() ?? "", query.Sort ?? "", query.Descending ? "desc" : "asc", scope.Key);
        return _store.Locked(() =>
        {
            if (!_byKey.TryGetValue(key, out var view))
            {
                view = new LiveView(key, kind, query, scope, _clusters, _usage);
                view.Load(_store.List(kind.Kind));
                _byKey[key] = view;
                if (!_byKind.TryGetValue(kind.Kind, out var views))
                {
                    _byKind[kind.Kind] = views = [];
                }

                views.Add(view);
            }

            view.Subscribers++;
            return view;
        });
    }

    public void Release(LiveView view) => _store.Locked(() =>
    {
        if (--view.Subscribers == 0)
        {
            _byKey.Remove(view.Key);
            _byKind[view.Kind.Kind].Remove(view);
        }

        return true;
    });

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
