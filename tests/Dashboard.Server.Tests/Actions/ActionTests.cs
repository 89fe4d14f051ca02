using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Server.Tests.Access;
using Dashboard.Shared.Actions;
using Dashboard.Shared.Audit;
using Dashboard.Shared.Live;
using Dashboard.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Dashboard.Server.Tests.Actions;

/// <summary>
/// Actions through the real REST API on the simulated hybrid fleet, checked in the simulator (what the cluster
/// holds after) and in the audit history on the real PostgreSQL (who, what, before and after, outcome).
/// </summary>
public sealed class ActionTests(AccessFleetFixture fleet) : IClassFixture<AccessFleetFixture>
{
    private static string ObjectPath(string plural, string cluster, string? @namespace, string name) =>
        $"/api/objects/{plural}/{cluster}/{@namespace ?? "-"}/{name}";

    private async Task<HttpResponseMessage> ActAsync(string user, string plural, string cluster, string? @namespace, string name, string action,
        ActionRequest? request = null)
    {
        using var http = fleet.Factory.CreateClient(await fleet.TokenAsync(user));
        return await http.PostAsJsonAsync($"{ObjectPath(plural, cluster, @namespace, name)}/actions/{action}", request ?? new ActionRequest());
    }

    private JsonNode Object(string cluster, string plural, string? @namespace, string name, string group = "") =>
        JsonNode.Parse(fleet.Fleet[cluster].GetJson(plural, @namespace, name, group) ?? throw new InvalidOperationException($"{plural}/{name} is gone"))!;

    /// <summary>The audit records of one object and action, oldest first, as an admin reads them.</summary>
    private async Task<List<AuditRecordView>> AuditAsync(string action, string name)
    {
        var page = await fleet.Admin.GetFromJsonAsync<AuditPage>($"/api/audit?action={action}&text={name}&limit=100", FakeJson);
        return [.. page!.Items.Where(r => r.Target.Name == name).OrderBy(r => r.Id)];
    }

    private static readonly JsonSerializerOptions FakeJson = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    [Fact]
    public async Task An_operator_scales_a_deployment_and_the_audit_holds_before_and_after()
    {
        var before = (int)Object("aws-prod", "deployments", "shop", "payments", "apps")["spec"]!["replicas"]!;

        using var response = await ActAsync("olga", "deployments", "aws-prod", "shop", "payments", "scale", new ActionRequest(Replicas: before + 3));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<ActionResult>())!;
        Assert.Equal((before.ToString(), (before + 3).ToString()), (result.Before, result.After));
        Assert.Equal(before + 3, (int)Object("aws-prod", "deployments", "shop", "payments", "apps")["spec"]!["replicas"]!);

        var records = await AuditAsync("scale", "payments");
        Assert.Equal([AuditOutcome.Requested, AuditOutcome.Succeeded], records.Select(r => r.Outcome));
        Assert.All(records, r => Assert.Equal(("olga", "aws-prod", "shop", "Deployment"), (r.Actor.UserName, r.Target.Cluster, r.Target.Namespace, r.Target.Kind)));
        Assert.Equal(before.ToString(), records[0].Before);
        Assert.Equal((before + 3).ToString(), records[1].After);
        Assert.Equal(records[0].CorrelationId, records[1].CorrelationId);
        Assert.Equal(records[0].Id, records[1].RequestedId);
        Assert.Contains("prod-operators", records[0].Actor.Teams);
        Assert.Contains("\"replicas\"", records[0].Parameters, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_is_refused_nothing_changes_and_the_denial_is_recorded()
    {
        var before = Object("aws-prod", "deployments", "shop", "storefront", "apps")["spec"]!["replicas"]!.ToJsonString();

        using var response = await ActAsync("victor", "deployments", "aws-prod", "shop", "storefront", "scale", new ActionRequest(Replicas: 9));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Operator", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, Object("aws-prod", "deployments", "shop", "storefront", "apps")["spec"]!["replicas"]!.ToJsonString());
        var denied = Assert.Single(await AuditAsync("scale", "storefront"));
        Assert.Equal((AuditOutcome.Denied, "victor"), (denied.Outcome, denied.Actor.UserName));
    }

    [Fact]
    public async Task Out_of_scope_is_not_found_and_a_viewer_of_one_namespace_cannot_act_anywhere()
    {
        using var outside = await ActAsync("olga", "deployments", "gcp-staging", "shop", "payments", "scale", new ActionRequest(Replicas: 4));
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);

        using var shop = await ActAsync("sam", "pods", "azure-dev", "shop", fleet.Names("azure-dev", "pods", "shop")[0], "delete");
        Assert.Equal(HttpStatusCode.Forbidden, shop.StatusCode);

        using var wrongKind = await ActAsync("admin", "services", "aws-prod", "shop", "payments", "scale", new ActionRequest(Replicas: 2));
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
    }

