using Dashboard.Client.Live;
using Dashboard.Shared.Live;

namespace Dashboard.Client.Tests;

internal sealed class FakeFleetConnection : IFleetConnection
{
    public HubState State { get; private set; } = HubState.Connecting;

    public ServerInfo? Server { get; private set; }

    public bool Started { get; private set; }

    public event Action? Changed;

    public void EnsureStarted() => Started = true;

    public void Set(HubState state, ServerInfo? server = null)
    {
        State = state;
        Server = server ?? Server;
        Changed?.Invoke();
    }
}
