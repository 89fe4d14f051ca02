using Dashboard.Client.Live;
using Dashboard.Client.Pages.Resources;
using Dashboard.Client.Resources;
using Dashboard.Shared.Fleet;
using Dashboard.Shared.Live;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Dashboard.Client.Tests;

public sealed class ResourceListTests : AccessTestContext
{
    private static readonly ViewColumn[] PodColumns =
    [
        new("Cluster", "text", 0), new("Namespace", "text", 0), new("Name", "text", 0), new("Status", "status", 0), new("IP", "text", 1),
    ];

    private readonly List<ViewQuery> _opened = [];
    private IRenderedComponent<MudPopoverProvider>? _popovers;

    private IRenderedComponent<MudPopoverProvider> Popovers => _popovers ?? throw new InvalidOperationException("render the page first");

    public ResourceListTests()
    {
        Services.AddSingleton<LiveViews>();
        Server.OnGet("/api/clusters", new[] { Cluster("aws-prod"), Cluster("onprem-dev") });
        Connection.Server = (method, args) => method switch
        {
            nameof(IFleetHub.Subscribe) => Answer((ViewQuery)args[0]!),
            nameof(IFleetHub.ChangeView) => Answer((ViewQuery)args[1]!),
            _ => null,
        };
    }

    /// <summary>The rows the fake hub answers for a kind; namespaces for the picker.</summary>
    private Func<ViewQuery, ViewSnapshot> Rows { get; set; } = query => query.Kind == "namespaces"
        ? new ViewSnapshot("ns", 1, 3, 0, [new("Cluster", "text", 0), new("Name", "text", 0)],
        [
            new ViewRow("aws-prod/n1", "aws-prod", null, "shop", "1", ["aws-prod", "shop"]),
            new ViewRow("aws-prod/n2", "aws-prod", null, "kube-system", "1", ["aws-prod", "kube-system"]),
            new ViewRow("onprem-dev/n3", "onprem-dev", null, "team-a", "1", ["onprem-dev", "team-a"]),
        ])
        : new ViewSnapshot("s-" + query.Kind, 1, 1, 0, PodColumns,
            [new ViewRow("aws-prod/u1", "aws-prod", "shop", "web-1", "1", ["aws-prod", "shop", "web-1", "Running", "10.0.0.1"])]);

    private ViewSnapshot Answer(ViewQuery query)
    {
        _opened.Add(query);
        return Rows(query);
    }

    private static ClusterSummary Cluster(string name) =>
        new(name, new ClusterLabels("aws", "prod", "eu-west-1"), ClusterState.Live, "v1.31.0", false, Now, 12, null,
            new Dictionary<string, int>(), []);

    private static AngleSharp.Dom.IElement Filter(IRenderedComponent<ResourceList> page) =>
        page.Find("input[data-testid=filter], [data-testid=filter] input");

    private ViewQuery LastQuery(string kind) => _opened.Last(q => q.Kind == kind);

