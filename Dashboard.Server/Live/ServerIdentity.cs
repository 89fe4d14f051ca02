using System.Reflection;
using Dashboard.Server.Data;
using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>What this server process is, as told to its clients.</summary>
public sealed class ServerIdentity(DatabaseTarget database, TimeProvider time)
{
    public ServerInfo Info { get; } = new(
        typeof(ServerIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev",
        $"{Environment.MachineName}/{Environment.ProcessId}",
        time.GetUtcNow().UtcDateTime,
        database.Provider.ToString());
}
