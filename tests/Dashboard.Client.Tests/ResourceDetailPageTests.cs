using System.IO.Pipelines;
using System.Net;
using System.Text;
using Dashboard.Shared.Fleet;
using DetailPage = Dashboard.Client.Pages.Resources.ResourceDetail;
using DetailRecord = Dashboard.Shared.Fleet.ResourceDetail;

namespace Dashboard.Client.Tests;

public sealed class ResourceDetailPageTests : AccessTestContext
{
    private const string Hostile = "<img src=x onerror=alert(1)>";
    private const string ScriptLine = "<script>alert(1)</script>";
    private const string PodPath = "api/objects/pods/aws-prod/shop/web-1";

    private static readonly DetailRecord Pod = new(
        new ObjectSummary("Pod", "pods", "v1", "aws-prod", "shop", "web-1", "uid-1", "42", Now.AddHours(-2), null,
            new PodSpecInfo("Running", "CrashLoopBackOff", 1, 2, 7, "node-a", "10.0.0.7", ["web:1.2"], Now.AddHours(-2), false, "Burstable")),
        [new ObjectCondition("Ready", "False", "ContainersNotReady", "containers with unready status: [sidecar]", Now.AddMinutes(-5))],
        new Dictionary<string, string> { ["app"] = "web", ["evil"] = Hostile },
        new Dictionary<string, string> { ["note"] = "<b>bold</b>" },
        [new OwnerReference(new ObjectLink("ReplicaSet", "replicasets", "aws-prod", "shop", "web-5d8"), "uid-rs", true)],
        [
            new ContainerDetail("web", "web:1.2", false, true, 0, "Running", null, Now.AddHours(-2), null, null),
            new ContainerDetail("sidecar", "proxy:3", false, false, 7, "Waiting", "CrashLoopBackOff", null, "Error", 1),
        ],
        [
            new RelatedObject("Owner", new ObjectLink("ReplicaSet", "replicasets", "aws-prod", "shop", "web-5d8"), null),
            new RelatedObject("Owner", new ObjectLink("Deployment", "deployments", "aws-prod", "shop", "web"), null),
            new RelatedObject("Node", new ObjectLink("Node", "nodes", "aws-prod", null, "node-a"), null),
            new RelatedObject("Address", null, "10.1.2.3"),
        ],
        [
            new ObjectEvent("Warning", "BackOff", "Back-off restarting failed container " + Hostile, 12, Now.AddMinutes(-1), "kubelet"),
            new ObjectEvent("Normal", "Pulled", "Container image pulled", 1, Now.AddHours(-2), "kubelet"),
        ]);

    private async Task<IRenderedComponent<DetailPage>> RenderPodAsync()
    {
        await SignInAsAsync(Viewer);
        Server.OnGet(PodPath, Pod);
        return Render<DetailPage>(p => p
            .Add(c => c.Plural, "pods").Add(c => c.Cluster, "aws-prod").Add(c => c.Namespace, "shop").Add(c => c.Name, "web-1"));
    }

