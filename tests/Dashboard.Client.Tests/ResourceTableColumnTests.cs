using Dashboard.Client.Live;
using Dashboard.Client.Resources;
using Dashboard.Shared.Live;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Client.Tests;

public sealed class ResourceTableColumnTests : AccessTestContext
{
    private static readonly ViewColumn[] Columns =
    [
        new("Cluster", "text", 0), new("Namespace", "text", 0), new("Name", "text", 0), new("Status", "status", 0), new("IP", "text", 1),
    ];

    private IReadOnlyList<ViewRow> _rows = [new ViewRow("aws-prod/u1", "aws-prod", "shop", "web-1", "1", ["aws-prod", "shop", "web-1", "Running", "10.0.0.1"])];
    private IReadOnlyList<ViewColumn> _columns = Columns;

    public ResourceTableColumnTests()
    {
        Services.AddSingleton<LiveViews>();
        Connection.Server = (method, args) => method is nameof(IFleetHub.Subscribe) or nameof(IFleetHub.ChangeView)
            ? new ViewSnapshot("s1", 1, _rows.Count, 0, _columns, _rows)
            : null;
    }

    private IRenderedComponent<LiveResourceTable> RenderTable(string kind = "pods")
    {
        var table = Render<LiveResourceTable>(p => p.Add(t => t.Kind, kind).Add(t => t.Title, ResourceKinds.TitleOf(kind)));
        table.WaitForAssertion(() => Assert.NotEmpty(table.FindAll("tbody tr[data-key]")));
        return table;
    }

    private static List<string> Headers(IRenderedComponent<LiveResourceTable> table) =>
        table.FindAll("thead th").Select(th => th.TextContent.Trim()).ToList();

    [Fact]
    public void Wide_columns_start_hidden_and_the_chooser_shows_them_and_remembers_it_per_kind()
    {
        var table = RenderTable();
        Assert.Equal(["Cluster", "Namespace", "Name", "Status"], Headers(table));

        table.Find("[data-testid=columns-button]").Click();
        var toggles = table.FindAll("[data-testid=column-toggle]");
        Assert.Equal(["Cluster", "Namespace", "Status", "IP"], toggles.Select(t => t.GetAttribute("data-column"))); // the name always shows
        Assert.Equal("false", table.Find("[data-testid=column-toggle][data-column=IP]").GetAttribute("data-shown"));

        table.Find("[data-testid=column-toggle][data-column=IP] input").Change(true);
        table.Find("[data-testid=column-toggle][data-column=Status] input").Change(false);

        table.WaitForAssertion(() => Assert.Equal(["Cluster", "Namespace", "Name", "IP"], Headers(table)));
        Assert.Equal(["aws-prod", "shop", "web-1", "10.0.0.1"], table.FindAll("tbody tr[data-key] td").Select(td => td.TextContent.Trim()));
        var saved = JSInterop.Invocations["localStorage.setItem"][^1].Arguments;
        Assert.Equal("dashboard.columns.pods", saved[0]);
        Assert.Equal("""{"IP":true,"Status":false}""", saved[1]);
    }

    [Fact]
    public void A_remembered_choice_applies_when_the_table_opens()
    {
        JSInterop.Setup<string?>("localStorage.getItem", "dashboard.columns.pods").SetResult("""{"IP":true,"Namespace":false}""");

        var table = RenderTable();

        Assert.Equal(["Cluster", "Name", "Status", "IP"], Headers(table));
    }

    [Fact]
    public void A_stored_choice_that_is_not_json_is_ignored()
    {
        JSInterop.Setup<string?>("localStorage.getItem", "dashboard.columns.pods").SetResult("IP");

        var table = RenderTable();

        Assert.Equal(["Cluster", "Namespace", "Name", "Status"], Headers(table));
    }

    [Fact]
    public void A_name_links_to_the_detail_page_escaped_and_as_text()
    {
        const string hostile = "<b>x</b>";
        _rows =
        [
            new ViewRow("my cluster/u1", "my cluster", "shop", hostile, "1", ["my cluster", "shop", hostile, "Running", ""]),
            new ViewRow("aws-prod/u2", "aws-prod", null, "node-1", "1", ["aws-prod", "", "node-1", "Ready", ""]),
        ];

        var table = RenderTable();

        var links = table.FindAll("tbody tr[data-key] a[data-testid=detail-link]");
        Assert.Equal(["resources/pods/my%20cluster/shop/%3Cb%3Ex%3C%2Fb%3E", "resources/pods/aws-prod/-/node-1"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal(hostile, links[0].TextContent);
        Assert.Empty(table.FindAll("tbody b"));
    }

    [Fact]
    public void A_custom_resource_definition_leads_to_its_objects_and_its_details()
    {
        _columns = [new("Cluster", "text", 0), new("Name", "text", 0), new("Group", "text", 0)];
        _rows = [new ViewRow("aws-prod/c1", "aws-prod", null, "certificates.cert-manager.io", "1", ["aws-prod", "certificates.cert-manager.io", "cert-manager.io"])];

        var table = RenderTable(ResourceKinds.CustomResourceDefinitions);

        Assert.Equal("resources/certificates", table.Find("a[data-testid=objects-link]").GetAttribute("href"));
        Assert.Equal("resources/customresourcedefinitions/aws-prod/-/certificates.cert-manager.io",
            table.Find("a[data-testid=detail-link]").GetAttribute("href"));
    }
}
