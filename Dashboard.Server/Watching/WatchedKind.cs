using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Watching;

/// <summary>One kind the server keeps a list+watch of, and how an object of it is projected.</summary>
public sealed record WatchedKind(string Plural, string Group, string Version, string Kind, bool Namespaced, Projector Project)
{
    /// <summary>How watch lines of this kind are decoded: a JsonDocument and the projector, or a kind's own reader.</summary>
    public WatchDecoder Decode { get; init; } = WatchDecoders.Document;

    /// <summary>For a custom resource: its CRD's printer columns (the table shows them); null for built-in kinds.</summary>
    public IReadOnlyList<PrinterColumn>? PrinterColumns { get; init; }

    /// <summary>The collection path across all namespaces, e.g. /api/v1/pods or /apis/apps/v1/deployments.</summary>
    public string Path => Group.Length == 0 ? $"/api/{Version}/{Plural}" : $"/apis/{Group}/{Version}/{Plural}";
}

public delegate object? Projector(JsonElement item, Interner interner);

/// <summary>Every kind the fleet state holds (the simulator serves them all). Adding a kind is adding a line.</summary>
public static class WatchedKinds
{
    public static readonly IReadOnlyList<WatchedKind> All =
    [
        new("namespaces", "", "v1", "Namespace", false, Projections.Generic("status.phase")),
        new("nodes", "", "v1", "Node", false, Projections.Node),
        new("pods", "", "v1", "Pod", true, Projections.Pod) { Decode = PodDecoder.Decode },
        new("services", "", "v1", "Service", true, Projections.Service),
        new("endpoints", "", "v1", "Endpoints", true, Projections.Endpoints),
        new("configmaps", "", "v1", "ConfigMap", true, Projections.KeyCount("data", "binaryData")),
        new("secrets", "", "v1", "Secret", true, Projections.Secret),
        new("persistentvolumes", "", "v1", "PersistentVolume", false, Projections.Volume),
        new("persistentvolumeclaims", "", "v1", "PersistentVolumeClaim", true, Projections.VolumeClaim),
        new("events", "", "v1", "Event", true, Projections.Event),
        new("serviceaccounts", "", "v1", "ServiceAccount", true, Projections.Generic()),
        new("deployments", "apps", "v1", "Deployment", true, Projections.Workload),
        new("replicasets", "apps", "v1", "ReplicaSet", true, Projections.Workload),
        new("daemonsets", "apps", "v1", "DaemonSet", true, Projections.DaemonSet),
        new("statefulsets", "apps", "v1", "StatefulSet", true, Projections.Workload),
        new("jobs", "batch", "v1", "Job", true, Projections.Job),
        new("cronjobs", "batch", "v1", "CronJob", true, Projections.CronJob),
        new("horizontalpodautoscalers", "autoscaling", "v2", "HorizontalPodAutoscaler", true, Projections.Autoscaler),
        new("poddisruptionbudgets", "policy", "v1", "PodDisruptionBudget", true,
            Projections.Generic("spec.minAvailable", "spec.maxUnavailable", "status.currentHealthy", "status.desiredHealthy", "status.disruptionsAllowed")),
        new("ingresses", "networking.k8s.io", "v1", "Ingress", true, Projections.Ingress),
        new("ingressclasses", "networking.k8s.io", "v1", "IngressClass", false, Projections.Generic("spec.controller")),
        new("storageclasses", "storage.k8s.io", "v1", "StorageClass", false, Projections.Generic("provisioner", "reclaimPolicy", "volumeBindingMode")),
        new("roles", "rbac.authorization.k8s.io", "v1", "Role", true, Projections.Generic()),
        new("rolebindings", "rbac.authorization.k8s.io", "v1", "RoleBinding", true, Projections.Generic("roleRef.kind", "roleRef.name")),
        new("clusterroles", "rbac.authorization.k8s.io", "v1", "ClusterRole", false, Projections.Generic()),
        new("clusterrolebindings", "rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", false, Projections.Generic("roleRef.kind", "roleRef.name")),
        new("customresourcedefinitions", "apiextensions.k8s.io", "v1", "CustomResourceDefinition", false, Projections.CustomResourceDefinition),
    ];

    public static readonly IReadOnlyDictionary<string, WatchedKind> ByPlural =
        All.ToDictionary(k => k.Plural, StringComparer.OrdinalIgnoreCase);

    /// <summary>The kind a CRD adds, watched only when a screen or the API asks for it.</summary>
    public static WatchedKind Custom(CustomKindSpecInfo crd) =>
        new(crd.Plural, crd.Group, crd.Version, crd.Kind, crd.Namespaced, Projections.PrinterColumns(crd.Columns)) { PrinterColumns = crd.Columns };
}
