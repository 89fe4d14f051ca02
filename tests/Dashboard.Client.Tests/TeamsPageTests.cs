using Dashboard.Client.Pages.Admin;
using Dashboard.Shared.Access;
using MudBlazor;

namespace Dashboard.Client.Tests;

public sealed class TeamsPageTests : AccessTestContext
{
    private static readonly Guid ShopId = Guid.NewGuid();
    private static readonly Guid BindingId = Guid.NewGuid();

    private IRenderedComponent<MudPopoverProvider>? _popovers;

    private List<TeamSummary> _teams =
    [
        new(ShopId, "shop", "shop-engineers", [new TeamMember("u-alice", "alice")],
            [new BindingSummary(BindingId, ShopId, "shop", TeamRole.Viewer, "environment=prod", "shop")]),
        new(Guid.NewGuid(), "<script>alert(1)</script>", null, [], []),
    ];

    public TeamsPageTests()
    {
        Server.OnGet("/api/admin/teams", () => _teams.ToArray());
        Server.OnGet("/api/admin/users", new[]
        {
            new UserSummary("u-alice", "alice", false, false, null, Now, ["shop"]),
            new UserSummary("u-bob", "bob", false, false, null, Now, []),
        });
    }

    private async Task<IRenderedComponent<Teams>> RenderPageAsync()
    {
        await SignInAsAsync(Admin);
        _popovers = Render<MudPopoverProvider>();
        return Render<Teams>();
    }

    [Fact]
    public async Task Teams_show_their_members_and_bindings_as_text()
    {
        var page = await RenderPageAsync();

        Assert.Equal(["<script>alert(1)</script>", "shop"], page.FindAll("[data-team]").Select(t => t.GetAttribute("data-team")));
        Assert.Empty(page.FindAll("[data-team] script"));
        var shop = page.Find("[data-team=shop]");
        Assert.Equal("shop-engineers", shop.QuerySelector("[data-testid=team-group]")!.TextContent.Trim());
        Assert.Equal(["alice"], shop.QuerySelectorAll("[data-member]").Select(m => m.GetAttribute("data-member")));
        var binding = page.Find($"tr[data-binding='{BindingId}']");
        Assert.Equal(["Viewer", "environment=prod", "shop"], binding.QuerySelectorAll("td").Take(3).Select(td => td.TextContent.Trim()));
    }

    [Fact]
    public async Task The_binding_form_explains_the_selector_syntax()
    {
        var page = await RenderPageAsync();

        var form = page.Find("[data-team=shop] [data-testid=add-binding-form]").TextContent;
        Assert.Contains("environment=prod,provider=aws", form, StringComparison.Ordinal);
        Assert.Contains("onprem-prod", form, StringComparison.Ordinal);
        Assert.Contains("shop,team-a-*", form, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adding_a_binding_posts_role_clusters_and_namespaces_then_shows_the_servers_state()
    {
        var page = await RenderPageAsync();
        Server.On(HttpMethod.Post, $"/api/admin/teams/{ShopId}/bindings", request =>
        {
            var body = request.BodyAs<BindingRequest>();
            var added = new BindingSummary(Guid.NewGuid(), ShopId, "shop", body.Role, body.Clusters, body.Namespaces);
            _teams[0] = _teams[0] with { Bindings = [.. _teams[0].Bindings, added] };
            return FakeApiServer.Answer(added);
        });

        page.Find("[data-team=shop] [data-testid=add-binding-form] .mud-select .mud-input-control").MouseDown();
        var option = _popovers!.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "Operator");
        option.Click();
        page.Find("[data-team=shop] input[data-testid=binding-clusters]").Input("environment=prod,provider=aws");
        page.Find("[data-team=shop] input[data-testid=binding-namespaces]").Input("shop,team-a-*");
        page.Find("[data-team=shop] [data-testid=add-binding]").Click();

        var request = Server.Single(HttpMethod.Post, $"/api/admin/teams/{ShopId}/bindings");
        Assert.Equal("xsrf-admin", request.Antiforgery);
        Assert.Equal("Operator", request.BodyJson.GetProperty("role").GetString());
        Assert.Equal(new BindingRequest(TeamRole.Operator, "environment=prod,provider=aws", "shop,team-a-*"), request.BodyAs<BindingRequest>());
        page.WaitForAssertion(() => Assert.Equal(["Viewer", "Operator"],
            page.FindAll("[data-team=shop] tr[data-binding]").Select(r => r.GetAttribute("data-role"))));
    }

    [Fact]
    public async Task Removing_a_member_and_a_binding_delete_them_on_the_server()
    {
        Server.On(HttpMethod.Delete, $"/api/admin/teams/{ShopId}/members/u-alice", _ => FakeApiServer.NoContent());
        Server.On(HttpMethod.Delete, $"/api/admin/bindings/{BindingId}", _ => FakeApiServer.NoContent());
        var page = await RenderPageAsync();

        page.Find("[data-member=alice] .mud-chip-close-button").Click();
        page.Find($"tr[data-binding='{BindingId}'] [data-testid=remove-binding]").Click();

        Assert.Equal("xsrf-admin", Server.Single(HttpMethod.Delete, $"/api/admin/teams/{ShopId}/members/u-alice").Antiforgery);
        Assert.Equal("xsrf-admin", Server.Single(HttpMethod.Delete, $"/api/admin/bindings/{BindingId}").Antiforgery);
    }

    [Fact]
    public async Task Adding_a_member_posts_the_typed_username()
    {
        Server.On(HttpMethod.Post, $"/api/admin/teams/{ShopId}/members", _ => FakeApiServer.NoContent());
        var page = await RenderPageAsync();

        page.Find("[data-team=shop] input[data-testid=member-name]").Input("bob");
        page.Find("[data-team=shop] [data-testid=add-member]").Click();

        page.WaitForAssertion(() => Assert.Equal(new AddMemberRequest("bob"),
            Server.Single(HttpMethod.Post, $"/api/admin/teams/{ShopId}/members").BodyAs<AddMemberRequest>()));
    }

    [Fact]
    public async Task Creating_a_team_posts_its_name_and_group()
    {
        var platform = new TeamSummary(Guid.NewGuid(), "platform", "platform-oncall", [], []);
        Server.On(HttpMethod.Post, "/api/admin/teams", _ => FakeApiServer.Answer(platform));
        var page = await RenderPageAsync();

        page.Find("input[data-testid=new-team-name]").Input("platform");
        page.Find("input[data-testid=new-team-group]").Input("platform-oncall");
        page.Find("[data-testid=create-team]").Click();

        Assert.Equal(new TeamRequest("platform", "platform-oncall"), Server.Single(HttpMethod.Post, "/api/admin/teams").BodyAs<TeamRequest>());
        Assert.Contains("platform", page.FindAll("[data-team]").Select(t => t.GetAttribute("data-team")));
    }
}
