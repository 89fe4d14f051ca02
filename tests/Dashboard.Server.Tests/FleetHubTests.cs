using Dashboard.Shared.Live;
using Dashboard.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests;

public sealed class FleetHubTests
{
    [Fact]
    public async Task Hub_speaks_messagepack_welcomes_the_client_and_answers_calls()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using var factory = new DashboardFactory(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = database.ConnectionString });
        _ = factory.Server;

        var welcome = new TaskCompletionSource<ServerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = factory.Hub(await factory.TokenAsync());
        connection.On<ServerInfo>(nameof(IFleetClient.Welcome), info => welcome.TrySetResult(info));

        await connection.StartAsync();

        var welcomed = await welcome.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var info = await connection.InvokeAsync<ServerInfo>(nameof(IFleetHub.GetServerInfo));
        Assert.Equal(welcomed, info);
        Assert.Equal("PostgreSql", info.Database);
        Assert.Equal(DateTimeKind.Utc, info.StartedAtUtc.Kind);
    }
}
