using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Shared.Access;
using Dashboard.Simulator;
using Dashboard.Testing;

namespace Dashboard.Server.Tests.Access;

/// <summary>
/// Clusters added by an administrator from a pasted kubeconfig: watched at once and after a restart, credentials
/// encrypted at rest and never answered, labels that move the cluster in and out of teams' scopes, removal.
/// </summary>
public sealed class ClusterRegistryTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("registry-");
    private SimulatedFleet _fleet = null!;
    private TestDatabase _database = null!;
    private string _kubeconfig = "";

    public async Task InitializeAsync()
    {
        _fleet = await SimulatedFleet.StartAsync(new FleetOptions { Scenario = "minimal" });
        var path = Path.Combine(_dir.FullName, "kubeconfig");
        _fleet.WriteKubeconfig(path);
        _kubeconfig = await File.ReadAllTextAsync(path);
        _database = await TestPostgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _fleet.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private DashboardFactory NewServer() => new(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = _database.ConnectionString });

    private static async Task WaitLiveAsync(HttpClient http, string name) =>
        await Network.WaitUntilAsync(async () =>
        {
            using var clusters = JsonDocument.Parse(await http.GetStringAsync("/api/clusters"));
            return clusters.RootElement.EnumerateArray().Any(c => c.GetProperty("name").GetString() == name && c.GetProperty("state").GetString() == "Live");
        }, TimeSpan.FromSeconds(30), $"{name} to be Live");

    [Fact]
    public async Task A_pasted_kubeconfig_is_watched_at_once_kept_encrypted_and_watched_again_after_a_restart()
    {
        var cluster = _fleet.Clusters.Single();
        RegisteredCluster registered;
        await using (var server = NewServer())
        {
            using var admin = await server.AdminClientAsync();
            using var added = await admin.PostAsJsonAsync("/api/admin/clusters",
                new AddClusterRequest(_kubeconfig, null, "lab", "vsphere", "prod", "dc-1"));
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            registered = (await added.Content.ReadFromJsonAsync<RegisteredCluster>())!;
            Assert.Equal(cluster.Server.ToString().TrimEnd('/'), registered.Server);
            await WaitLiveAsync(admin, "lab");

            using var pods = JsonDocument.Parse(await admin.GetStringAsync("/api/resources/pods?cluster=lab&count=1"));
            Assert.Equal(cluster.Count("pods"), pods.RootElement.GetProperty("total").GetInt32());
            Assert.DoesNotContain(cluster.Token, await admin.GetStringAsync("/api/admin/clusters"), StringComparison.Ordinal);

            using var again = await admin.PostAsJsonAsync("/api/admin/clusters", new AddClusterRequest(_kubeconfig, null, "lab", null, null, null));
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        await using (var connection = new Npgsql.NpgsqlConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT \"ProtectedKubeconfig\" FROM clusters WHERE \"Name\" = 'lab'", connection);
            var stored = (string)(await command.ExecuteScalarAsync())!;
            Assert.DoesNotContain(cluster.Token, stored, StringComparison.Ordinal);
            Assert.DoesNotContain("BEGIN CERTIFICATE", stored, StringComparison.Ordinal);
        }

        // A new server process on the same database reads the Data Protection keys from it and decrypts.
        await using var restarted = NewServer();
        using var admin2 = await restarted.AdminClientAsync();
        await WaitLiveAsync(admin2, "lab");
        var listed = Assert.Single((await admin2.GetFromJsonAsync<List<RegisteredCluster>>("/api/admin/clusters"))!);
        Assert.Equal(registered with { CreatedAtUtc = listed.CreatedAtUtc }, listed);
    }

    [Fact]
    public async Task Kubeconfigs_that_run_programs_read_files_or_are_not_kubeconfigs_are_refused_with_the_reason()
    {
        await using var server = NewServer();
        using var admin = await server.AdminClientAsync();
        var exec = _kubeconfig.Replace(
            $"    token: {_fleet.Clusters.Single().Token}",
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n      args: [\"-c\", \"touch /tmp/pwned\"]",
            StringComparison.Ordinal);
        var files = _kubeconfig.Replace("certificate-authority-data:", "certificate-authority: /etc/ssl/private/key.pem\n    x-was:", StringComparison.Ordinal);
        foreach (var (yaml, reason) in new[]
                 {
                     (exec, "Exec plugins"),
                     (files, "points at files"),
                     ("just: [text", "not a kubeconfig"),
                     (_kubeconfig, "Say which context"),
                 })
        {
            var context = reason == "Say which context" ? "nope" : null;
            using var response = await admin.PostAsJsonAsync("/api/admin/clusters", new AddClusterRequest(yaml, context, "bad", null, null, null));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty((await admin.GetFromJsonAsync<List<RegisteredCluster>>("/api/admin/clusters"))!);
        Assert.False(File.Exists("/tmp/pwned"));
    }

    [Fact]
    public async Task Labels_move_a_cluster_in_and_out_of_a_teams_scope_and_removal_drops_it()
    {
        await using var server = NewServer();
        using var admin = await server.AdminClientAsync();
        var registered = (await (await admin.PostAsJsonAsync("/api/admin/clusters",
            new AddClusterRequest(_kubeconfig, null, "lab", null, "dev", null))).Content.ReadFromJsonAsync<RegisteredCluster>())!;
        await WaitLiveAsync(admin, "lab");

        (await admin.PostAsJsonAsync("/api/admin/users", new CreateUserRequest("pia", "Prod-viewer-pass-1"))).EnsureSuccessStatusCode();
        var team = (await (await admin.PostAsJsonAsync("/api/admin/teams", new TeamRequest("prod", null))).Content.ReadFromJsonAsync<TeamSummary>())!;
        (await admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/members", new AddMemberRequest("pia"))).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/admin/teams/{team.Id}/bindings", new BindingRequest(TeamRole.Viewer, "environment=prod", "*"))).EnsureSuccessStatusCode();
        using var pia = server.CreateClient(await server.TokenAsync("pia", "Prod-viewer-pass-1"));

        async Task<int> PiaSeesAsync()
        {
            using var page = JsonDocument.Parse(await pia.GetStringAsync("/api/resources/pods?count=1"));
            return page.RootElement.GetProperty("total").GetInt32();
        }

        Assert.Equal(0, await PiaSeesAsync());
        Assert.Equal(HttpStatusCode.NoContent,
            (await admin.PutAsJsonAsync($"/api/admin/clusters/{registered.Id}/labels", new ClusterLabelsRequest("vsphere", "prod", "dc-1"))).StatusCode);
        await Network.WaitUntilAsync(async () => await PiaSeesAsync() == _fleet.Clusters.Single().Count("pods"), TimeSpan.FromSeconds(10), "pia to see the relabelled cluster");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/clusters/{registered.Id}")).StatusCode);
        Assert.Equal(0, await PiaSeesAsync());
        using var clusters = JsonDocument.Parse(await admin.GetStringAsync("/api/clusters"));
        Assert.Equal(0, clusters.RootElement.GetArrayLength());
    }
}
