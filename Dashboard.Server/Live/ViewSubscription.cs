using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>
/// One browser's window onto a shared <see cref="LiveView"/>. It remembers what it last sent (the window's
/// keys and row versions), so each batch carries only the difference, collapsed per object (the latest
/// wins), and a slow browser never makes the server queue: it just gets coarser batches.
/// </summary>
public sealed class ViewSubscription(string id, string connectionId, LiveView view, ViewQuery query)
{
    private const int ReplayLimit = 64;
    private readonly Lock _gate = new();
    private readonly LinkedList<ViewDelta> _recent = new();
    private List<string> _sentKeys = [];
    private Dictionary<string, string> _sentVersions = new(StringComparer.Ordinal);
    private int _sentTotal = -1;
    private long _sentViewVersion = -1;

    public string Id { get; } = id;

    public string ConnectionId { get; set; } = connectionId;

    public LiveView View { get; private set; } = view;

    public ViewQuery Query { get; private set; } = query;

    public long Sequence { get; private set; }

    /// <summary>Set while a batch is on its way to the browser: the next one waits for it.</summary>
    public bool Sending { get; set; }

    /// <summary>When the connection went away (kept a while for a resume), else null.</summary>
    public DateTimeOffset? OrphanedAt { get; set; }

    public bool HasChanges => View.Version != _sentViewVersion;

    /// <summary>Everything in the window now; what follows is relative to it.</summary>
    public ViewSnapshot Snapshot()
    {
        lock (_gate)
        {
            var (wire, total, version) = View.Window(Query.Offset, Query.Count);
            Remember(wire, total, version);
            _recent.Clear();
            Sequence++;
            return new ViewSnapshot(Id, Sequence, total, Query.Offset, View.Columns.Select(c => c.Wire).ToList(), wire);
        }
    }

    /// <summary>Points the subscription at another view or window (the caller takes a snapshot next).</summary>
    public LiveView Retarget(LiveView view, ViewQuery query)
    {
        lock (_gate)
        {
            var old = View;
            View = view;
            Query = query;
            return old;
        }
    }

    /// <summary>The difference since the last batch, or null when the window shows nothing new.</summary>
    public ViewDelta? NextDelta()
    {
        lock (_gate)
        {
            if (!HasChanges)
            {
                return null;
            }

            var (wire, total, version) = View.Window(Query.Offset, Query.Count);
            var changed = wire.Where(r => !_sentVersions.TryGetValue(r.Key, out var v) || v != r.Version).ToList();
            var keys = wire.Select(r => r.Key).ToList();
            var sameWindow = changed.Count == 0 && total == _sentTotal && keys.SequenceEqual(_sentKeys);
            Remember(wire, total, version);
            if (sameWindow)
            {
                return null; // the change fell outside this window
            }

            Sequence++;
            var delta = new ViewDelta(Id, Sequence, total, Query.Offset, keys, changed);
            _recent.AddLast(delta);
            if (_recent.Count > ReplayLimit)
            {
                _recent.RemoveFirst();
            }

            return delta;
        }
    }

    /// <summary>The batches after <paramref name="lastSequence"/>, when they are all still held; else null.</summary>
    public IReadOnlyList<ViewDelta>? Since(long lastSequence)
    {
        lock (_gate)
        {
            if (lastSequence == Sequence)
            {
                return [];
            }

            var missed = _recent.Where(d => d.Sequence > lastSequence).ToList();
            return missed.Count > 0 && missed[0].Sequence == lastSequence + 1 && lastSequence < Sequence ? missed : null;
        }
    }

    private void Remember(List<ViewRow> rows, int total, long version)
    {
        _sentKeys = rows.Select(r => r.Key).ToList();
        _sentVersions = rows.ToDictionary(r => r.Key, r => r.Version, StringComparer.Ordinal);
        _sentTotal = total;
        _sentViewVersion = version;
    }
}
