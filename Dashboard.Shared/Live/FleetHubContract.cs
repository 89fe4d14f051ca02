namespace Dashboard.Shared.Live;

/// <summary>The route of the one SignalR hub the browser talks to.</summary>
public static class FleetHubRoute
{
    public const string Path = "/hubs/fleet";
}

/// <summary>Methods the browser may call on the server.</summary>
public interface IFleetHub
{
    Task<ServerInfo> GetServerInfo();
}

/// <summary>Methods the server calls on a connected browser.</summary>
public interface IFleetClient
{
    /// <summary>Sent once to each new connection, so the client knows whom it talks to.</summary>
    Task Welcome(ServerInfo server);
}

public sealed record ServerInfo(string Version, string Instance, DateTime StartedAtUtc, string Database);