    private async Task<IRenderedComponent<ResourceList>> OpenAsync(string address, string kind)
    {
        await SignInAsAsync(Viewer);
        _popovers = Render<MudPopoverProvider>();
        Navigation.NavigateTo(address);
        var page = Render<ResourceList>(p => p.Add(l => l.Kind, kind));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("tbody tr[data-key]")));
        return page;
    }

    [Fact]
    public async Task An_address_opens_the_list_with_its_clusters_namespaces_filter_and_sort()
    {
        var page = await OpenAsync("resources/statefulsets?cluster=aws-prod&cluster=onprem-dev&namespace=shop&q=web&sort=Ready&desc=true", "statefulsets");

        var query = LastQuery("statefulsets");
        Assert.Equal(["aws-prod", "onprem-dev"], query.Clusters);
        Assert.Equal(["shop"], query.Namespaces);
        Assert.Equal(("web", "Ready", true), (query.Text, query.Sort, query.Descending));
        Assert.Equal("StatefulSets", page.Find("h4").TextContent.Trim());
        Assert.Equal("web", Filter(page).GetAttribute("value"));
        Assert.Contains("aws-prod", page.Find("[data-testid=cluster-picker]").InnerHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sorting_and_filtering_replace_the_address_and_it_opens_the_same_list_again()
    {
        var page = await OpenAsync("resources/pods", "pods");

        page.Find("th[data-column=Status]").Click();
        page.Find("th[data-column=Status]").Click();
        Filter(page).Input("we b");
        Time.Advance(TimeSpan.FromMilliseconds(200)); // the filter's debounce

        page.WaitForAssertion(() => Assert.Equal("we b", LastQuery("pods").Text));
        Time.Advance(TimeSpan.FromMilliseconds(100)); // the address is written once the rows are shown
        page.WaitForAssertion(() => Assert.Contains("q=we", Navigation.Uri, StringComparison.Ordinal));
        var state = ResourceListState.FromUri(Navigation.Uri);
        Assert.Equal(("we b", "Status", true), (state.Text, state.Sort, state.Descending));
        Assert.StartsWith("http://localhost/resources/pods?", Navigation.Uri, StringComparison.Ordinal);
        Assert.All(Navigation.History.Take(3), entry => Assert.True(entry.Options.ReplaceHistoryEntry));

        // The address alone, opened anew, restores the same view.
        _opened.Clear();
        var again = Render<ResourceList>(p => p.Add(l => l.Kind, "pods"));
        again.WaitForAssertion(() => Assert.Contains(_opened, q => q.Kind == "pods"));
        Assert.Equal(("we b", "Status", true), (LastQuery("pods").Text, LastQuery("pods").Sort, LastQuery("pods").Descending));
    }

    [Fact]
    public async Task Picking_clusters_and_namespaces_narrows_the_view_and_goes_into_the_address()
    {
        var page = await OpenAsync("resources/pods", "pods");

        Pick(page, "[data-testid=cluster-picker]", "onprem-dev");
        page.WaitForAssertion(() => Assert.Equal(["onprem-dev"], LastQuery("pods").Clusters));
        Time.Advance(TimeSpan.FromMilliseconds(100));
        page.WaitForAssertion(() => Assert.Contains("cluster=onprem-dev", Navigation.Uri, StringComparison.Ordinal));

        // The namespace picker offers the namespaces of the chosen cluster only.
        page.Find("[data-testid=namespace-picker] .mud-select .mud-input-control").MouseDown();
        var offered = Popovers.WaitForElements(".mud-popover-open .mud-list-item").Select(i => i.TextContent.Trim()).ToList();
        Assert.Equal(["team-a"], offered);
        Popovers.FindAll(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "team-a").Click();

        page.WaitForAssertion(() => Assert.Equal(["team-a"], LastQuery("pods").Namespaces));
        Time.Advance(TimeSpan.FromMilliseconds(100));
        page.WaitForAssertion(() => Assert.Contains("namespace=team-a", Navigation.Uri, StringComparison.Ordinal));
        var state = ResourceListState.FromUri(Navigation.Uri);
        Assert.Equal(["onprem-dev"], state.Clusters);
        Assert.Equal(["team-a"], state.Namespaces);
        Assert.True(Navigation.History.First().Options.ReplaceHistoryEntry);
    }

    [Fact]
    public async Task Opening_another_address_of_the_same_page_starts_the_table_from_it()
    {
        var page = await OpenAsync("resources/pods?q=web", "pods");

        Navigation.NavigateTo("resources/pods?namespace=kube-system");

        page.WaitForAssertion(() => Assert.Equal(["kube-system"], LastQuery("pods").Namespaces));
        Assert.Null(LastQuery("pods").Text);
    }

    [Fact]
    public async Task A_cluster_scoped_kind_has_no_namespace_picker()
    {
        Rows = query => new ViewSnapshot("s", 1, 1, 0, [new("Cluster", "text", 0), new("Name", "text", 0), new("Status", "status", 0)],
            [new ViewRow("aws-prod/n", "aws-prod", null, "node-1", "1", ["aws-prod", "node-1", "Ready"])]);

        var page = await OpenAsync("resources/nodes", "nodes");

        Assert.Single(page.FindAll("[data-testid=cluster-picker]"));
        Assert.Empty(page.FindAll("[data-testid=namespace-picker]"));
    }

    /// <summary>Opens a picker, clicks one value and closes it again (a multi-select stays open after a click).</summary>
    private void Pick(IRenderedComponent<ResourceList> page, string picker, string value)
    {
        page.Find($"{picker} .mud-select .mud-input-control").MouseDown();
        Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == value).Click();
        page.Find($"{picker} .mud-select .mud-input-control").MouseDown();
        Popovers.WaitForAssertion(() => Assert.Empty(Popovers.FindAll(".mud-popover-open .mud-list-item")));
    }

    [Fact]
    public async Task A_cluster_list_refused_as_signed_out_ends_the_session()
    {
        await SignInAsAsync(Viewer);
        Server.On(HttpMethod.Get, "/api/clusters", _ => FakeApiServer.Problem(System.Net.HttpStatusCode.Unauthorized, "Sign in first."));

        var page = Render<ResourceList>(p => p.Add(l => l.Kind, "pods"));

        page.WaitForAssertion(() => Assert.True(Session.IsSignedOut));
    }
}
