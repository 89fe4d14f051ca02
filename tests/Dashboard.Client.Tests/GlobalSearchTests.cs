using Dashboard.Client.Search;
using Dashboard.Shared.Search;
using MudBlazor;

namespace Dashboard.Client.Tests;

public sealed class GlobalSearchTests : AccessTestContext
{
    [Fact]
    public async Task Typing_a_name_lists_what_the_server_found_as_links_to_their_details()
    {
        await SignInAsAsync(Viewer);
        Server.OnGet("/api/search", new List<SearchHit>
        {
            new("deployments", "Deployment", "aws-prod", "shop", "payments"),
            new("nodes", "Node", "aws-prod", null, "<img src=x onerror=alert(1)>"),
        });
        var dialogs = Render<MudDialogProvider>();
        var search = Render<GlobalSearch>();

        search.Find("[data-testid=search-open]").Click();
        dialogs.WaitForElement("input[data-testid=search-text]").Input("pay");
        Time.Advance(TimeSpan.FromMilliseconds(200)); // the field's debounce runs on the app's TimeProvider

        dialogs.WaitForAssertion(() => Assert.Equal(2, dialogs.FindAll("[data-testid=search-hit]").Count), TimeSpan.FromSeconds(5));
        var request = Assert.Single(Server.Requests, r => r.Path == "api/search");
        Assert.Equal("?q=pay&limit=20", request.Query);
        var hits = dialogs.FindAll("[data-testid=search-hit]");
        Assert.Equal("/resources/deployments/aws-prod/shop/payments", hits[0].GetAttribute("href"));
        Assert.Equal("/resources/nodes/aws-prod/-/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E", hits[1].GetAttribute("href"));
        Assert.Contains("<img src=x onerror=alert(1)>", hits[1].TextContent, StringComparison.Ordinal); // text, not markup
        Assert.Empty(dialogs.FindAll("img"));
    }

    [Fact]
    public async Task One_character_asks_nothing()
    {
        await SignInAsAsync(Viewer);
        var dialogs = Render<MudDialogProvider>();
        var search = Render<GlobalSearch>();
        search.Find("[data-testid=search-open]").Click();
        dialogs.WaitForElement("input[data-testid=search-text]").Input("p");
        Time.Advance(TimeSpan.FromMilliseconds(200));
        await Task.Delay(100);
        Assert.DoesNotContain(Server.Requests, r => r.Path == "api/search");
    }
}
