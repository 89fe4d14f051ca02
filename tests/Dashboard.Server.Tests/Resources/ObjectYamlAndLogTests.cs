using Dashboard.Server.Tests.Access;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Testing;
using YamlDotNet.RepresentationModel;

namespace Dashboard.Server.Tests.Resources;

/// <summary>An object's YAML (secrets hidden) and a pod's logs, fetched on demand from the simulated clusters.</summary>
[Collection(DetailFleetCollection.Name)]
public sealed class ObjectYamlAndLogTests(AccessFleetFixture fleet)
{
    private const string Cluster = "gcp-staging";

    [Fact]
    public async Task Yaml_is_the_clusters_object_without_managed_fields()
    {
        var yaml = await fleet.Admin.GetStringAsync($"/api/objects/deployments/{Cluster}/shop/storefront/yaml");

        var parsed = ToJson(yaml)!.AsObject();
        var original = JsonNode.Parse(fleet.Fleet[Cluster].GetJson("deployments", "shop", "storefront", "apps")!)!.AsObject();
        Assert.DoesNotContain("managedFields", yaml, StringComparison.Ordinal);
        Assert.Equal("Deployment", parsed["kind"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(original["spec"], parsed["spec"]), $"spec differs:\n{yaml}");
        Assert.True(JsonNode.DeepEquals(original["metadata"]!["labels"], parsed["metadata"]!["labels"]));
        Assert.Equal(original["metadata"]!["uid"]!.GetValue<string>(), parsed["metadata"]!["uid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Strings_that_look_like_other_types_stay_strings_and_managed_fields_go()
    {
        fleet.Fleet[Cluster].Apply("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"tricky","namespace":"shop","labels":{"n":"8080","b":"true","y":"yes","e":""},
              "managedFields":[{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{}}}]},
             "data":{"multi":"line one\nline two\n","zero":"0755","null":"null","html":"<img src=x onerror=alert(1)>","colon":"a: b","dash":"- x"}}
            """);

        var yaml = await fleet.Admin.GetStringAsync($"/api/objects/configmaps/{Cluster}/shop/tricky/yaml");

        var parsed = ToJson(yaml)!;
        var original = JsonNode.Parse(fleet.Fleet[Cluster].GetJson("configmaps", "shop", "tricky")!)!;
        Assert.NotNull(original["metadata"]!["managedFields"]);
        Assert.DoesNotContain("managedFields", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("kubectl-client-side-apply", yaml, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(original["data"], parsed["data"]), yaml);
        Assert.True(JsonNode.DeepEquals(original["metadata"]!["labels"], parsed["metadata"]!["labels"]), yaml);
    }

    [Fact]
    public async Task Secret_values_never_leave_the_server()
    {
        const string applied = """{"apiVersion":"v1","kind":"Secret","stringData":{"token":"s3cr3t-applied"}}""";
        fleet.Fleet[Cluster].Apply($$$"""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"api-keys","namespace":"shop",
              "annotations":{"kubectl.kubernetes.io/last-applied-configuration":{{{JsonSerializer.Serialize(applied)}}},"team":"commerce"}},
             "type":"Opaque","data":{"key":"c3VwZXItc2VjcmV0LWtleQ=="},"stringData":{"token":"s3cr3t-plain"}}
            """);

        var yaml = await fleet.Admin.GetStringAsync($"/api/objects/secrets/{Cluster}/shop/api-keys/yaml");
        var detail = await fleet.Admin.GetStringAsync($"/api/objects/secrets/{Cluster}/shop/api-keys");
        var credentials = await fleet.Admin.GetStringAsync($"/api/objects/secrets/{Cluster}/shop/shop-db-credentials/yaml");

        foreach (var secret in new[] { "c3VwZXItc2VjcmV0LWtleQ==", "super-secret-key", "s3cr3t-plain", "s3cr3t-applied" })
        {
            Assert.DoesNotContain(secret, yaml, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, detail, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("c2ltdWxhdGVk", credentials, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcA==", credentials, StringComparison.Ordinal);
        var parsed = ToJson(yaml)!;
        Assert.Equal(Dashboard.Server.Resources.SecretRedaction.Placeholder, parsed["data"]!["key"]!.GetValue<string>()); // the keys stay
        Assert.Equal(Dashboard.Server.Resources.SecretRedaction.Placeholder, parsed["stringData"]!["token"]!.GetValue<string>());
        Assert.Equal("commerce", parsed["metadata"]!["annotations"]!["team"]!.GetValue<string>());
        Assert.Equal("password", ToJson(credentials)!["data"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).First());
    }

    [Fact]
    public async Task Logs_stream_a_tail_the_previous_container_and_a_download()
    {
        var pod = fleet.Names(Cluster, "pods", "shop").First(n => n.StartsWith("recommendations-", StringComparison.Ordinal));
        var path = $"/api/objects/pods/{Cluster}/shop/{pod}/logs";

        using var tail = await fleet.Admin.GetAsync($"{path}?tailLines=5");
        Assert.Equal(HttpStatusCode.OK, tail.StatusCode);
        Assert.Equal("text/plain", tail.Content.Headers.ContentType?.MediaType);
        Assert.Equal(5, (await tail.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n').Length);
        Assert.Null(tail.Content.Headers.ContentDisposition);

        string previous = "";
        await Network.WaitUntilAsync(async () =>
        {
            using var response = await fleet.Admin.GetAsync($"{path}?previous=true&container=recommendations&tailLines=3");
            previous = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(60), "the pod to have a previous container");
        Assert.All(previous.TrimEnd('\n').Split('\n'), line => Assert.Contains("failed to connect to database", line, StringComparison.Ordinal));

        using var download = await fleet.Admin.GetAsync($"{path}?download=true&tailLines=2");
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"{pod}.log", download.Content.Headers.ContentDisposition?.FileNameStar);

        using var wrong = await fleet.Admin.GetAsync($"{path}?container=nope");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("container nope is not valid", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var notPod = await fleet.Admin.GetAsync($"/api/objects/deployments/{Cluster}/shop/storefront/logs");
        Assert.Equal(HttpStatusCode.NotFound, notPod.StatusCode);
    }

    [Fact]
    public async Task A_followed_log_streams_lines_as_they_come_until_the_caller_leaves()
    {
        var pod = fleet.Names(Cluster, "pods", "shop").First(n => n.StartsWith("storefront-", StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/objects/pods/{Cluster}/shop/{pod}/logs?follow=true&tailLines=1");
        using var response = await fleet.Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var lines = new List<string>();
        while (lines.Count < 3)
        {
            lines.Add(await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the log ended"));
        }

        // Line numbers grow: the first is the tail, the next ones came while following.
        var numbers = lines.Select(l => l.Contains("line=", StringComparison.Ordinal) ? int.Parse(l[(l.IndexOf("line=", StringComparison.Ordinal) + 5)..], CultureInfo.InvariantCulture) : -1).ToList();
        Assert.True(numbers[2] > numbers[1] || numbers[1] == -1, string.Join("\n", lines));
    }

    /// <summary>YAML read back as JSON with YAML 1.1 plain scalar rules (what a careless reader would do).</summary>
    private static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", Convert(kv.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.Plain } quoted => JsonValue.Create(quoted.Value),
        YamlScalarNode scalar => scalar.Value switch
        {
            null or "" or "~" or "null" => null,
            "true" or "yes" or "on" => JsonValue.Create(true),
            "false" or "no" or "off" => JsonValue.Create(false),
            var v when long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) => JsonValue.Create(i),
            var v when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            var v => JsonValue.Create(v),
        },
        _ => null,
    };
}
