namespace Dashboard.Simulator.Store;

/// <summary>One change as the watch stream sends it: ADDED, MODIFIED or DELETED with the object after the change.</summary>
internal sealed record WatchEvent(string Type, StoredObject Object, StoredObject? Previous = null)
{
    public long ResourceVersion => Object.ResourceVersion;
}

/// <summary>A watch stream's subscription: the events from before it started (replay) and a channel of live ones.</summary>
internal sealed class Watcher
{
    private readonly System.Threading.Channels.Channel<WatchEvent?> _channel =
        System.Threading.Channels.Channel.CreateUnbounded<WatchEvent?>(new() { SingleReader = true });

    public Watcher(ResourceKind kind, string? ns)
    {
        Kind = kind;
        Namespace = ns;
    }

    public ResourceKind Kind { get; }

    public string? Namespace { get; }

    public CancellationTokenSource Cut { get; } = new();

    public List<WatchEvent> Replay { get; } = [];

    /// <summary>Live events; a null item asks the stream to write a malformed line (a fault).</summary>
    public System.Threading.Channels.ChannelReader<WatchEvent?> Reader => _channel.Reader;

    public void Offer(WatchEvent? e) => _channel.Writer.TryWrite(e);

    public bool Wants(StoredObject o) => o.Kind == Kind && (Namespace is null || Namespace == o.Namespace);
}
