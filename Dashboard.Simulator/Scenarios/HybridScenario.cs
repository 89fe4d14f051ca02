using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Controllers;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Scenarios;

/// <summary>
/// The default demo fleet: an on-prem private cloud (CRI-O) and EKS, GKE and AKS clusters (containerd), each with a control
/// plane and workers, the same shop application at different tags, an ingress controller, logging, a database and an HPA.
/// </summary>
internal static partial class HybridScenario
{
    public static IReadOnlyList<ClusterProfile> Profiles(string scenario) => scenario switch
    {
        "minimal" => [OnPrem()],
        _ => [OnPrem(), Aws(), Gcp(), Azure()],
    };

    private static ClusterProfile OnPrem() => new("onprem-prod", "onprem", "prod", "eu-central-dc1", ["dc1-rack-a", "dc1-rack-b", "dc1-rack-c"],
        "v1.27.16", "cri-o", "cri-o://1.27.8", "Red Hat Enterprise Linux CoreOS 414.92.202402130420-0 (Plow)", "5.14.0-284.52.1.el9_2.x86_64", "vm.large-8c32g",
        "haproxy", "haproxy.org/ingress-controller/haproxy", "ceph-rbd", "rook-ceph.rbd.csi.ceph.com", "2.14.1", NewToken());

    private static ClusterProfile Aws() => new("aws-prod", "aws", "prod", "eu-west-1", ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        "v1.30.11-eks-bc803b4", "containerd", "containerd://1.7.27", "Amazon Linux 2023.7.20250414", "6.1.132-147.221.amzn2023.x86_64", "m6i.xlarge",
        "nginx", "k8s.io/ingress-nginx", "gp3", "ebs.csi.aws.com", "2.14.3", NewToken());

    private static ClusterProfile Gcp() => new("gcp-staging", "gcp", "staging", "europe-west1", ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
        "v1.32.4-gke.1106000", "containerd", "containerd://1.7.24", "Container-Optimized OS from Google", "6.6.72+", "e2-standard-4",
        "traefik", "traefik.io/ingress-controller", "standard-rwo", "pd.csi.storage.gke.io", "2.15.0-rc.2", NewToken());

    private static ClusterProfile Azure() => new("azure-dev", "azure", "dev", "westeurope", ["westeurope-1", "westeurope-2", "westeurope-3"],
        "v1.33.1", "containerd", "containerd://1.7.26-1", "Ubuntu 22.04.5 LTS", "5.15.0-1084-azure", "Standard_D4s_v5",
        "nginx", "k8s.io/ingress-nginx", "managed-csi", "disk.csi.azure.com", "2.16.0-dev.41", NewToken());

    private static string NewToken() => "sim-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public static void Build(SimulatedCluster cluster)
    {
        var p = cluster.Profile;
        var store = cluster.Store;
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Create(store, BuiltInKinds.Namespace, new JsonObject { ["metadata"] = Meta(ns, null) });
        }

        Create(store, BuiltInKinds.Node, NodeObject(p, 0, controlPlane: true));
        for (var i = 1; i <= 3; i++)
        {
            Create(store, BuiltInKinds.Node, NodeObject(p, i, controlPlane: false));
        }

        Create(store, BuiltInKinds.StorageClass, new JsonObject
        {
            ["metadata"] = Meta(p.StorageClass, null, annotations: new() { ["storageclass.kubernetes.io/is-default-class"] = "true" }),
            ["provisioner"] = p.StorageProvisioner,
            ["reclaimPolicy"] = "Delete",
            ["volumeBindingMode"] = "Immediate",
            ["allowVolumeExpansion"] = true,
        });
        foreach (var role in new[] { "cluster-admin", "admin", "edit", "view" })
        {
            Create(store, BuiltInKinds.ClusterRole, new JsonObject
            {
                ["metadata"] = Meta(role, null, new() { ["kubernetes.io/bootstrapping"] = "rbac-defaults" }),
                ["rules"] = new JsonArray(new JsonObject { ["apiGroups"] = new JsonArray("*"), ["resources"] = new JsonArray("*"), ["verbs"] = new JsonArray(role is "view" ? ["get", "list", "watch"] : new JsonNode[] { "*" }) }),
            });
        }

        Create(store, BuiltInKinds.ClusterRoleBinding, new JsonObject
        {
            ["metadata"] = Meta("cluster-admin", null),
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = "cluster-admin" },
            ["subjects"] = new JsonArray(new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Group", ["name"] = "system:masters" }),
        });

