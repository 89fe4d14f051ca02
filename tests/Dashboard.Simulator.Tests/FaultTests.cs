using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Dashboard.Simulator.Tests;

/// <summary>Every fault knob, through the C# API and through the control listener.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private SimulatedFleet _fleet = null!;

    private SimulatedCluster Cluster => _fleet.Clusters[0];

    public async Task InitializeAsync() => _fleet = await SimulatedFleet.StartAsync(Fast.Options("minimal"));

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    private static async Task<StreamReader> OpenWatchAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new StreamReader(await response.Content.ReadAsStreamAsync());
    }

    [Fact]
    public async Task CutWatches_EndsOpenStreams()
    {
        using var client = Fast.Client(Cluster);
        using var reader = await OpenWatchAsync(client, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + Cluster.Store.CurrentVersion);
        var read = reader.ReadToEndAsync();
        await Fast.UntilAsync(() => Cluster.Store.Watchers().Count > 0, "watch registered");
        Assert.False(read.IsCompleted);
        Cluster.Faults.CutWatches();
        await read.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Next410_AnswersTheNextWatchWithAnExpiredErrorEvent()
    {
        using var client = Fast.Client(Cluster);
        Cluster.Faults.Next410();
        using var reader = await OpenWatchAsync(client, "/api/v1/pods?watch=true&resourceVersion=1");
        var line = await reader.ReadLineAsync();
        var e = JsonNode.Parse(line!)!;
        Assert.Equal("ERROR", (string?)e["type"]);
        Assert.Equal(410, (int)e["object"]!["code"]!);
        using var next = await OpenWatchAsync(client, "/api/v1/pods?watch=true&timeoutSeconds=1");
        Assert.Equal("ADDED", (string?)JsonNode.Parse((await next.ReadLineAsync())!)!["type"]);
    }

    [Fact]
    public async Task Latency_DelaysAnswers()
    {
        using var client = Fast.Client(Cluster);
        Cluster.Faults.Latency = TimeSpan.FromMilliseconds(400);
        var watch = Stopwatch.StartNew();
        (await client.GetAsync("/api/v1/namespaces")).EnsureSuccessStatusCode();
        Assert.True(watch.ElapsedMilliseconds >= 380, $"took {watch.ElapsedMilliseconds} ms");
        Cluster.Faults.Latency = TimeSpan.Zero;
    }

    [Fact]
    public async Task InjectMalformedLine_WritesALineThatIsNotJson()
    {
        using var client = Fast.Client(Cluster);
        using var reader = await OpenWatchAsync(client, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + Cluster.Store.CurrentVersion);
        await Fast.UntilAsync(() => Cluster.Store.Watchers().Count > 0, "watch registered");
        Cluster.Faults.InjectMalformedLine();
        var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => { _ = JsonNode.Parse(line!); });
    }

    [Fact]
    public async Task GoDown_RefusesConnections_ComeUp_ServesOnTheSamePort()
    {
        var server = Cluster.Server;
        await Cluster.Faults.GoDownAsync();
        Assert.True(Cluster.Faults.IsDown);
        using (var client = Fast.Client(Cluster))
        {
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/version"));
            Assert.Equal(SocketError.ConnectionRefused, (error.InnerException as SocketException)?.SocketErrorCode);
        }

        await Cluster.Faults.ComeUpAsync();
        Assert.Equal(server, Cluster.Server);
        using var again = Fast.Client(Cluster);
        (await again.GetAsync("/version")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Throttle429_AnswersTooManyRequestsWithRetryAfter()
    {
        using var client = Fast.Client(Cluster);
        Cluster.Faults.Throttle429(2);
        using var first = await client.GetAsync("/api/v1/pods");
        using var second = await client.GetAsync("/api/v1/pods");
        using var third = await client.GetAsync("/api/v1/pods");
        Assert.Equal((HttpStatusCode)429, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), first.Headers.RetryAfter?.Delta);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task ControlListener_SwitchesFaultsOverHttp_AndStaysUpWhileAClusterIsDown()
    {
        using var control = new HttpClient { BaseAddress = _fleet.ControlUri };
        var clusters = JsonNode.Parse(await control.GetStringAsync("/clusters"))!.AsArray();
        Assert.Equal(Cluster.Name, (string?)clusters[0]!["name"]);

        (await control.PostAsync($"/clusters/{Cluster.Name}/faults/throttle?count=1", null)).EnsureSuccessStatusCode();
        using var client = Fast.Client(Cluster);
        Assert.Equal((HttpStatusCode)429, (await client.GetAsync("/api")).StatusCode);

        (await control.PostAsync($"/clusters/{Cluster.Name}/faults/down", null)).EnsureSuccessStatusCode();
        Assert.True(Cluster.IsDown);
        Assert.Contains("\"down\":true", await control.GetStringAsync("/clusters"), StringComparison.Ordinal);
        (await control.PostAsync($"/clusters/{Cluster.Name}/faults/up", null)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/version")).StatusCode);

        (await control.PostAsync("/clusters/all/faults/latency?ms=300", null)).EnsureSuccessStatusCode();
        Assert.Equal(TimeSpan.FromMilliseconds(300), Cluster.Faults.Latency);
        (await control.PostAsync("/clusters/all/faults/reset", null)).EnsureSuccessStatusCode();
        Assert.Equal(TimeSpan.Zero, Cluster.Faults.Latency);

        var node = Cluster.NodeNames[1];
        (await control.PostAsync($"/clusters/{Cluster.Name}/nodes/{node}/fail", null)).EnsureSuccessStatusCode();
        Assert.Contains("\"Unknown\"", Cluster.GetJson("nodes", null, node)!, StringComparison.Ordinal);
        (await control.PostAsync($"/clusters/{Cluster.Name}/nodes/{node}/recover", null)).EnsureSuccessStatusCode();
        (await control.PostAsync($"/clusters/{Cluster.Name}/deployments/shop/payments/scale?replicas=3", null)).EnsureSuccessStatusCode();
        await Fast.UntilAsync(() => Fast.PodsOf(Cluster, "shop", "payments").Count() == 3, "payments scaled through the control listener");
        Assert.Equal(HttpStatusCode.NotFound, (await control.PostAsync("/clusters/nope/faults/down", null)).StatusCode);
    }

    [Fact]
    public async Task Bookmarks_ArriveWhenAskedFor_AndTimeoutSecondsEndsTheStream()
    {
        using var client = Fast.Client(Cluster);
        var rv = Cluster.Store.CurrentVersion;
        using var reader = await OpenWatchAsync(client, $"/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=2&resourceVersion={rv}");
        var all = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var bookmark = all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).First(e => (string?)e["type"] == "BOOKMARK");
        Assert.True(long.Parse((string)bookmark["object"]!["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture) >= rv);
    }
}
