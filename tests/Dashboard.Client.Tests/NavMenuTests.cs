using Dashboard.Client.Layout;

namespace Dashboard.Client.Tests;

public sealed class NavMenuTests : AccessTestContext
{
    private static List<string> Links(IRenderedComponent<NavMenu> menu) =>
        menu.FindAll(".mud-nav-link").Select(a => a.TextContent.Trim()).ToList();

    [Fact]
    public async Task Administrators_see_the_administration_group()
    {
        await SignInAsAsync(Admin);

        var menu = Render<NavMenu>();

        Assert.Equal(["Fleet", "Workloads", "Deployments", "Pods", "Administration", "Users", "Teams", "Clusters"], Links(menu));
        Assert.Equal(["admin/users", "admin/teams", "admin/clusters"],
            menu.FindAll("[data-testid=nav-admin] a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task Everyone_else_does_not()
    {
        await SignInAsAsync(Viewer);

        var menu = Render<NavMenu>();

        Assert.Equal(["Fleet", "Workloads", "Deployments", "Pods"], Links(menu));
        Assert.Empty(menu.FindAll("[data-testid=nav-admin]"));
    }

    [Fact]
    public async Task The_group_appears_once_the_session_is_known()
    {
        var menu = Render<NavMenu>();
        Assert.DoesNotContain("Administration", Links(menu));

        await SignInAsAsync(Admin);

        menu.WaitForAssertion(() => Assert.Contains("Administration", Links(menu)));
    }
}
