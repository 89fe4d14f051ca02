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

        Assert.Equal(["Administration", "Users", "Teams", "Clusters"], Links(menu).SkipWhile(l => l != "Administration"));
        Assert.Equal(["admin/users", "admin/teams", "admin/clusters"],
            menu.FindAll("[data-testid=nav-admin] a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task Everyone_else_does_not()
    {
        await SignInAsAsync(Viewer);

        var menu = Render<NavMenu>();

        Assert.DoesNotContain("Administration", Links(menu));
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

    [Fact]
    public async Task Kinds_are_grouped_as_Headlamp_groups_them_and_link_to_their_lists()
    {
        await SignInAsAsync(Viewer);

        var menu = Render<NavMenu>();

        Assert.Equal("Fleet", Links(menu)[0]);
        Assert.Equal(["Cluster", "Workloads", "Network", "Storage", "Configuration", "Access control", "Custom resources"],
            menu.FindAll("[data-testid=nav-group]").Select(g => g.GetAttribute("data-group")));
        string[] Group(string title) => menu.FindAll($"[data-testid=nav-group][data-group='{title}'] a").Select(a => a.TextContent.Trim()).ToArray();
        Assert.Equal(["Nodes", "Namespaces", "Events"], Group("Cluster"));
        Assert.Equal(["Pods", "Deployments", "ReplicaSets", "DaemonSets", "StatefulSets", "Jobs", "CronJobs", "HorizontalPodAutoscalers", "PodDisruptionBudgets"],
            Group("Workloads"));
        Assert.Equal(["Services", "Endpoints", "Ingresses", "IngressClasses"], Group("Network"));
        Assert.Equal(["PersistentVolumes", "PersistentVolumeClaims", "StorageClasses"], Group("Storage"));
        Assert.Equal(["ConfigMaps", "Secrets", "ServiceAccounts"], Group("Configuration"));
        Assert.Equal(["Roles", "RoleBindings", "ClusterRoles", "ClusterRoleBindings"], Group("Access control"));
        Assert.Equal(["CustomResourceDefinitions"], Group("Custom resources"));
        Assert.Equal("resources/statefulsets", menu.Find("[data-group=Workloads] a[href$=statefulsets]").GetAttribute("href"));
        Assert.Equal("resources/customresourcedefinitions", menu.Find("[data-group='Custom resources'] a").GetAttribute("href"));
    }

    [Fact]
    public async Task Workloads_are_open_and_so_is_the_group_of_the_page_shown()
    {
        await SignInAsAsync(Viewer);
        Navigation.NavigateTo("resources/configmaps?cluster=aws-prod");

        var menu = Render<NavMenu>();

        bool Expanded(string title) => menu.Find($"[data-testid=nav-group][data-group='{title}'] .mud-collapse-container")
            .ClassList.Contains("mud-collapse-entered");
        Assert.True(Expanded("Workloads"));
        Assert.True(Expanded("Configuration"));
        Assert.False(Expanded("Storage"));
    }
}
