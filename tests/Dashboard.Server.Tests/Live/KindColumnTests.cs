using Dashboard.Server.Live;
using Dashboard.Server.Tests.Fleet;
using Dashboard.Server.Watching;

namespace Dashboard.Server.Tests.Live;

public sealed class KindColumnTests
{
    /// <summary>The row a kind's table shows for one object: header -> text, as the browser gets it.</summary>
    private static Dictionary<string, string> Row(string plural, string json)
    {
        var resource = Objects.Project(plural, json);
        return KindColumns.For(WatchedKinds.ByPlural[plural]).ToDictionary(c => c.Name, c => c.TextOf(resource));
    }

    private static string Wrap(string kind, string body, string? @namespace = "prod") =>
        $$"""
        {"kind":"{{kind}}","metadata":{"name":"x",{{(@namespace is null ? "" : $"\"namespace\":\"{@namespace}\",")}}"uid":"u1","resourceVersion":"1",
         "creationTimestamp":"2026-11-01T10:00:00Z"}{{(body.Length == 0 ? "" : "," + body)}}}
        """;

    [Fact]
    public void Every_watched_kind_has_cluster_name_and_age_and_a_namespace_when_namespaced()
    {
        foreach (var kind in WatchedKinds.All)
        {
            var names = KindColumns.For(kind).Select(c => c.Name).ToList();

            Assert.Equal("Cluster", names[0]);
            Assert.Equal(kind.Namespaced ? "Namespace" : "Name", names[1]);
            Assert.Equal("Age", names[^1]);
            Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }
    }

    [Fact]
    public void Secret_shows_its_type_and_key_count_and_no_value()
    {
        var row = Row("secrets", Wrap("Secret", """
            "type":"kubernetes.io/tls","data":{"tls.crt":"Y2VydGlmaWNhdGU=","tls.key":"cHJpdmF0ZWtleQ=="}
            """));

        Assert.Equal("kubernetes.io/tls", row["Type"]);
        Assert.Equal("2", row["Data"]);
        Assert.DoesNotContain(row.Values, v => v.Contains("cHJpdmF0ZWtleQ", StringComparison.Ordinal) || v.Contains("Y2VydGlm", StringComparison.Ordinal));
    }

    [Fact]
    public void Config_map_shows_its_key_count()
    {
        var row = Row("configmaps", Wrap("ConfigMap", """ "data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="} """));

        Assert.Equal("3", row["Data"]);
    }

    [Fact]
    public void Namespace_shows_its_status()
    {
        var row = Row("namespaces", Wrap("Namespace", """ "status":{"phase":"Terminating"} """, null));

        Assert.Equal("Terminating", row["Status"]);
        Assert.False(row.ContainsKey("Namespace"));
    }

    [Fact]
    public void Replica_set_shows_desired_ready_and_available()
    {
        var row = Row("replicasets", Wrap("ReplicaSet", """
            "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"a","image":"shop:1"}]}}},
            "status":{"readyReplicas":2,"availableReplicas":1}
            """));

        Assert.Equal(("3", "2", "1", "shop:1"), (row["Desired"], row["Ready"], row["Available"], row["Images"]));
    }

    [Fact]
    public void Stateful_set_shows_ready_of_desired()
    {
        var row = Row("statefulsets", Wrap("StatefulSet", """ "spec":{"replicas":3},"status":{"readyReplicas":2} """));

        Assert.Equal("2/3", row["Ready"]);
    }

    [Fact]
    public void Endpoints_show_the_first_three_ready_addresses_then_how_many_more()
    {
        var row = Row("endpoints", Wrap("Endpoints", """
            "subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"},{"ip":"10.0.0.3"},{"ip":"10.0.0.4"},{"ip":"10.0.0.5"}],
                        "notReadyAddresses":[{"ip":"10.0.0.9"}]}]
            """));

        Assert.Equal("10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...", row["Endpoints"]);
        Assert.Equal("1", row["Not ready"]);
        Assert.Equal("<none>", Row("endpoints", Wrap("Endpoints", ""))["Endpoints"]);
    }

    [Fact]
    public void Pod_disruption_budget_shows_its_budget_allowed_disruptions_and_health()
    {
        var row = Row("poddisruptionbudgets", Wrap("PodDisruptionBudget", """
            "spec":{"minAvailable":2},"status":{"currentHealthy":3,"desiredHealthy":2,"disruptionsAllowed":1}
            """));

        Assert.Equal(("2", "", "1", "3", "2"), (row["Min available"], row["Max unavailable"], row["Allowed disruptions"], row["Current healthy"], row["Desired healthy"]));
        var percent = Row("poddisruptionbudgets", Wrap("PodDisruptionBudget", """ "spec":{"maxUnavailable":"25%"} """));
        Assert.Equal("25%", percent["Max unavailable"]);
    }

    [Fact]
    public void Ingress_class_and_storage_class_show_their_controller_and_provisioner()
    {
        Assert.Equal("k8s.io/ingress-nginx", Row("ingressclasses", Wrap("IngressClass", """ "spec":{"controller":"k8s.io/ingress-nginx"} """, null))["Controller"]);

        var storage = Row("storageclasses", Wrap("StorageClass", """
            "provisioner":"ebs.csi.aws.com","reclaimPolicy":"Delete","volumeBindingMode":"WaitForFirstConsumer"
            """, null));

        Assert.Equal(("ebs.csi.aws.com", "Delete", "WaitForFirstConsumer"), (storage["Provisioner"], storage["Reclaim policy"], storage["Volume binding mode"]));
    }

