using System.Net;
using System.Text.Json;
using Dashboard.Shared.Live;
using Dashboard.Simulator;
using Dashboard.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Fleet;

/// <summary>The read API and /metrics over real HTTP, on a server watching a simulated fleet through a kubeconfig.</summary>
public sealed class FleetApiTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-api-");
    private SimulatedFleet _fleet = null!;
    private TestDatabase _database = null!;
    private DashboardFactory _factory = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _fleet = await SimulatedFleet.StartAsync(new FleetOptions());
        var kubeconfig = Path.Combine(_dir.FullName, "kubeconfig");
        _fleet.WriteKubeconfig(kubeconfig);
        _database = await TestPostgres.CreateDatabaseAsync();
        _factory = new DashboardFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = _database.ConnectionString,
            ["Clusters:Kubeconfigs:0"] = kubeconfig,
            ["Fleet:UsageSeconds"] = "1",
        });
        _http = await _factory.AdminClientAsync();
        await Network.WaitUntilAsync(async () =>
        {
            using var clusters = JsonDocument.Parse(await _http.GetStringAsync("/api/clusters"));
            return clusters.RootElement.GetArrayLength() == 4 &&
                   clusters.RootElement.EnumerateArray().All(c => c.GetProperty("state").GetString() == "Live");
        }, TimeSpan.FromSeconds(60), "every cluster to be Live");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
        await _fleet.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Clusters_carry_labels_state_version_support_and_counts()
    {
        using var clusters = JsonDocument.Parse(await _http.GetStringAsync("/api/clusters"));

        var aws = clusters.RootElement.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "aws-prod");
        Assert.Equal("aws", aws.GetProperty("labels").GetProperty("provider").GetString());
        Assert.Equal("prod", aws.GetProperty("labels").GetProperty("environment").GetString());
        Assert.Equal(_fleet["aws-prod"].Region, aws.GetProperty("labels").GetProperty("region").GetString());
        Assert.Equal("Live", aws.GetProperty("state").GetString());
        Assert.Equal(_fleet["aws-prod"].KubernetesVersion, aws.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.True, aws.GetProperty("endOfSupport").ValueKind); // every simulated minor (1.27-1.33) is past its end of life in 2026-11
        Assert.True(aws.GetProperty("lastContact").GetDateTime() > DateTime.UtcNow.AddMinutes(-1));
        Assert.Equal(JsonValueKind.Null, aws.GetProperty("error").ValueKind);
        Assert.Equal(_fleet["aws-prod"].Count("nodes"), aws.GetProperty("counts").GetProperty("Node").GetInt32());
    }

    [Fact]
    public async Task Resources_filter_sort_and_page_on_the_server()
    {
        using var page = JsonDocument.Parse(await _http.GetStringAsync("/api/resources/deployments?cluster=gcp-staging&namespace=shop&sort=-name&offset=1&count=2"));

        var names = page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("meta").GetProperty("name").GetString()).ToList();
        var all = _fleet["gcp-staging"].ListJson("deployments", "shop", "apps")
            .Select(j => JsonDocument.Parse(j).RootElement.GetProperty("metadata").GetProperty("name").GetString()).OrderDescending().ToList();
        Assert.Equal(all.Skip(1).Take(2), names);
        Assert.Equal(all.Count, page.RootElement.GetProperty("total").GetInt32());

        using var found = JsonDocument.Parse(await _http.GetStringAsync("/api/resources/pods?q=recommendations"));
        Assert.All(found.RootElement.GetProperty("items").EnumerateArray(),
            i => Assert.Contains("recommendations", i.GetProperty("meta").GetProperty("name").GetString(), StringComparison.Ordinal));
        Assert.Equal(4, found.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("meta").GetProperty("cluster").GetString()).Distinct().Count());

        var unknown = await _http.GetAsync("/api/resources/widgets");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("Unknown kind 'widgets'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_expose_the_fleet_for_prometheus()
    {
        var text = "";
        await Network.WaitUntilAsync(async () =>
        {
            text = await _http.GetStringAsync("/metrics");
            // A kind another test asked for may be listing for a moment (the cluster is Syncing meanwhile).
            return text.Contains("dashboard_watch_events_total{", StringComparison.Ordinal) &&
                   System.Text.RegularExpressions.Regex.IsMatch(text, "dashboard_cluster_state\\{[^}]*cluster=\"onprem-prod\"[^}]*state=\"Live\"[^}]*\\} 1");
        }, TimeSpan.FromSeconds(30), "the first watch events to be counted, onprem-prod Live");

        Assert.Matches("dashboard_store_objects\\{[^}]*cluster=\"aws-prod\"[^}]*kind=\"Pod\"[^}]*\\} [1-9]", text);
        Assert.Matches("dashboard_cluster_state\\{[^}]*cluster=\"onprem-prod\"[^}]*state=\"Live\"[^}]*\\} 1", text);
        Assert.Matches("dashboard_watch_events_total\\{[^}]*cluster=\"[a-z-]+\"[^}]*kind=\"[A-Za-z]+\"[^}]*\\} [1-9]", text);
    }

    [Fact]
    public async Task Node_and_pod_usage_come_from_metrics_k8s_io()
    {
        List<JsonElement> nodes = [];
        await Network.WaitUntilAsync(async () =>
        {
            nodes = [.. JsonDocument.Parse(await _http.GetStringAsync("/api/usage/nodes?cluster=aws-prod")).RootElement.EnumerateArray()];
            return nodes.Count == _fleet["aws-prod"].Count("nodes");
        }, TimeSpan.FromSeconds(30), "node usage of aws-prod");

        Assert.All(nodes, n => Assert.True(n.GetProperty("cpuMillicores").GetInt64() > 0 && n.GetProperty("memoryBytes").GetInt64() > 0));
        List<JsonElement> pods = [];
        await Network.WaitUntilAsync(async () =>
        {
            pods = [.. JsonDocument.Parse(await _http.GetStringAsync("/api/usage/pods?cluster=gcp-staging&namespace=shop")).RootElement.EnumerateArray()];
            return pods.Count > 0;
        }, TimeSpan.FromSeconds(30), "pod usage in gcp-staging/shop");
        Assert.All(pods, p => Assert.Equal("shop", p.GetProperty("namespace").GetString()));
        Assert.All(pods, p => Assert.True(p.GetProperty("cpuMillicores").GetInt64() > 0));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/usage/services")).StatusCode);
    }

    [Fact]
    public async Task Pod_and_node_tables_show_use_against_requests_and_allocatable_live()
    {
        await using var hub = _factory.Hub(await _factory.TokenAsync());
        await hub.StartAsync();
        var shopPods = new ViewQuery("pods", Clusters: ["gcp-staging"], Namespaces: ["shop"], Count: 500);
        ViewSnapshot pods = null!;
        await Network.WaitUntilAsync(async () =>
        {
            pods = await hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), shopPods);
            var cpu = Index(pods, "CPU");
            var running = pods.Rows.Where(r => r.Cells[Index(pods, "Status")] == "Running").ToList();
            return running.Count > 0 && running.All(r => r.Cells[cpu].Length > 0);
        }, TimeSpan.FromSeconds(30), "CPU figures in the running pods' rows");

        using var usage = JsonDocument.Parse(await _http.GetStringAsync("/api/usage/pods?cluster=gcp-staging&namespace=shop"));
        var byName = usage.RootElement.EnumerateArray().ToDictionary(u => u.GetProperty("name").GetString()!);
        var running = pods.Rows.Where(r => r.Cells[Index(pods, "Status")] == "Running").ToList();
        Assert.NotEmpty(running);
        foreach (var row in running)
        {
            // The simulator's pods ask for 100m and 128Mi per container: the share is of that request.
            Assert.Matches(@"^\d+m \(\d+%\)$", row.Cells[Index(pods, "CPU")]);
            Assert.Matches(@"^\d+Mi \(\d+%\)$", row.Cells[Index(pods, "Memory")]);
            Assert.StartsWith("cpu 100m, memory 128Mi", row.Cells[Index(pods, "Requests")], StringComparison.Ordinal);
            Assert.True(byName.ContainsKey(row.Name), $"{row.Name} has use in /api/usage");
        }

        var nodes = await hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), new ViewQuery("nodes", Clusters: ["aws-prod"], Sort: "CPU", Descending: true));
        await Network.WaitUntilAsync(async () =>
        {
            nodes = await hub.InvokeAsync<ViewSnapshot>(nameof(IFleetHub.Subscribe), new ViewQuery("nodes", Clusters: ["aws-prod"], Sort: "CPU", Descending: true));
            return nodes.Rows.All(r => r.Cells[Index(nodes, "CPU")].EndsWith("%)", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30), "CPU figures of aws-prod's nodes");
        var millicores = nodes.Rows.Select(r => long.Parse(r.Cells[Index(nodes, "CPU")].Split('m')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(millicores.OrderDescending(), millicores); // sorted by use, busiest first
    }

    private static int Index(ViewSnapshot view, string column) => view.Columns.ToList().FindIndex(c => c.Name == column);

    [Fact]
    public async Task A_crds_objects_are_watched_on_demand_with_its_printer_columns()
    {
        var aws = _fleet["aws-prod"];
        aws.Apply("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget"},
              "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},
               "additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"},{"name":"Color","type":"string","jsonPath":".spec.color"}]}]}}
            """);
        aws.Apply("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","namespace":"shop"},"spec":{"size":3,"color":"<b>red</b>"}}""");

        JsonElement item = default;
        await Network.WaitUntilAsync(async () =>
        {
            var response = await _http.GetAsync("/api/resources/widgets");
            if (!response.IsSuccessStatusCode)
            {
                return false; // the CRD itself has not reached the store yet
            }

            var items = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("items");
            item = items.EnumerateArray().FirstOrDefault();
            return items.GetArrayLength() == 1;
        }, TimeSpan.FromSeconds(30), "the widget to be listed");

        Assert.Equal("aws-prod", item.GetProperty("meta").GetProperty("cluster").GetString());
        Assert.Equal("Widget", item.GetProperty("kind").GetString());
        var fields = item.GetProperty("spec").GetProperty("fields");
        Assert.Equal("3", fields.GetProperty("Size").GetString());
        Assert.Equal("<b>red</b>", fields.GetProperty("Color").GetString());

        aws.Apply("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","namespace":"shop"},"spec":{"size":5,"color":"blue"}}""");
        await Network.WaitUntilAsync(async () =>
        {
            using var page = JsonDocument.Parse(await _http.GetStringAsync("/api/resources/widgets"));
            return page.RootElement.GetProperty("items")[0].GetProperty("spec").GetProperty("fields").GetProperty("Size").GetString() == "5";
        }, TimeSpan.FromSeconds(20), "the change to be watched");
        Assert.Contains(_factory.Services.GetRequiredService<Dashboard.Server.Clusters.FleetWatcher>().Summarize(
            _factory.Services.GetRequiredService<Dashboard.Server.Clusters.FleetWatcher>().Clusters.Single(c => c.Name == "aws-prod")).Kinds,
            k => k.Kind == "Widget" && k.State == Dashboard.Shared.Fleet.KindSyncState.Watching);
    }
}
