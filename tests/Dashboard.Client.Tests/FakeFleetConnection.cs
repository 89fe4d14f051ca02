using Dashboard.Client.Live;
using Dashboard.Shared.Live;

namespace Dashboard.Client.Tests;

internal sealed class FakeFleetConnection : IFleetConnection
{
    public HubState State { get; private set; } = HubState.Connecting;

    public ServerInfo? ServerInfo { get; private set; }

    ServerInfo? IFleetConnection.Server => ServerInfo;

    public bool Started { get; private set; }

    public event Action? Changed;

    public event Func<Task>? Reconnected;

    public event Action? SignedOut;

    private readonly Dictionary<string, List<Delegate>> _handlers = [];

    /// <summary>Answers hub calls: (method, arguments) -> result.</summary>
    public Func<string, object?[], object?> Server { get; set; } = (method, _) => throw new InvalidOperationException($"no answer for {method}");

    public List<(string Method, object?[] Args)> Calls { get; } = [];

    public void EnsureStarted() => Started = true;

    public Task<T> InvokeAsync<T>(string method, params object?[] args)
    {
        Calls.Add((method, args));
        return Task.FromResult((T)Server(method, args)!);
    }

    public Task SendAsync(string method, params object?[] args)
    {
        Calls.Add((method, args));
        return Task.CompletedTask;
    }

    public IDisposable On<T>(string method, Action<T> handler)
    {
        if (!_handlers.TryGetValue(method, out var list))
        {
            _handlers[method] = list = [];
        }

        list.Add(handler);
        return new Removal(() => list.Remove(handler));
    }

    /// <summary>The server pushes a message to this client.</summary>
    public void Push<T>(string method, T message)
    {
        foreach (var handler in _handlers.GetValueOrDefault(method)?.ToList() ?? [])
        {
            ((Action<T>)handler)(message);
        }
    }

    /// <summary>The server ended the session (the hub's AccessChanged("signed-out"), or a 401 on connecting).</summary>
    public void RaiseSignedOut()
    {
        State = HubState.Offline;
        SignedOut?.Invoke();
    }

    public Task RaiseReconnectedAsync() => Reconnected?.Invoke() ?? Task.CompletedTask;

    private sealed class Removal(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }

    public void Set(HubState state, ServerInfo? server = null)
    {
        State = state;
        ServerInfo = server ?? ServerInfo;
        Changed?.Invoke();
    }
}
