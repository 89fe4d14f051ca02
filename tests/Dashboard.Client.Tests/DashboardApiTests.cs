using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dashboard.Client.Access;
using Dashboard.Shared.Access;

namespace Dashboard.Client.Tests;

public sealed class DashboardApiTests : IDisposable
{
    private readonly FakeApiServer _server = new();
    private readonly HttpClient _http;
    private readonly CurrentSession _session;
    private readonly DashboardApi _api;

    public DashboardApiTests()
    {
        _http = new HttpClient(_server) { BaseAddress = new Uri("http://localhost/") };
        _session = new CurrentSession(_http);
        _api = new DashboardApi(_http, _session);
    }

    [Fact]
    public async Task Writes_carry_the_antiforgery_token_of_the_signed_in_user_and_reads_do_not()
    {
        _server.OnGet("/api/me", AccessTestContext.Admin);
        _server.OnGet("/api/admin/teams", Array.Empty<TeamSummary>());
        _server.On(HttpMethod.Delete, "/api/admin/bindings/b1", _ => FakeApiServer.NoContent());
        await _session.GetUserAsync();

        await _api.GetAsync<TeamSummary[]>("api/admin/teams");
        await _api.DeleteAsync("api/admin/bindings/b1");

        Assert.Null(_server.Single(HttpMethod.Get, "/api/admin/teams").Antiforgery);
        Assert.Equal("xsrf-admin", _server.Single(HttpMethod.Delete, "/api/admin/bindings/b1").Antiforgery);
    }

    [Fact]
    public async Task Enums_travel_as_their_names()
    {
        var teamId = Guid.NewGuid();
        _server.On(HttpMethod.Post, $"/api/admin/teams/{teamId}/bindings", request => FakeApiServer.Answer(
            new BindingSummary(Guid.NewGuid(), teamId, "shop", request.BodyAs<BindingRequest>().Role, "*", "shop")));

        var created = await _api.PostAsync<BindingSummary>($"api/admin/teams/{teamId}/bindings", new BindingRequest(TeamRole.Operator, "*", "shop"));

        Assert.Equal("Operator", _server.Requests.Single().BodyJson.GetProperty("role").GetString());
        Assert.Equal(TeamRole.Operator, created.Role);
    }

    [Fact]
    public async Task A_problem_answer_becomes_an_exception_carrying_its_detail()
    {
        _server.On(HttpMethod.Post, "/api/admin/users", _ => FakeApiServer.Problem(HttpStatusCode.BadRequest,
            "Passwords must be at least 12 characters. Passwords must have at least one digit ('0'-'9')."));

        var error = await Assert.ThrowsAsync<ApiException>(() => _api.PostAsync<UserSummary>("api/admin/users", new CreateUserRequest("bob", "short")));

        Assert.Equal("Passwords must be at least 12 characters. Passwords must have at least one digit ('0'-'9').", error.Message);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
    }

    [Fact]
    public async Task Validation_problems_without_a_detail_list_their_failures()
    {
        _server.On(HttpMethod.Post, "/api/me/tokens", _ => new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent("""{"title":"One or more validation errors occurred.","status":400,"errors":{"Name":["A name is required."]}}""",
                Encoding.UTF8, new MediaTypeHeaderValue("application/problem+json")),
        });

        var error = await Assert.ThrowsAsync<ApiException>(() => _api.PostAsync<CreatedApiToken>("api/me/tokens", new CreateApiTokenRequest("", 30)));

        Assert.Equal("A name is required.", error.Message);
    }

    [Fact]
    public async Task A_refusal_without_problem_details_still_says_what_happened()
    {
        _server.On(HttpMethod.Get, "/api/admin/users", _ => new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("<html>no</html>") });

        var error = await Assert.ThrowsAsync<ApiException>(() => _api.GetAsync<UserSummary[]>("api/admin/users"));

        Assert.Equal("You are not allowed to do this.", error.Message);
    }

    [Fact]
    public async Task Not_signed_in_is_an_answer_of_the_session_not_an_error()
    {
        _server.On(HttpMethod.Get, "/api/me", _ => FakeApiServer.Problem(HttpStatusCode.Unauthorized, "Not signed in."));
        var changes = 0;
        _session.Changed += () => changes++;

        var user = await _session.GetUserAsync();

        Assert.Null(user);
        Assert.True(_session.IsSignedOut);
        Assert.Equal(1, changes);
    }

    [Fact]
    public async Task The_session_is_asked_once_and_again_only_on_demand()
    {
        _server.OnGet("/api/me", AccessTestContext.Viewer);

        await _session.GetUserAsync();
        await _session.GetUserAsync();
        Assert.Single(_server.Requests);

        _server.OnGet("/api/me", AccessTestContext.Viewer with { Teams = ["shop", "payments"] });
        var reloaded = await _session.ReloadAsync();

        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(["shop", "payments"], reloaded!.Teams);
        Assert.Equal(AccessTestContext.Viewer.Grants, reloaded.Grants);
    }

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
    }
}
