using System.Net;
using Dashboard.Client.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Client.Tests;

public sealed class FleetConnectionTests : IAsyncDisposable
{
    private readonly FleetConnection _connection;
    private int _signedOut;

    public FleetConnectionTests()
    {
        _connection = new FleetConnection(new LocalNavigation(), new FakeTimeProvider());
        _connection.SignedOut += () => _signedOut++;
    }

    [Fact]
    public async Task Signed_out_by_the_server_the_connection_goes_offline_for_good_and_says_so_once()
    {
        _connection.OnAccessChanged("signed-out");
        _connection.OnAccessChanged("signed-out");
        await Task.Yield();

        Assert.Equal(HubState.Offline, _connection.State);
        Assert.Equal(1, _signedOut);
    }

    [Fact]
    public void Rescoped_leaves_the_reconnect_to_resume()
    {
        _connection.OnAccessChanged("rescoped");

        Assert.Equal(HubState.Connecting, _connection.State);
        Assert.Equal(0, _signedOut);
    }

    [Fact]
    public void The_retry_policy_stops_only_at_a_refusal()
    {
        var refused = 0;
        var policy = new FleetConnection.ForeverRetryPolicy(() => refused++);

        var away = policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 9, RetryReason = new HttpRequestException("connection refused") });
        var unauthorized = policy.NextRetryDelay(new RetryContext
        {
            PreviousRetryCount = 1,
            RetryReason = new HttpRequestException("Response status code does not indicate success: 401 (Unauthorized).", null, HttpStatusCode.Unauthorized),
        });

        Assert.Equal(TimeSpan.FromSeconds(10), away);
        Assert.Null(unauthorized);
        Assert.Equal(1, refused);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private sealed class LocalNavigation : NavigationManager
    {
        public LocalNavigation() => Initialize("http://localhost/", "http://localhost/");
    }
}
