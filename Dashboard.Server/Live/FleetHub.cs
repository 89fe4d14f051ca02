using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Server.Live;

/// <summary>The one hub every browser connects to; later issues add subscriptions and actions here.</summary>
public sealed class FleetHub(ServerIdentity identity) : Hub<IFleetClient>, IFleetHub
{
    public override async Task OnConnectedAsync()
    {
        await Clients.Caller.Welcome(identity.Info);
        await base.OnConnectedAsync();
    }

    public Task<ServerInfo> GetServerInfo() => Task.FromResult(identity.Info);
}
