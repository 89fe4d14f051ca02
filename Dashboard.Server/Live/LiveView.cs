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
    private readonly Dictionary<(string Cluster, string Uid), Entry> _byKey = [];
    private readonly Column _sortColumn;
    private readonly EntryComparer _comparer;
    private readonly Func<Resource, bool> _filter;
    private readonly UsageStore? _usage;

    public LiveView(string key, WatchedKind kind, ViewQuery query, AccessScope scope, ClusterDirectory clusters, UsageStore? usage = null,
        string? baseKey = null)
    {
        Key = key;
        BaseKey = baseKey ?? key;
        Text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
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

    /// <summary>The key of the same view without its text filter: views sharing it differ only in the text.</summary>
    public string BaseKey { get; }

    /// <summary>The text filter, trimmed (null for none).</summary>
    public string? Text { get; }

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
    public void Reload(IReadOnlyCollection<Resource> resources)
    {
        lock (_gate)
        {
            _sorted.Clear();
            _byKey.Clear();
        }

        Load(resources);
    }

    public void Load(IReadOnlyCollection<Resource> resources)
    {
        lock (_gate)
        {
            var entries = new List<Entry>(resources.Count);
            _byKey.EnsureCapacity(resources.Count);
            foreach (var resource in resources)
            {
                if (_filter(resource))
                {
                    var entry = NewEntry(resource);
                    _byKey[KeyOf(entry)] = entry;
                    entries.Add(entry);
                }
            }

            _sorted.Clear();
            _sorted.AddRange(Sorted(entries));
            Version++;
        }
    }

    /// <summary>A large set is sorted in two halves at once and merged (a first view of 150k pods is waited for).</summary>
    private IEnumerable<Entry> Sorted(List<Entry> entries)
    {
        if (entries.Count < ParallelSortAbove || Environment.ProcessorCount < 2)
        {
            entries.Sort(_comparer);
            return entries;
        }

        var all = entries.ToArray();
        var mid = all.Length / 2;
        Parallel.Invoke(() => Array.Sort(all, 0, mid, _comparer), () => Array.Sort(all, mid, all.Length - mid, _comparer));
        var merged = new Entry[all.Length];
        int a = 0, b = mid, m = 0;
        while (a < mid && b < all.Length)
        {
            merged[m++] = _comparer.Compare(all[a], all[b]) <= 0 ? all[a++] : all[b++];
        }

        Array.Copy(all, a, merged, m, mid - a);
        m += mid - a;
        Array.Copy(all, b, merged, m, all.Length - b);
        return merged;
    }

    private const int ParallelSortAbove = 20_000;

    /// <summary>
    /// Loads from a view that holds all of this one's objects in this one's order (the same query, sort and
    /// scope with a text filter this one's text contains): one pass, no sort, its entries shared.
    /// </summary>
    public void LoadFrom(LiveView source)
    {
        lock (source._gate)
        {
            lock (_gate)
            {
                foreach (var entry in source._sorted)
                {
                    if (_filter(entry.Resource))
                    {
                        _byKey[KeyOf(entry)] = entry;
                        _sorted.Add(entry);
                    }
                }

                Version++;
            }
        }
    }

    public void Apply(FleetChange change)
    {
        var key = (change.Resource.Meta.Cluster, change.Resource.Meta.Uid);
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
                var entry = NewEntry(change.Resource);
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
    /// The rows at [offset, offset + count), the total and the version they were read at. A row is made the
    /// first time a window shows it after its object (or its use) changed, not for every browser at every
    /// batch, and never for the many rows nobody scrolls to.
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
                var entry = _sorted[i];
                rows.Add(entry.Row ??= MakeRow(entry));
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

                _sorted[i] = _byKey[KeyOf(entry)] = NewEntry(entry.Resource);
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

    private Entry NewEntry(Resource resource)
    {
        var meta = resource.Meta;
        var usage = _usage?.Get(meta.Cluster, Kind.Kind, meta.Namespace, meta.Name);
        return new Entry(_sortColumn.Value(resource, usage), resource, usage);
    }

    private static (string Cluster, string Uid) KeyOf(Entry entry) => (entry.Resource.Meta.Cluster, entry.Resource.Meta.Uid);

    private ViewRow MakeRow(Entry entry)
    {
        var (resource, usage) = (entry.Resource, entry.Usage);
        var meta = resource.Meta;
        var cells = new string[Columns.Count];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = Columns[i].Text(resource, usage);
        }

        // The version tells browsers a row changed: the object's, and the use shown with it.
        var version = usage is null ? meta.ResourceVersion : $"{meta.ResourceVersion}.{usage.CpuMillicores}.{usage.MemoryBytes}";
        return new ViewRow(KeyOf(resource), meta.Cluster, meta.Namespace, meta.Name, version, cells);
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

            if (!scope.AllowsObject(r, clusterLabels))
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

    /// <summary>One object in the view: its sort value, and its row once a window has shown it.</summary>
    private sealed class Entry(IComparable? sortValue, Resource resource, ResourceUsage? usage)
    {
        public IComparable? SortValue { get; } = sortValue;

        public Resource Resource { get; } = resource;

        public ResourceUsage? Usage { get; } = usage;

        public ViewRow? Row { get; set; }
    }

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

            return c != 0 ? c : string.CompareOrdinal(x.Resource.Meta.Uid, y.Resource.Meta.Uid);
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