        // kube-system
        Create(store, BuiltInKinds.Deployment, DeploymentObject("kube-system", "coredns", 2, "registry.k8s.io/coredns/coredns:v1.11.3", 53,
            new() { ["k8s-app"] = "kube-dns" }));
        Create(store, BuiltInKinds.Service, ServiceObject("kube-system", "kube-dns", new() { ["k8s-app"] = "kube-dns" }, 53, "dns"));
        Create(store, BuiltInKinds.Deployment, DeploymentObject("kube-system", "metrics-server", 1, "registry.k8s.io/metrics-server/metrics-server:v0.7.2", 10250,
            new() { ["k8s-app"] = "metrics-server" }));

        // Ingress controller
        var ingressNs = p.IngressClass switch { "haproxy" => "haproxy-controller", "traefik" => "traefik", _ => "ingress-nginx" };
        var ingressImage = p.IngressClass switch
        {
            "haproxy" => "haproxytech/kubernetes-ingress:3.0.5",
            "traefik" => "traefik:v3.3.4",
            _ => "registry.k8s.io/ingress-nginx/controller:v1.12.1",
        };
        Create(store, BuiltInKinds.Namespace, new JsonObject { ["metadata"] = Meta(ingressNs, null) });
        Create(store, BuiltInKinds.Deployment, DeploymentObject(ingressNs, $"{p.IngressClass}-ingress-controller", 2, ingressImage, 80,
            new() { ["app.kubernetes.io/name"] = p.IngressClass, ["app.kubernetes.io/component"] = "controller" }));
        var lb = ServiceObject(ingressNs, $"{p.IngressClass}-ingress-controller", new() { ["app.kubernetes.io/name"] = p.IngressClass, ["app.kubernetes.io/component"] = "controller" }, 80, "http");
        lb["spec"]!["type"] = "LoadBalancer";
        lb["spec"]!["ports"]!.AsArray().Add(new JsonObject { ["name"] = "https", ["port"] = 443, ["targetPort"] = 443, ["protocol"] = "TCP", ["nodePort"] = 31443 });
        lb["spec"]!["ports"]![0]!["nodePort"] = 31080;
        lb["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(LoadBalancerAddress(p)) } };
        Create(store, BuiltInKinds.Service, lb);
        Create(store, BuiltInKinds.IngressClass, new JsonObject
        {
            ["metadata"] = Meta(p.IngressClass, null, annotations: new() { ["ingressclass.kubernetes.io/is-default-class"] = "true" }),
            ["spec"] = new JsonObject { ["controller"] = p.IngressController },
        });

        // Logging DaemonSet on every node.
        Create(store, BuiltInKinds.Namespace, new JsonObject { ["metadata"] = Meta("logging", null) });
        var fluent = DeploymentObject("logging", "fluent-bit", 0, "cr.fluentbit.io/fluent/fluent-bit:3.2.8", 2020, new() { ["app.kubernetes.io/name"] = "fluent-bit" });
        fluent["spec"]!.AsObject().Remove("replicas");
        fluent["spec"]!.AsObject().Remove("strategy");
        fluent["spec"]!["template"]!["spec"]!["tolerations"] = new JsonArray(new JsonObject { ["operator"] = "Exists" });
        Create(store, BuiltInKinds.DaemonSet, fluent);
        Create(store, BuiltInKinds.DaemonSet, WithTolerateAll(DeploymentObject("kube-system", "kube-proxy", 0, $"registry.k8s.io/kube-proxy:{p.GitVersion.Split('-')[0]}", 10249, new() { ["k8s-app"] = "kube-proxy" })));

        // The shop application, at this environment's tag.
        const string shop = "shop";
        Create(store, BuiltInKinds.Namespace, new JsonObject { ["metadata"] = Meta(shop, new() { ["environment"] = p.Environment, ["team"] = "commerce" }) });
        var prod = p.Environment == "prod";
        foreach (var (app, replicas, port) in new[] { ("storefront", prod ? 3 : 2, 8080), ("orders-api", prod ? 3 : 2, 8081), ("payments", prod ? 2 : 1, 8082) })
        {
            var d = DeploymentObject(shop, app, replicas, $"registry.example.com/shop/{app}:{p.AppTag}", port,
                new() { ["app.kubernetes.io/name"] = app, ["app.kubernetes.io/part-of"] = "shop", ["app.kubernetes.io/version"] = p.AppTag });
            Create(store, BuiltInKinds.Deployment, d);
            Create(store, BuiltInKinds.Service, ServiceObject(shop, app, new() { ["app.kubernetes.io/name"] = app }, 80, "http", port));
        }

        var crashing = DeploymentObject(shop, "recommendations", 1, $"registry.example.com/shop/recommendations:{p.AppTag}", 8083,
            new() { ["app.kubernetes.io/name"] = "recommendations", ["app.kubernetes.io/part-of"] = "shop" });
        crashing["spec"]!["template"]!["metadata"]!["annotations"] = new JsonObject { [PodLogs.CrashLoopAnnotation] = "true" };
        Create(store, BuiltInKinds.Deployment, crashing);
        Create(store, BuiltInKinds.ConfigMap, new JsonObject
        {
            ["metadata"] = Meta("shop-config", null, ns: shop),
            ["data"] = new JsonObject { ["FEATURE_FLAGS"] = "new-checkout=" + (prod ? "off" : "on"), ["LOG_LEVEL"] = prod ? "info" : "debug", ["REGION"] = p.Region },
        });
        Create(store, BuiltInKinds.Secret, new JsonObject
        {
            ["metadata"] = Meta("shop-db-credentials", null, ns: shop),
            ["type"] = "Opaque",
            ["data"] = new JsonObject { ["username"] = "c2hvcA==", ["password"] = "c2ltdWxhdGVk" },
        });
        Create(store, BuiltInKinds.HorizontalPodAutoscaler, new JsonObject
        {
            ["metadata"] = Meta("storefront", null, ns: shop),
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = "storefront" },
                ["minReplicas"] = prod ? 3 : 2,
                ["maxReplicas"] = prod ? 10 : 4,
                ["metrics"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Resource",
                    ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 70 } },
                }),
            },
        });
        Create(store, BuiltInKinds.PodDisruptionBudget, new JsonObject
        {
            ["metadata"] = Meta("orders-api", null, ns: shop),
            ["spec"] = new JsonObject { ["minAvailable"] = 1, ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app.kubernetes.io/name"] = "orders-api" } } },
        });
        Create(store, BuiltInKinds.Ingress, new JsonObject
        {
            ["metadata"] = Meta("shop", null, ns: shop),
            ["spec"] = new JsonObject
            {
                ["ingressClassName"] = p.IngressClass,
                ["tls"] = new JsonArray(new JsonObject { ["hosts"] = new JsonArray($"shop.{p.Environment}.example.com"), ["secretName"] = "shop-tls" }),
                ["rules"] = new JsonArray(
                    Rule($"shop.{p.Environment}.example.com", ("/", "storefront"), ("/api/orders", "orders-api"), ("/api/payments", "payments")),
                    Rule($"admin.{p.Environment}.example.com", ("/", "orders-api"))),
            },
            ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(LoadBalancerAddress(p)) } },
        });

        // A Service without selector pointing at a database outside the cluster.
        Create(store, BuiltInKinds.Service, new JsonObject
        {
            ["metadata"] = Meta("orders-db-external", null, ns: shop),
            ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["name"] = "postgres", ["port"] = 5432, ["targetPort"] = 5432 }) },
        });
        var externalIp = p.Provider switch { "aws" => "10.40.12.17", "gcp" => "10.132.0.45", "azure" => "10.224.8.9", _ => "192.168.50.20" };
        Create(store, BuiltInKinds.Endpoints, new JsonObject
        {
            ["metadata"] = Meta("orders-db-external", null, ns: shop),
            ["subsets"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray(new JsonObject { ["ip"] = externalIp }),
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "postgres", ["port"] = 5432, ["protocol"] = "TCP" }),
            }),
        });

        // A database StatefulSet with its claims.
        Create(store, BuiltInKinds.Namespace, new JsonObject { ["metadata"] = Meta("data", null) });
        var db = DeploymentObject("data", "postgres", prod ? 3 : 1, "docker.io/library/postgres:16.8", 5432, new() { ["app.kubernetes.io/name"] = "postgres" });
        db["spec"]!.AsObject().Remove("strategy");
        db["spec"]!["serviceName"] = "postgres";
        db["spec"]!["volumeClaimTemplates"] = new JsonArray(new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "data" },
            ["spec"] = new JsonObject
            {
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = prod ? "100Gi" : "20Gi" } },
            },
        });
        Create(store, BuiltInKinds.StatefulSet, db);
        var headless = ServiceObject("data", "postgres", new() { ["app.kubernetes.io/name"] = "postgres" }, 5432, "postgres");
        headless["spec"]!["clusterIP"] = "None";
        Create(store, BuiltInKinds.Service, headless);

        // A nightly job on a schedule.
        Create(store, BuiltInKinds.Namespace, new JsonObject { ["metadata"] = Meta("batch", null) });
        var job = DeploymentObject("batch", "report", 0, $"registry.example.com/shop/report:{p.AppTag}", 0, new() { ["app.kubernetes.io/name"] = "report" });
        Create(store, BuiltInKinds.CronJob, new JsonObject
        {
            ["metadata"] = Meta("sales-report", null, ns: "batch"),
            ["spec"] = new JsonObject
            {
                ["schedule"] = "*/10 * * * *",
                ["jobTemplate"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = job["spec"]!["template"]!.DeepClone() } },
            },
        });
    }

    private static JsonObject WithTolerateAll(JsonObject workload)
    {
        workload["spec"]!.AsObject().Remove("replicas");
        workload["spec"]!.AsObject().Remove("strategy");
        workload["spec"]!["template"]!["spec"]!["tolerations"] = new JsonArray(new JsonObject { ["operator"] = "Exists" });
        return workload;
    }

    private static JsonObject Rule(string host, params (string Path, string Service)[] paths) => new()
    {
        ["host"] = host,
        ["http"] = new JsonObject
        {
            ["paths"] = new JsonArray(paths.Select(p => (JsonNode)new JsonObject
            {
                ["path"] = p.Path,
                ["pathType"] = "Prefix",
                ["backend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = p.Service, ["port"] = new JsonObject { ["number"] = 80 } } },
            }).ToArray()),
        },
    };

    private static JsonObject LoadBalancerAddress(ClusterProfile p) => p.Provider switch
    {
        "aws" => new JsonObject { ["hostname"] = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6-1234567890.eu-west-1.elb.amazonaws.com" },
        "gcp" => new JsonObject { ["ip"] = "34.76.118.42", ["ipMode"] = "VIP" },
        "azure" => new JsonObject { ["ip"] = "20.103.57.201", ["ipMode"] = "VIP" },
        _ => new JsonObject { ["ip"] = "192.168.40.10", ["ipMode"] = "VIP" },
    };

    internal static void Create(ClusterStore store, ResourceKind kind, JsonObject obj)
    {
        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;
        store.Create(kind, obj);
    }

    internal static JsonObject Meta(string name, Dictionary<string, string>? labels, Dictionary<string, string>? annotations = null, string? ns = null)
    {
        var meta = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            meta["namespace"] = ns;
        }

        if (labels is { Count: > 0 })
        {
            meta["labels"] = new JsonObject(labels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        }

        if (annotations is { Count: > 0 })
        {
            meta["annotations"] = new JsonObject(annotations.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        }

        return meta;
    }

    internal static JsonObject DeploymentObject(string ns, string name, int replicas, string image, int port, Dictionary<string, string> labels)
    {
        var labelNode = new JsonObject(labels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        var selector = new JsonObject { ["app.kubernetes.io/name"] = labels.GetValueOrDefault("app.kubernetes.io/name") ?? labels.GetValueOrDefault("k8s-app") ?? name };
        if (labels.TryGetValue("k8s-app", out var k8sApp))
        {
            selector = new JsonObject { ["k8s-app"] = k8sApp };
        }

        var container = new JsonObject
        {
            ["name"] = name,
            ["image"] = image,
            ["resources"] = new JsonObject
            {
                ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" },
                ["limits"] = new JsonObject { ["memory"] = "512Mi" },
            },
        };
        if (port > 0)
        {
            container["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = port, ["protocol"] = "TCP" });
            container["readinessProbe"] = new JsonObject
            {
                ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = port, ["scheme"] = "HTTP" },
                ["timeoutSeconds"] = 1,
                ["periodSeconds"] = 10,
                ["successThreshold"] = 1,
                ["failureThreshold"] = 3,
            };
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labelNode.DeepClone() },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = selector },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = labelNode },
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(container) },
                },
            },
        };
    }

    internal static JsonObject ServiceObject(string ns, string name, Dictionary<string, string> selector, int port, string portName, int? targetPort = null) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject(selector.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = portName, ["port"] = port, ["targetPort"] = targetPort ?? port, ["protocol"] = "TCP" }),
        },
    };
}