    [Fact]
    public void Bindings_show_the_role_they_refer_to()
    {
        const string roleRef = """ "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"} """;

        Assert.Equal("ClusterRole/view", Row("rolebindings", Wrap("RoleBinding", roleRef))["Role"]);
        Assert.Equal("ClusterRole/view", Row("clusterrolebindings", Wrap("ClusterRoleBinding", roleRef, null))["Role"]);
    }

    [Fact]
    public void Custom_resource_definition_shows_group_kind_and_scope()
    {
        var row = Row("customresourcedefinitions", Wrap("CustomResourceDefinition", """
            "spec":{"group":"cert-manager.io","scope":"Namespaced","names":{"kind":"Certificate","plural":"certificates"},
                    "versions":[{"name":"v1","served":true,"storage":true}]}
            """, null));

        Assert.Equal(("cert-manager.io", "Certificate", "Namespaced", "v1", "certificates"),
            (row["Group"], row["Kind"], row["Scope"], row["Version"], row["Plural"]));
    }

    [Fact]
    public void Numbers_sort_as_numbers()
    {
        var data = KindColumns.For(WatchedKinds.ByPlural["configmaps"]).Single(c => c.Name == "Data");

        var nine = data.ValueOf(Objects.Project("configmaps", Wrap("ConfigMap", """ "data":{"a":"","b":"","c":"","d":"","e":"","f":"","g":"","h":"","i":""} """)));
        var ten = data.ValueOf(Objects.Project("configmaps", Wrap("ConfigMap", """ "data":{"a":"","b":"","c":"","d":"","e":"","f":"","g":"","h":"","i":"","j":""} """)));

        Assert.True(nine!.CompareTo(ten) < 0);
    }

    [Fact]
    public void Pod_shows_use_against_its_request_and_its_requests_and_limits()
    {
        var pod = Objects.Project("pods", Wrap("Pod", """
            "spec":{"containers":[{"name":"a","image":"a","resources":{"requests":{"cpu":"200m","memory":"256Mi"},"limits":{"memory":"1Gi"}}},
                                  {"name":"b","image":"b","resources":{"limits":{"cpu":"1"}}}]},"status":{"phase":"Running"}
            """));
        var columns = KindColumns.For(WatchedKinds.ByPlural["pods"]);
        var usage = new Dashboard.Shared.Fleet.ResourceUsage("aws-prod", "prod", "x", 150, 384L << 20, DateTime.UtcNow);

        var row = columns.ToDictionary(c => c.Name, c => c.TextOf(pod, usage));
        var unknown = columns.ToDictionary(c => c.Name, c => c.TextOf(pod));

        Assert.Equal(("150m (75%)", "384Mi (150%)"), (row["CPU"], row["Memory"]));
        Assert.Equal(("cpu 200m, memory 256Mi", "cpu 1000m, memory 1024Mi"), (row["Requests"], row["Limits"]));
        Assert.Equal(("", ""), (unknown["CPU"], unknown["Memory"])); // no metrics server: nothing made up
        Assert.Equal(150L, columns.Single(c => c.Name == "CPU").ValueOf(pod, usage));
        Assert.All(columns.Where(c => c.Name is "CPU" or "Memory"), c => Assert.Equal("usage", c.Type));
    }

    [Fact]
    public void Pod_without_requests_is_measured_against_its_limit_or_shows_use_alone()
    {
        var limited = Objects.Project("pods", Wrap("Pod", """ "spec":{"containers":[{"name":"a","image":"a","resources":{"limits":{"cpu":"500m"}}}]} """));
        var open = Objects.Project("pods", Wrap("Pod", """ "spec":{"containers":[{"name":"a","image":"a"}]} """));
        var cpu = KindColumns.For(WatchedKinds.ByPlural["pods"]).Single(c => c.Name == "CPU");
        var usage = new Dashboard.Shared.Fleet.ResourceUsage("aws-prod", "prod", "x", 50, 0, null);

        Assert.Equal("50m (10%)", cpu.TextOf(limited, usage));
        Assert.Equal("50m", cpu.TextOf(open, usage));
        Assert.Equal("<none>", KindColumns.For(WatchedKinds.ByPlural["pods"]).Single(c => c.Name == "Requests").TextOf(open));
    }

    [Fact]
    public void Node_shows_use_against_its_allocatable_as_kubectl_top_nodes_does()
    {
        var node = Objects.Project("nodes", Wrap("Node", """
            "status":{"capacity":{"cpu":"8","memory":"32Gi"},"allocatable":{"cpu":"7910m","memory":"29Gi"}}
            """, null));
        var columns = KindColumns.For(WatchedKinds.ByPlural["nodes"]);
        var usage = new Dashboard.Shared.Fleet.ResourceUsage("aws-prod", null, "x", 3955, 29L << 29, null);

        var row = columns.ToDictionary(c => c.Name, c => c.TextOf(node, usage));

        Assert.Equal(("3955m (50%)", "14848Mi (50%)"), (row["CPU"], row["Memory"]));
    }
}
