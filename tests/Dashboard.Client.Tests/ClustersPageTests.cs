using System.Net;
using Dashboard.Client.Pages.Admin;
using Dashboard.Shared.Access;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace Dashboard.Client.Tests;

public sealed class ClustersPageTests : AccessTestContext
{
    private const string Kubeconfig = """
        apiVersion: v1
        kind: Config
        current-context: eks-prod
        clusters: [{ name: eks-prod, cluster: { server: "https://eks.example:443" } }]
        """;

    private static readonly RegisteredCluster OnPrem =
        new(Guid.NewGuid(), "onprem-prod", "https://10.0.0.1:6443", "onprem", "prod", "dc-1", Now.AddDays(-100));

    private static readonly RegisteredCluster Hostile =
        new(Guid.NewGuid(), "kind-<i>dev</i>", "https://<img src=x onerror=alert(1)>", null, null, null, Now.AddDays(-1));

    public ClustersPageTests() => Server.OnGet("/api/admin/clusters", new[] { OnPrem, Hostile });

    private async Task<IRenderedComponent<Clusters>> RenderPageAsync()
    {
        await SignInAsAsync(Admin);
        return Render<Clusters>();
    }

    [Fact]
    public async Task Registered_clusters_are_listed_as_text()
    {
        var page = await RenderPageAsync();

        Assert.Equal(["kind-<i>dev</i>", "onprem-prod"], page.FindAll("tr[data-cluster]").Select(r => r.GetAttribute("data-cluster")));
        Assert.Empty(page.FindAll("[data-testid=registered-cluster-table] tbody img, [data-testid=registered-cluster-table] tbody i"));
        Assert.Equal(["onprem-prod", "https://10.0.0.1:6443", "onprem", "prod", "dc-1"],
            page.FindAll("tr[data-cluster=onprem-prod] td").Take(5).Select(td => td.TextContent.Trim()));
    }

    [Fact]
    public async Task Adding_a_pasted_kubeconfig_posts_it_with_the_labels_and_forgets_it_afterwards()
    {
        var added = new RegisteredCluster(Guid.NewGuid(), "eks-prod", "https://eks.example:443", "aws", "prod", null, Now);
        Server.On(HttpMethod.Post, "/api/admin/clusters", _ => FakeApiServer.Answer(added));
        var page = await RenderPageAsync();

        page.Find("textarea[data-testid=kubeconfig]").Input(Kubeconfig);
        page.Find("[data-testid=add-cluster-form] input[data-testid=label-provider]").Input("aws");
        page.Find("[data-testid=add-cluster-form] input[data-testid=label-environment]").Input("prod");
        page.Find("[data-testid=add-cluster]").Click();

        var request = Server.Single(HttpMethod.Post, "/api/admin/clusters");
        Assert.Equal("xsrf-admin", request.Antiforgery);
        Assert.Equal(new AddClusterRequest(Kubeconfig, null, null, "aws", "prod", null), request.BodyAs<AddClusterRequest>());
        Assert.Equal(["eks-prod", "kind-<i>dev</i>", "onprem-prod"], page.FindAll("tr[data-cluster]").Select(r => r.GetAttribute("data-cluster")));
        Assert.DoesNotContain("current-context", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kubeconfig_file_is_read_into_the_field()
    {
        var page = await RenderPageAsync();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Kubeconfig, "config"));

        page.WaitForAssertion(() => Assert.Equal(Kubeconfig, page.Find("textarea[data-testid=kubeconfig]").TextContent));
        Assert.Contains("config", page.Find("[data-testid=kubeconfig-file]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kubeconfig_the_server_refuses_shows_why()
    {
        Server.On(HttpMethod.Post, "/api/admin/clusters", _ => FakeApiServer.Problem(HttpStatusCode.BadRequest, "The kubeconfig has no context named staging."));
        var page = await RenderPageAsync();

        page.Find("textarea[data-testid=kubeconfig]").Input(Kubeconfig);
        page.Find("input[data-testid=cluster-context]").Input("staging");
        page.Find("[data-testid=add-cluster]").Click();

        Assert.Equal("The kubeconfig has no context named staging.", page.Find("[data-testid=page-error]").TextContent.Trim());
        Assert.Equal(Kubeconfig, page.Find("textarea[data-testid=kubeconfig]").TextContent);
    }

    [Fact]
    public async Task Editing_labels_puts_them()
    {
        Server.On(HttpMethod.Put, $"/api/admin/clusters/{OnPrem.Id}/labels", _ => FakeApiServer.NoContent());
        var page = await RenderPageAsync();

        page.Find("tr[data-cluster=onprem-prod] [data-testid=edit-labels]").Click();
        page.Find("tr[data-cluster=onprem-prod] input[data-testid=label-environment]").Input("staging");
        page.Find("tr[data-cluster=onprem-prod] input[data-testid=label-region]").Input("");
        page.Find("tr[data-cluster=onprem-prod] [data-testid=save-labels]").Click();

        Assert.Equal(new ClusterLabelsRequest("onprem", "staging", null),
            Server.Single(HttpMethod.Put, $"/api/admin/clusters/{OnPrem.Id}/labels").BodyAs<ClusterLabelsRequest>());
        Assert.Equal(["onprem", "staging", ""], page.FindAll("tr[data-cluster=onprem-prod] td").Skip(2).Take(3).Select(td => td.TextContent.Trim()));
    }

    [Fact]
    public async Task Removing_asks_first()
    {
        Server.On(HttpMethod.Delete, $"/api/admin/clusters/{OnPrem.Id}", _ => FakeApiServer.NoContent());
        var dialogs = Render<MudDialogProvider>();
        var page = await RenderPageAsync();

        page.Find("tr[data-cluster=onprem-prod] [data-testid=remove-cluster]").Click();
        Assert.Empty(Server.Writes);
        dialogs.WaitForElements(".mud-dialog button").Single(b => b.TextContent.Trim() == "Remove").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("tr[data-cluster=onprem-prod]")));
        Assert.Single(Server.Writes);
    }
}