    private static void OpenTab(IRenderedComponent<DetailPage> page, string title) =>
        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim().StartsWith(title, StringComparison.Ordinal)).Click();

    [Fact]
    public async Task The_overview_shows_the_header_summary_conditions_containers_and_relations()
    {
        var page = await RenderPodAsync();

        Assert.Equal("web-1", page.Find("[data-testid=detail-name]").TextContent.Trim());
        Assert.Equal("Pod", page.Find("[data-testid=chip-kind]").TextContent.Trim());
        Assert.Equal("aws-prod", page.Find("[data-testid=chip-cluster]").TextContent.Trim());
        Assert.Equal("shop", page.Find("[data-testid=chip-namespace]").TextContent.Trim());
        Assert.Contains("node-a", page.Find("[data-testid=summary-table] tr[data-field=node]").TextContent, StringComparison.Ordinal);
        Assert.Contains("ContainersNotReady", page.Find("[data-testid=conditions-table] tr[data-condition=Ready]").TextContent, StringComparison.Ordinal);
        Assert.Contains("CrashLoopBackOff", page.Find("[data-testid=containers-table] tr[data-container=sidecar] [data-testid=container-state]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Error (exit 1)", page.Find("tr[data-container=sidecar] [data-testid=last-termination]").TextContent.Trim());

        var links = page.FindAll("[data-testid=relations] a[data-testid=relation-link]");
        Assert.Equal(
            ["resources/replicasets/aws-prod/shop/web-5d8", "resources/deployments/aws-prod/shop/web", "resources/nodes/aws-prod/-/node-a"],
            links.Select(a => a.GetAttribute("href")));
        Assert.Equal("10.1.2.3", page.Find("[data-relation=Address] [data-testid=relation-text]").TextContent.Trim());
        Assert.Equal(PodPath, Assert.Single(Server.Requests, r => r.Path.StartsWith("api/objects", StringComparison.Ordinal)).Path);
    }

    [Fact]
    public async Task Markup_from_the_cluster_is_shown_as_literal_text()
    {
        var page = await RenderPodAsync();

        Assert.Equal($"evil={Hostile}", page.Find("[data-testid=label][data-key=evil]").TextContent.Trim());
        Assert.Equal("note=<b>bold</b>", page.Find("[data-testid=annotation][data-key=note]").TextContent.Trim());
        Assert.Empty(page.FindAll("img"));
        Assert.Empty(page.FindAll("[data-testid=annotations] b"));

        OpenTab(page, "Events");
        var events = page.FindAll("[data-testid=events-table] tr[data-testid=event]");
        Assert.Equal(["Warning", "Normal"], events.Select(e => e.GetAttribute("data-type")));
        Assert.Contains(Hostile, events[0].TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("img"));
    }

    [Fact]
    public async Task Yaml_is_fetched_when_its_tab_opens()
    {
        Server.On(HttpMethod.Get, PodPath + "/yaml", _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n", Encoding.UTF8, "application/yaml"),
        });
        var page = await RenderPodAsync();
        Assert.DoesNotContain(Server.Requests, r => r.Path.EndsWith("/yaml", StringComparison.Ordinal));

        OpenTab(page, "YAML");

        page.WaitForAssertion(() => Assert.Contains("kind: Pod", page.Find("[data-testid=yaml-text]").TextContent, StringComparison.Ordinal));
        Assert.Single(Server.Requests, r => r.Path == PodPath + "/yaml");
        page.Find("[data-testid=copy-yaml]").Click();
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText" && ((string)i.Arguments[0]!).Contains("kind: Pod", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_show_the_tail_as_text_and_ask_again_for_the_previous_container()
    {
        Server.On(HttpMethod.Get, PodPath + "/logs", r => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(r.Query.Contains("previous=true", StringComparison.Ordinal) ? "previous boom\n" : $"starting\n{ScriptLine}\n"),
        });
        var page = await RenderPodAsync();

        OpenTab(page, "Logs");

        page.WaitForAssertion(() => Assert.Equal($"starting\n{ScriptLine}", page.Find("[data-testid=log-text]").TextContent));
        Assert.Empty(page.FindAll("script"));
        var first = Assert.Single(Server.Requests, r => r.Path == PodPath + "/logs");
        Assert.Contains("tailLines=500", first.Query, StringComparison.Ordinal);
        Assert.Contains("follow=false", first.Query, StringComparison.Ordinal);
        Assert.Equal("web", page.Find("[data-testid=log-containers] .mud-button-filled").GetAttribute("data-container"));

        page.Find("[data-testid=log-containers] [data-container=sidecar]").Click();
        page.Find("[data-testid=log-previous] input").Change(true);

        page.WaitForAssertion(() => Assert.Equal("previous boom", page.Find("[data-testid=log-text]").TextContent));
        var last = Server.Requests.Last(r => r.Path == PodPath + "/logs");
        Assert.Contains("container=sidecar", last.Query, StringComparison.Ordinal);
        Assert.Contains("previous=true", last.Query, StringComparison.Ordinal);
        var download = page.Find("[data-testid=log-download]").GetAttribute("href")!;
        Assert.StartsWith(PodPath + "/logs?", download, StringComparison.Ordinal);
        Assert.Contains("download=true", download, StringComparison.Ordinal);
        Assert.Contains("container=sidecar", download, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Following_appends_lines_as_the_server_streams_them()
    {
        var pipe = new Pipe();
        Server.On(HttpMethod.Get, PodPath + "/logs", r => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = r.Query.Contains("follow=true", StringComparison.Ordinal) ? new StreamContent(pipe.Reader.AsStream()) : new StringContent("tail\n"),
        });
        var page = await RenderPodAsync();
        OpenTab(page, "Logs");
        page.WaitForAssertion(() => Assert.Equal("tail", page.Find("[data-testid=log-text]").TextContent));

        page.Find("[data-testid=log-follow] input").Change(true);
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=log-streaming]")));
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("one\n"));
        page.WaitForAssertion(() => Assert.Equal("one", page.Find("[data-testid=log-text]").TextContent));
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes($"two {ScriptLine}\nthr"));
        page.WaitForAssertion(() => Assert.Equal($"one\ntwo {ScriptLine}\nthr", page.Find("[data-testid=log-text]").TextContent));
        Assert.Empty(page.FindAll("script"));

        await pipe.Writer.CompleteAsync();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=log-streaming]")));
    }

    [Fact]
    public async Task An_object_the_server_does_not_show_explains_why()
    {
        await SignInAsAsync(Viewer);
        Server.On(HttpMethod.Get, "api/objects/secrets/aws-prod/kube-system/token", _ =>
            FakeApiServer.Problem(HttpStatusCode.NotFound, "No Secret 'token' in namespace 'kube-system' of cluster 'aws-prod' that you may see."));

        var page = Render<DetailPage>(p => p
            .Add(c => c.Plural, "secrets").Add(c => c.Cluster, "aws-prod").Add(c => c.Namespace, "kube-system").Add(c => c.Name, "token"));

        Assert.Contains("that you may see", page.Find("[data-testid=page-error]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=detail-tabs]"));
    }

    [Fact]
    public async Task Names_with_odd_characters_are_escaped_in_addresses()
    {
        await SignInAsAsync(Viewer);
        Server.OnGet("api/objects/clusterroles/aws-prod/-/system%3Acontroller%3Ax", Pod with { Summary = Pod.Summary with { Kind = "ClusterRole", Namespace = null } });

        var page = Render<DetailPage>(p => p
            .Add(c => c.Plural, "clusterroles").Add(c => c.Cluster, "aws-prod").Add(c => c.Namespace, "-").Add(c => c.Name, "system:controller:x"));

        Assert.Equal("ClusterRole", page.Find("[data-testid=chip-kind]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=chip-namespace]"));
    }

    [Fact]
    public async Task The_history_tab_tells_dashboard_actions_from_changes_made_elsewhere()
    {
        var page = await RenderPodAsync();
        static Dashboard.Shared.Audit.AuditRecordView Record(long id, string action, string? by, string before, string after, string? parameters) =>
            new(id, Now, new Dashboard.Shared.Audit.AuditActorView(by, [], null, null, null), action,
                new Dashboard.Shared.Audit.AuditTargetView("aws-prod", "shop", "Pod", "web-1", null), parameters, before, after,
                Dashboard.Shared.Audit.AuditOutcome.Succeeded, null, Guid.NewGuid(), null, "h");
        Server.OnGet("api/audit", new Dashboard.Shared.Audit.AuditPage(
        [
            Record(3, "observed.rollout", "cluster", "shop:1.4", "shop:1.5", null),
            Record(2, "observed.scale", "cluster", "2", "5", """{"through":"scale by olga"}"""),
            Record(1, "scale", "olga", "2", "5", """{"replicas":"5"}"""),
        ], null));

        OpenTab(page, "History");

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=history-item]").Count));
        var items = page.FindAll("[data-testid=history-item]").Select(i => i.TextContent).ToList();
        Assert.Contains("images shop:1.4 → shop:1.5, not through the dashboard", items[0], StringComparison.Ordinal);
        Assert.Contains("replicas 2 → 5 (the dashboard's scale by olga)", items[1], StringComparison.Ordinal);
        Assert.Contains("scale 2 → 5 by olga", items[2], StringComparison.Ordinal);
        var asked = Server.Requests.Last(r => r.Path == "api/audit").Query;
        Assert.Contains("name=web-1", asked, StringComparison.Ordinal);
        Assert.Contains("namespace=shop", asked, StringComparison.Ordinal);
    }
}