    [Fact]
    public async Task Deleting_in_a_prod_cluster_needs_the_name_typed_and_then_deletes()
    {
        var pod = fleet.Names("onprem-prod", "pods", "shop").First(n => n.StartsWith("storefront-", StringComparison.Ordinal));

        using var unconfirmed = await ActAsync("olga", "pods", "onprem-prod", "shop", pod, "delete");
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.NotNull(fleet.Fleet["onprem-prod"].GetJson("pods", "shop", pod));

        using var confirmed = await ActAsync("olga", "pods", "onprem-prod", "shop", pod, "delete", new ActionRequest(Confirm: pod));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Null(fleet.Fleet["onprem-prod"].GetJson("pods", "shop", pod));
        var records = await AuditAsync("delete", pod);
        Assert.Equal([AuditOutcome.Requested, AuditOutcome.Succeeded], records.Select(r => r.Outcome));
        Assert.StartsWith("resourceVersion ", records[0].Before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_sets_the_restarted_at_annotation_kubectl_uses()
    {
        using var response = await ActAsync("admin", "deployments", "azure-dev", "shop", "storefront", "restart");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stamp = Object("azure-dev", "deployments", "shop", "storefront", "apps")["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]!;
        Assert.True(DateTime.Parse((string)stamp!, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime() > DateTime.UtcNow.AddMinutes(-2));
        Assert.Equal((string?)stamp, (await AuditAsync("restart", "storefront")).Last().After);
    }

    [Fact]
    public async Task Cordon_and_uncordon_flip_a_node_and_a_drain_evicts_all_but_daemon_set_pods()
    {
        var cluster = fleet.Fleet["gcp-staging"];
        var node = cluster.NodeNames.First(n => cluster.ListJson("pods").Select(p => JsonNode.Parse(p)!)
            .Any(p => (string?)p["spec"]!["nodeName"] == n && p["metadata"]!["ownerReferences"]?[0]?["kind"]?.GetValue<string>() != "DaemonSet"));

        using (var cordon = await ActAsync("admin", "nodes", "gcp-staging", null, node, "cordon"))
        {
            Assert.Equal(HttpStatusCode.OK, cordon.StatusCode);
            Assert.True((bool?)Object("gcp-staging", "nodes", null, node)["spec"]!["unschedulable"]);
        }

        using (var uncordon = await ActAsync("admin", "nodes", "gcp-staging", null, node, "uncordon"))
        {
            Assert.Equal(HttpStatusCode.OK, uncordon.StatusCode);
            Assert.NotEqual(true, (bool?)Object("gcp-staging", "nodes", null, node)["spec"]!["unschedulable"]);
        }

        using var drain = await ActAsync("admin", "nodes", "gcp-staging", null, node, "drain");
        Assert.Equal(HttpStatusCode.OK, drain.StatusCode);
        var result = (await drain.Content.ReadFromJsonAsync<ActionResult>())!;
        Assert.True((bool?)Object("gcp-staging", "nodes", null, node)["spec"]!["unschedulable"]);
        Assert.Contains(result.Details, d => d.StartsWith("evicted ", StringComparison.Ordinal));
        Assert.Contains(result.Details, d => d.StartsWith("skipped kube-system/", StringComparison.Ordinal)); // kube-proxy, a DaemonSet pod
        var left = cluster.ListJson("pods").Select(p => JsonNode.Parse(p)!).Where(p => (string?)p["spec"]!["nodeName"] == node).ToList();
        Assert.All(left, p => Assert.True(
            p["metadata"]!["ownerReferences"]?[0]?["kind"]?.GetValue<string>() == "DaemonSet" || result.Details.Any(d => d.StartsWith($"blocked {p["metadata"]!["namespace"]}/{p["metadata"]!["name"]}", StringComparison.Ordinal)),
            $"{p["metadata"]!["name"]} is still on the drained node"));
        Assert.Equal(AuditOutcome.Succeeded, (await AuditAsync("drain", node)).Last().Outcome);
    }

    [Fact]
    public async Task Undo_puts_the_previous_revisions_template_back()
    {
        var cluster = fleet.Fleet["azure-dev"];
        var old = (string)Object("azure-dev", "deployments", "shop", "orders-api", "apps")["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!;
        var deployment = Object("azure-dev", "deployments", "shop", "orders-api", "apps");
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "registry.example.com/shop/orders-api:broken";
        cluster.Apply(deployment.ToJsonString());
        await Network.WaitUntilAsync(() => Task.FromResult(cluster.ListJson("replicasets", "shop", "apps")
            .Count(r => r.Contains("orders-api:broken", StringComparison.Ordinal)) == 1), TimeSpan.FromSeconds(20), "the broken revision's ReplicaSet");

        using var response = await ActAsync("admin", "deployments", "azure-dev", "shop", "orders-api", "undo");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(old, (string)Object("azure-dev", "deployments", "shop", "orders-api", "apps")["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!);
    }

    [Fact]
    public async Task New_records_are_pushed_live_to_those_who_may_see_them()
    {
        var received = new Dictionary<string, List<AuditRecordView>>();
        var hubs = new List<HubConnection>();
        try
        {
            foreach (var user in new[] { "victor", "sam", "nina" })
            {
                var hub = fleet.Factory.Hub(await fleet.TokenAsync(user));
                var mine = received[user] = [];
                hub.On<AuditRecordView>(nameof(IFleetClient.AuditAppended), r => { lock (mine) { mine.Add(r); } });
                await hub.StartAsync();
                await hub.InvokeAsync(nameof(IFleetHub.SubscribeAudit));
                hubs.Add(hub);
            }

            using (var prod = await ActAsync("olga", "deployments", "aws-prod", "shop", "orders-api", "restart"))
            {
                Assert.Equal(HttpStatusCode.OK, prod.StatusCode);
            }

            using (var staging = await ActAsync("admin", "deployments", "gcp-staging", "kube-system", "coredns", "restart"))
            {
                Assert.Equal(HttpStatusCode.OK, staging.StatusCode);
            }

            List<AuditRecordView> Of(string user)
            {
                lock (received[user])
                {
                    return [.. received[user]];
                }
            }

            await Network.WaitUntilAsync(() => Task.FromResult(Of("victor").Count(r => r.Action == "restart") >= 2 && Of("sam").Count(r => r.Action == "restart") >= 2),
                TimeSpan.FromSeconds(10), "the prod viewer and the shop viewer to get the restart's two records");
            await Task.Delay(500); // anything that should not come has had its chance
            Assert.All(Of("victor").Where(r => r.Action == "restart"), r => Assert.Equal(("aws-prod", "orders-api"), (r.Target.Cluster, r.Target.Name)));
            Assert.All(Of("sam").Where(r => r.Action == "restart"), r => Assert.Equal("shop", r.Target.Namespace));
            Assert.All(Of("victor"), r => Assert.Null(r.Actor.Address)); // someone else's connection details stay with admins
            Assert.DoesNotContain(Of("nina"), r => r.Action == "restart");
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }

    private async Task<HttpResponseMessage> PutYamlAsync(string user, string path, string yaml)
    {
        using var http = fleet.Factory.CreateClient(await fleet.TokenAsync(user));
        return await http.PutAsync($"{path}/yaml", new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"));
    }

    [Fact]
    public async Task Editing_yaml_saves_the_change_and_the_record_holds_the_diff()
    {
        var path = ObjectPath("configmaps", "azure-dev", "shop", "shop-config");
        var yaml = await fleet.Admin.GetStringAsync($"{path}/yaml");
        Assert.Contains("LOG_LEVEL: debug", yaml, StringComparison.Ordinal);

        using var response = await PutYamlAsync("admin", path, yaml.Replace("LOG_LEVEL: debug", "LOG_LEVEL: trace", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("trace", (string?)Object("azure-dev", "configmaps", "shop", "shop-config")["data"]!["LOG_LEVEL"]);
        var done = (await AuditAsync("edit", "shop-config")).Last();
        Assert.Equal(AuditOutcome.Succeeded, done.Outcome);
        Assert.Contains("LOG_LEVEL: debug", done.Parameters, StringComparison.Ordinal);
        Assert.Contains("LOG_LEVEL: trace", done.Parameters, StringComparison.Ordinal);
        Assert.DoesNotContain("REGION", done.Parameters, StringComparison.Ordinal); // only what changed
    }

    [Fact]
    public async Task A_change_made_meanwhile_is_refused_not_overwritten()
    {
        var path = ObjectPath("configmaps", "onprem-prod", "shop", "shop-config");
        var stale = await fleet.Admin.GetStringAsync($"{path}/yaml");
        var changed = Object("onprem-prod", "configmaps", "shop", "shop-config");
        changed["data"]!["LOG_LEVEL"] = "warn"; // someone else, meanwhile (kubectl, CI/CD)
        fleet.Fleet["onprem-prod"].Apply(changed.ToJsonString());

        using var response = await PutYamlAsync("olga", path, stale.Replace("LOG_LEVEL: info", "LOG_LEVEL: debug", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("modified", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("warn", (string?)Object("onprem-prod", "configmaps", "shop", "shop-config")["data"]!["LOG_LEVEL"]);
        Assert.Equal(AuditOutcome.Failed, (await AuditAsync("edit", "shop-config")).Last(r => r.Target.Cluster == "onprem-prod").Outcome);
    }

    [Fact]
    public async Task Yaml_edits_are_refused_for_secrets_viewers_bad_yaml_and_another_name()
    {
        var secret = ObjectPath("secrets", "aws-prod", "shop", "shop-db-credentials");
        using (var response = await PutYamlAsync("admin", secret, await fleet.Admin.GetStringAsync($"{secret}/yaml")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var config = ObjectPath("configmaps", "aws-prod", "shop", "shop-config");
        var yaml = await fleet.Admin.GetStringAsync($"{config}/yaml");
        using (var viewer = await PutYamlAsync("victor", config, yaml))
        {
            Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        }

        using (var bad = await PutYamlAsync("admin", config, "data:\n  a: [1, 2\n"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("line", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var renamed = await PutYamlAsync("admin", config, yaml.Replace("name: shop-config", "name: other", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
        }
    }

    [Fact]
    public async Task Changes_made_elsewhere_are_observed_and_told_apart_from_the_dashboards()
    {
        var cluster = fleet.Fleet["onprem-prod"];
        var replicas = (int)Object("onprem-prod", "deployments", "shop", "storefront", "apps")["spec"]!["replicas"]!;
        cluster.ScaleDeployment("shop", "storefront", replicas + 1); // kubectl scale, say

        await Network.WaitUntilAsync(async () => (await AuditAsync("observed.scale", "storefront")).Any(r => r.Target.Cluster == "onprem-prod"),
            TimeSpan.FromSeconds(20), "the scale made elsewhere to be observed");
        var elsewhere = (await AuditAsync("observed.scale", "storefront")).Single(r => r.Target.Cluster == "onprem-prod");
        Assert.Equal(((replicas).ToString(), (replicas + 1).ToString()), (elsewhere.Before, elsewhere.After));
        Assert.Null(elsewhere.Parameters); // not through the dashboard

        using (var response = await ActAsync("olga", "deployments", "onprem-prod", "shop", "storefront", "scale", new ActionRequest(Replicas: replicas + 3)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Network.WaitUntilAsync(async () => (await AuditAsync("observed.scale", "storefront")).Count(r => r.Target.Cluster == "onprem-prod") == 2,
            TimeSpan.FromSeconds(20), "the dashboard's scale to be observed too");
        var through = (await AuditAsync("observed.scale", "storefront")).Last(r => r.Target.Cluster == "onprem-prod");
        Assert.Equal((replicas + 3).ToString(), through.After);
        Assert.Contains("scale by olga", through.Parameters, StringComparison.Ordinal);

        // A node going NotReady and back is a transition of its own.
        var node = cluster.NodeNames[^1];
        cluster.FailNode(node);
        await Network.WaitUntilAsync(async () => (await AuditAsync("observed.node", node)).Any(r => r.After == "NotReady"),
            TimeSpan.FromSeconds(30), "the node's transition to be observed");
        cluster.RecoverNode(node);
    }
}
