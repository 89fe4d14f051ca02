using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dashboard.Server.Audit;
using Dashboard.Shared.Access;
using Dashboard.Shared.Audit;
using Dashboard.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Server.Tests.Audit;

/// <summary>A server with a known history written a week ago (fake clock), and "sam", who may view aws-prod's shop namespace.</summary>
public sealed class AuditHistoryFixture : IAsyncLifetime
{
    public const string Password = "Query-user-pass-1";
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private TestDatabase _database = null!;

    public DashboardFactory Factory { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public string ConnectionString => _database.ConnectionString;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        Factory = new DashboardFactory(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = _database.ConnectionString });
        Admin = await Factory.AdminClientAsync();

        (await Admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest("sam", Password))).EnsureSuccessStatusCode();
        var team = (await (await Admin.PostAsJsonAsync("/api/admin/teams", new TeamRequest("shop-prod", null))).Content.ReadFromJsonAsync<TeamSummary>())!;
        (await Admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/members", new AddMemberRequest("sam"))).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/bindings", new BindingRequest(TeamRole.Viewer, "aws-prod", "shop"))).EnsureSuccessStatusCode();

        // A minute apart from 09:00.
        var time = new FakeTimeProvider(Start);
        var log = new AuditStore(_database.ConnectionString, time).NewLog();
        var victor = new Actor("u-victor", "victor", ["staging"], "10.0.0.8", "browser", "password");
        var bob = new Actor("u-bob", "bob", ["dev"], "10.0.0.9", "curl", "personal token");
        var formula = new Actor("u-x", "=HYPERLINK(\"http://evil\")", [], null, null, "password");
        async Task AddAsync(AuditEntry entry)
        {
            await log.AppendAsync(entry);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        await AddAsync(AuditSamples.Scale("aws-prod", "shop", "web", 2, 5));                                                  // 09:00
        await AddAsync(AuditSamples.Scale("aws-prod", "payments", "api", 3, 1) with { Outcome = AuditOutcome.Failed, Error = "Quota exceeded for api" });
        await AddAsync(AuditSamples.Scale("gcp-staging", "shop", "web", 1, 2, victor));
        await AddAsync(new AuditEntry(AuditSamples.Olga, new AuditEvent("node.cordon", new AuditTarget("aws-prod", null, "Node", "node-1")),
            AuditOutcome.Succeeded, Guid.CreateVersion7()));
        await AddAsync(AuditSamples.Scale("azure-dev", "shop", "cart", 1, 1, formula));                                      // 09:04
        for (var i = 0; i < 30; i++)
        {
            await AddAsync(AuditSamples.Scale("azure-dev", "shop", $"cart-{i}", i, i + 1, bob));                              // 09:05 to 09:34
        }

        // Written last by a replica whose clock runs behind: its place in the pages is its time, 08:59.
        var rita = new Actor("u-rita", "rita", ["ops", "sre"], null, null, "password");
        var behind = new AuditStore(_database.ConnectionString, new FakeTimeProvider(Start.AddMinutes(-1))).NewLog();
        await behind.AppendAsync(AuditSamples.Scale("onprem-lab", "tools", "late", 1, 2, rita) with { Outcome = AuditOutcome.Failed, Error = "quota 100%_used" });
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Factory.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>The audit page's API over a known history: filters, keyset pages, CSV, and who sees what.</summary>
public sealed class AuditQueryTests(AuditHistoryFixture history) : IClassFixture<AuditHistoryFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static async Task<AuditPage> PageAsync(HttpClient http, string query) =>
        (await http.GetFromJsonAsync<AuditPage>($"/api/audit?{query}", Json))!;

    [Theory]
    [InlineData("user=olga", new[] { "node-1", "api", "web" })]
    [InlineData("team=staging", new[] { "web" })]
    [InlineData("cluster=aws-prod&namespace=shop", new[] { "web" })]
    [InlineData("cluster=aws-prod&kind=Node", new[] { "node-1" })]
    [InlineData("kind=Deployment&outcome=failed", new[] { "api", "late" })]
    [InlineData("text=QUOTA", new[] { "api", "late" })]
    [InlineData("text=0%25_u", new[] { "late" })]
    [InlineData("text=%25", new[] { "late" })]
    [InlineData("text=a_i", new string[0])]
    [InlineData("team=sre", new[] { "late" })]
    [InlineData("team=ops", new[] { "late" })]
    [InlineData("team=op", new string[0])]
    [InlineData("from=2026-01-05T08:58:00Z&to=2026-01-05T09:02:00Z", new[] { "api", "web", "late" })]
    [InlineData("action=node.*", new[] { "node-1" })]
    [InlineData("from=2026-01-05T09:01:00Z&to=2026-01-05T09:03:00Z&action=workload.scale", new[] { "web", "api" })]
    public async Task Each_filter_narrows_the_history_newest_first_by_time(string query, string[] names)
    {
        var page = await PageAsync(history.Admin, query);
        Assert.Equal(names, page.Items.Select(r => r.Target.Name));
        Assert.Null(page.NextAfter);
        Assert.True(page.Items.Zip(page.Items.Skip(1)).All(p => p.First.TimeUtc > p.Second.TimeUtc));
    }

    [Fact]
    public async Task Keyset_pages_walk_the_whole_selection_once_without_overlap()
    {
        var seen = new List<AuditRecordView>();
        long? after = null;
        var pages = 0;
        do
        {
            var page = await PageAsync(history.Admin, $"user=bob&limit=7{(after is null ? "" : $"&after={after}")}");
            Assert.InRange(page.Items.Count, 1, 7);
            seen.AddRange(page.Items);
            after = page.NextAfter;
            pages++;
        }
        while (after is not null);

        Assert.Equal(5, pages);
        Assert.Equal(Enumerable.Range(0, 30).Reverse().Select(i => $"cart-{i}"), seen.Select(r => r.Target.Name));
        Assert.Equal(HttpStatusCode.BadRequest, (await history.Admin.GetAsync("/api/audit?outcome=Maybe")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await history.Admin.GetAsync("/api/audit?limit=5000")).StatusCode);
    }

    [Fact]
    public async Task Csv_export_holds_every_matching_record_and_no_formula()
    {
        using var response = await history.Admin.GetAsync("/api/audit.csv?namespace=shop&cluster=azure-dev");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("Id,Time,User,Teams,Address,UserAgent,Method,Action,Cluster,Namespace,Kind,Name", lines[0], StringComparison.Ordinal);
        Assert.Equal(32, lines.Length); // header, bob's 30, the formula user's 1
        Assert.Contains(",bob,dev,10.0.0.9,curl,personal token,workload.scale,azure-dev,shop,Deployment,cart-29,", lines[1], StringComparison.Ordinal);
        Assert.Contains("2026-01-05T09:34:00.000000Z", lines[1], StringComparison.Ordinal);
        var formula = Assert.Single(lines, l => l.Contains("HYPERLINK", StringComparison.Ordinal));
        Assert.DoesNotContain(",=HYPERLINK", formula, StringComparison.Ordinal);
        Assert.DoesNotContain(",\"=HYPERLINK", formula, StringComparison.Ordinal);

        var empty = await history.Admin.GetStringAsync("/api/audit.csv?user=nobody");
        Assert.StartsWith("Id,Time,", empty, StringComparison.Ordinal);
        Assert.Single(empty.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Others_see_only_records_their_scope_allows_and_their_own()
    {
        using var sam = history.Factory.CreateClient(await history.Factory.TokenAsync("sam", AuditHistoryFixture.Password));
        sam.DefaultRequestHeaders.UserAgent.ParseAdd("sams-script/2.0");
        Assert.Equal(HttpStatusCode.Forbidden, (await sam.GetAsync("/api/admin/audit/verify")).StatusCode);
        var page = await PageAsync(sam, "limit=1000");

        Assert.NotEmpty(page.Items);
        Assert.All(page.Items, r => Assert.True(
            r.Actor.UserName == "sam" || (r.Target.Cluster == "aws-prod" && r.Target.Namespace == "shop"),
            $"sam sees {r.Action} on {r.Target.Cluster}/{r.Target.Namespace} by {r.Actor.UserName}"));
        var olgas = Assert.Single(page.Items, r => r.Actor.UserName == "olga");
        Assert.Equal("web", olgas.Target.Name);
        Assert.Null(olgas.Actor.Address); // where someone else connected from is not sam's business
        Assert.Null(olgas.Actor.UserAgent);
        Assert.Single(page.Items, r => r.Action == AuditActions.SignIn && r.Actor.UserName == "sam");
        var denied = Assert.Single(page.Items, r => r.Action == AuditActions.Denied);
        Assert.Equal(("sam", "sams-script/2.0"), (denied.Actor.UserName, denied.Actor.UserAgent)); // their own, whole
        Assert.Equal("kubectl-ish/1.0", (await PageAsync(history.Admin, "user=olga&cluster=aws-prod&namespace=shop")).Items.Single().Actor.UserAgent);

        // The admin sees all of it, cluster-scoped records too; sam's export is sam's page.
        Assert.Contains((await PageAsync(history.Admin, "cluster=aws-prod")).Items, r => r.Target.Kind == "Node");
        var csv = (await sam.GetStringAsync("/api/audit.csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(page.Items.Count + 1, csv.Length);
    }

    [Fact]
    public async Task A_scoped_viewer_s_small_pages_walk_past_the_records_they_may_not_see_to_the_same_history()
    {
        // The newest 31 records are in namespace "shop" of clusters sam may not see: rounds of one page's worth
        // find none, and the reader reads on in larger rounds.
        using var sam = history.Factory.CreateClient(await history.Factory.TokenAsync("sam", AuditHistoryFixture.Password));
        var whole = (await PageAsync(sam, "limit=1000")).Items.Select(r => r.Id).ToList();
        var walked = new List<long>();
        long? after = null;
        do
        {
            var page = await PageAsync(sam, $"limit=2{(after is null ? "" : $"&after={after}")}");
            walked.AddRange(page.Items.Select(r => r.Id));
            after = page.NextAfter;
        }
        while (after is not null);

        Assert.True(whole.Count >= 3, $"{whole.Count} records");
        Assert.Equal(whole, walked);
    }

    [Fact]
    public async Task The_admin_verify_endpoint_walks_the_chain_and_names_a_changed_record()
    {
        var intact = (await history.Admin.GetFromJsonAsync<AuditVerification>("/api/admin/audit/verify", Json))!;
        Assert.True(intact.Intact, intact.Problem);
        Assert.True(intact.Checked > 35);

        var store = new AuditStore(history.ConnectionString);
        var target = (await store.RecordsAsync()).Single(r => r.TargetName == "web" && r.TargetCluster == "aws-prod");
        await store.SqlAsync($"""
            ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only;
            UPDATE audit_records SET "After" = '50' WHERE "Id" = {target.Id};
            ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only;
            """);

        var broken = (await history.Admin.GetFromJsonAsync<AuditVerification>("/api/admin/audit/verify", Json))!;
        Assert.False(broken.Intact);
        Assert.Equal(target.Id, broken.BrokenId);
    }
}
