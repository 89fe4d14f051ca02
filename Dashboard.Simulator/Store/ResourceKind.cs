namespace Dashboard.Simulator.Store;

/// <summary>One row of the kind table: everything the generic store, discovery and routing need to know about a resource.</summary>
internal sealed record ResourceKind(
    string Group,
    string Version,
    string Plural,
    string Kind,
    bool Namespaced,
    string[] ShortNames,
    string[] FieldPaths,
    bool HasStatus = true,
    bool HasScale = false,
    string[]? Categories = null)
{
    public static readonly string[] AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public string Singular => Kind.ToLowerInvariant();

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    public string GroupVersion => ApiVersion;

    /// <summary>Read-only kinds (metrics) are synthesised on request, never stored.</summary>
    public bool ReadOnly { get; init; }

    public string[] Verbs => ReadOnly ? ["get", "list"] : AllVerbs;
}

/// <summary>The built-in kinds. Adding a kind is adding a row here (tables and controllers are optional extras).</summary>
internal static class BuiltInKinds
{
    public static readonly ResourceKind Namespace = new("", "v1", "namespaces", "Namespace", false, ["ns"], ["status.phase"]);
    public static readonly ResourceKind Node = new("", "v1", "nodes", "Node", false, ["no"], ["spec.unschedulable"]);
    public static readonly ResourceKind Pod = new("", "v1", "pods", "Pod", true, ["po"], ["spec.nodeName", "status.phase", "spec.serviceAccountName", "spec.schedulerName"], Categories: ["all"]);
    public static readonly ResourceKind Service = new("", "v1", "services", "Service", true, ["svc"], ["spec.type", "spec.clusterIP"], Categories: ["all"]);
    public static readonly ResourceKind Endpoints = new("", "v1", "endpoints", "Endpoints", true, ["ep"], [], HasStatus: false);
    public static readonly ResourceKind ConfigMap = new("", "v1", "configmaps", "ConfigMap", true, ["cm"], [], HasStatus: false);
    public static readonly ResourceKind Secret = new("", "v1", "secrets", "Secret", true, [], ["type"], HasStatus: false);
    public static readonly ResourceKind PersistentVolume = new("", "v1", "persistentvolumes", "PersistentVolume", false, ["pv"], []);
    public static readonly ResourceKind PersistentVolumeClaim = new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, ["pvc"], []);
    public static readonly ResourceKind Event = new("", "v1", "events", "Event", true, ["ev"], ["involvedObject.kind", "involvedObject.name", "involvedObject.namespace", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "type", "source"], HasStatus: false);
    public static readonly ResourceKind ServiceAccount = new("", "v1", "serviceaccounts", "ServiceAccount", true, ["sa"], [], HasStatus: false);
    public static readonly ResourceKind Deployment = new("apps", "v1", "deployments", "Deployment", true, ["deploy"], [], HasScale: true, Categories: ["all"]);
    public static readonly ResourceKind ReplicaSet = new("apps", "v1", "replicasets", "ReplicaSet", true, ["rs"], [], HasScale: true, Categories: ["all"]);
    public static readonly ResourceKind DaemonSet = new("apps", "v1", "daemonsets", "DaemonSet", true, ["ds"], [], Categories: ["all"]);
    public static readonly ResourceKind StatefulSet = new("apps", "v1", "statefulsets", "StatefulSet", true, ["sts"], [], HasScale: true, Categories: ["all"]);
    public static readonly ResourceKind Job = new("batch", "v1", "jobs", "Job", true, [], ["status.successful"], Categories: ["all"]);
    public static readonly ResourceKind CronJob = new("batch", "v1", "cronjobs", "CronJob", true, ["cj"], [], Categories: ["all"]);
    public static readonly ResourceKind EndpointSlice = new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, [], [], HasStatus: false);
    public static readonly ResourceKind Ingress = new("networking.k8s.io", "v1", "ingresses", "Ingress", true, ["ing"], []);
    public static readonly ResourceKind IngressClass = new("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, [], [], HasStatus: false);
    public static readonly ResourceKind HorizontalPodAutoscaler = new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, ["hpa"], [], Categories: ["all"]);
    public static readonly ResourceKind PodDisruptionBudget = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, ["pdb"], []);
    public static readonly ResourceKind StorageClass = new("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, ["sc"], [], HasStatus: false);
    public static readonly ResourceKind Role = new("rbac.authorization.k8s.io", "v1", "roles", "Role", true, [], [], HasStatus: false);
    public static readonly ResourceKind RoleBinding = new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, [], [], HasStatus: false);
    public static readonly ResourceKind ClusterRole = new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, [], [], HasStatus: false);
    public static readonly ResourceKind ClusterRoleBinding = new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, [], [], HasStatus: false);
    public static readonly ResourceKind CustomResourceDefinition = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, ["crd", "crds"], []);
    public static readonly ResourceKind NodeMetrics = new("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", false, [], [], HasStatus: false) { ReadOnly = true };
    public static readonly ResourceKind PodMetrics = new("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", true, [], [], HasStatus: false) { ReadOnly = true };

    public static IReadOnlyList<ResourceKind> All { get; } =
    [
        Namespace, Node, Pod, Service, Endpoints, ConfigMap, Secret, PersistentVolume, PersistentVolumeClaim, Event, ServiceAccount,
        Deployment, ReplicaSet, DaemonSet, StatefulSet, Job, CronJob, EndpointSlice, Ingress, IngressClass, HorizontalPodAutoscaler,
        PodDisruptionBudget, StorageClass, Role, RoleBinding, ClusterRole, ClusterRoleBinding, CustomResourceDefinition, NodeMetrics, PodMetrics,
    ];
}
