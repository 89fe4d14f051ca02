using Dashboard.Server.Access;
using Dashboard.Server.State;
using Dashboard.Server.Watching;
using Dashboard.Shared.Fleet;
using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>
/// One filtered, sorted set of objects, kept up to date change by change (a binary search per change, never
/// a re-sort), and shared by every subscription whose query differs only in its window.
/// </summary>
public sealed class LiveView
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _sorted = [];
    private readonly Dictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
    private readonly Column _sortColumn;
    private readonly EntryComparer _comparer;
    private readonly Func<Resource, bool> _filter;
    private readonly UsageStore? _usage;

    public LiveView(string key, WatchedKind kind, ViewQuery query, AccessScope scope, ClusterDirectory clusters, UsageStore? usage = null)
    {
        Key = key;
        Kind = kind;
        Columns = KindColumns.For(kind);
        _usage = Columns.Any(c => c.ShowsUsage) ? usage : null;
        _sortColumn = Columns.FirstOrDefault(c => c.Name.Equals(query.Sort ?? "", StringComparison.OrdinalIgnoreCase))
                      ?? Columns.First(c => c.Name == "Name");
        _comparer = new EntryComparer(query.Descending);
        _filter = Filter(query, scope, clusters);
        ScopeKey = scope.Key;
    }

    /// <summary>Whose rights this view was made for; a subscription resumed under other rights gets another view.</summary>
    public string ScopeKey { get; }

    public string Key { get; }

    public WatchedKind Kind { get; }

    public IReadOnlyList<Column> Columns { get; }

    /// <summary>Bumped by every change that touched the view.</summary>
    public long Version { get; private set; }

    public int Subscribers { get; set; }

    public int Total
    {
        get
        {
            lock (_gate)
            {
                return _sorted.Count;
            }
        }
    }

    /// <summary>Filters everything again (a cluster's labels changed, and with them who may see what).</summary>
    public void Reload(IEnumerable<Resource> resources)
    {
        lock (_gate)
        {
            _sorted.Clear();
            _byKey.Clear();
        }

        Load(resources);
    }

    public void Load(IEnumerable<Resource> resources)
    {
        lock (_gate)
        {
            foreach (var resource in resources.Where(_filter))
            {
                var entry = NewEntry(KeyOf(resource), resource);
                _byKey[entry.Key] = entry;
                _sorted.Add(entry);
            }

            _sorted.Sort(_comparer);
            Version++;
        }
    }

    public void Apply(FleetChange change)
    {
        var key = KeyOf(change.Resource);
        lock (_gate)
        {
            var touched = false;
            if (_byKey.Remove(key, out var old))
            {
                _sorted.RemoveAt(IndexOf(old));
                touched = true;
            }

            if (change.Type == ChangeType.Upsert && _filter(change.Resource))
            {
                var entry = NewEntry(key, change.Resource);
                var index = _sorted.BinarySearch(entry, _comparer);
                _sorted.Insert(index < 0 ? ~index : index, entry);
                _byKey[key] = entry;
                touched = true;
            }

            if (touched)
            {
                Version++;
            }
        }
    }

    /// <summary>
    /// The rows at [offset, offset + count), the total and the version they were read at. Rows are made once,
    /// when their object changes, not for every browser at every batch.
    /// </summary>
    public (List<ViewRow> Rows, int Total, long Version) Window(int offset, int count)
    {
        lock (_gate)
        {
            var start = Math.Clamp(offset, 0, _sorted.Count);
            var end = Math.Min(_sorted.Count, start + count);
            var rows = new List<ViewRow>(end - start);
            for (var i = start; i < end; i++)
            {
                rows.Add(_sorted[i].Row);
            }

            return (rows, _sorted.Count, Version);
        }
    }

    /// <summary>
    /// New CPU and memory figures for a cluster: the rows whose use changed are made again (their version
    /// carries the use, so browsers showing them get them); a view sorted by use is sorted again.
    /// </summary>
    public void RefreshUsage(string cluster)
    {
        if (_usage is null)
        {
            return;
        }

        lock (_gate)
        {
            var touched = false;
            for (var i = 0; i < _sorted.Count; i++)
            {
                var entry = _sorted[i];
                var meta = entry.Resource.Meta;
                if (meta.Cluster != cluster ||
                    ReferenceEquals(_usage.Get(cluster, Kind.Kind, meta.Namespace, meta.Name), entry.Usage))
                {
                    continue;
                }

                _sorted[i] = _byKey[entry.Key] = NewEntry(entry.Key, entry.Resource);
                touched = true;
            }

            if (touched)
            {
                if (_sortColumn.ShowsUsage)
                {
                    _sorted.Sort(_comparer);
                }

                Version++;
            }
        }
    }

    private Entry NewEntry(string key, Resource resource)
    {
        var meta = resource.Meta;
        var usage = _usage?.Get(meta.Cluster, Kind.Kind, meta.Namespace, meta.Name);
        var cells = new string[Columns.Count];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = Columns[i].Text(resource, usage);
        }

        // The version tells browsers a row changed: the object's, and the use shown with it.
        var version = usage is null ? meta.ResourceVersion : $"{meta.ResourceVersion}.{usage.CpuMillicores}.{usage.MemoryBytes}";
        return new Entry(key, _sortColumn.Value(resource, usage), resource, new ViewRow(key, meta.Cluster, meta.Namespace, meta.Name, version, cells), usage);
    }

    public static string KeyOf(Resource resource) => $"{resource.Meta.Cluster}/{resource.Meta.Uid}";

    private int IndexOf(Entry entry)
    {
        var index = _sorted.BinarySearch(entry, _comparer);
        return index >= 0 ? index : _sorted.FindIndex(e => ReferenceEquals(e, entry));
    }

    private static Func<Resource, bool> Filter(ViewQuery query, AccessScope scope, ClusterDirectory clusters)
    {
        var names = query.Clusters is { Count: > 0 } c ? c.ToHashSet(StringComparer.Ordinal) : null;
        var namespaces = query.Namespaces is { Count: > 0 } n ? n.ToHashSet(StringComparer.Ordinal) : null;
        var labels = query.ClusterLabels is { Count: > 0 } l ? l : null;
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        var needsLabels = labels is not null || !ReferenceEquals(scope, AccessScope.Everything);
        return r =>
        {
            var cluster = r.Meta.Cluster;
            if ((names is not null && !names.Contains(cluster)) ||
                (namespaces is not null && (r.Meta.Namespace is null || !namespaces.Contains(r.Meta.Namespace))))
            {
                return false;
            }

            // Cluster labels are looked up only when a filter or the scope needs them (this runs for every change).
            var clusterLabels = needsLabels ? clusters.LabelsOf(cluster) : null;
            if (labels is not null && !labels.All(l => LabelValue(clusterLabels, l.Key)?.Equals(l.Value, StringComparison.OrdinalIgnoreCase) == true))
            {
                return false;
            }

            if (!scope.Allows(cluster, clusterLabels, r.Meta.Namespace))
            {
                return false;
            }

            return text is null ||
                   r.Meta.Name.Contains(text, StringComparison.OrdinalIgnoreCase) ||
                   (r.Meta.Namespace?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false) ||
                   cluster.Contains(text, StringComparison.OrdinalIgnoreCase);
        };
    }

    private static string? LabelValue(ClusterLabels? labels, string key) => key.ToUpperInvariant() switch
    {
        "PROVIDER" => labels?.Provider,
        "ENVIRONMENT" => labels?.Environment,
        "REGION" => labels?.Region,
        _ => null,
    };

    private sealed record Entry(string Key, IComparable? SortValue, Resource Resource, ViewRow Row, ResourceUsage? Usage);

    /// <summary>The sort column's value, then cluster, namespace, name and key: a total order, so positions are stable.</summary>
    private sealed class EntryComparer(bool descending) : IComparer<Entry>
    {
        public int Compare(Entry? x, Entry? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            var byValue = CompareValues(x!.SortValue, y!.SortValue);
            if (byValue != 0)
            {
                return descending ? -byValue : byValue;
            }

            var c = string.CompareOrdinal(x.Resource.Meta.Cluster, y.Resource.Meta.Cluster);
            if (c == 0)
            {
                c = string.CompareOrdinal(x.Resource.Meta.Namespace, y.Resource.Meta.Namespace);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(x.Resource.Meta.Name, y.Resource.Meta.Name);
            }

            return c != 0 ? c : string.CompareOrdinal(x.Key, y.Key);
        }

        private static int CompareValues(IComparable? a, IComparable? b) => (a, b) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            (string s, string t) => string.Compare(s, t, StringComparison.OrdinalIgnoreCase),
            _ when a.GetType() == b.GetType() => a.CompareTo(b),
            _ => string.CompareOrdinal(a.ToString(), b.ToString()),
        };
    }
}
