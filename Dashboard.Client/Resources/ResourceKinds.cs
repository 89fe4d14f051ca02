namespace Dashboard.Client.Resources;

/// <summary>A kind the navigation lists: its plural (the route's and the hub's name for it), title and group.</summary>
public sealed record ResourceKindViewModel(string Plural, string Title, string Group);

/// <summary>A group of the navigation, in order, with its icon.</summary>
public sealed record ResourceGroupViewModel(string Title, string Icon, IReadOnlyList<ResourceKindViewModel> Kinds);

/// <summary>
/// The built-in kinds the screens list, grouped as Headlamp groups them. Adding a kind to the navigation is
/// adding a line; any other plural (a CRD's) still has a list at /resources/{plural}.
/// </summary>
public static class ResourceKinds
{
    public const string CustomResourceDefinitions = "customresourcedefinitions";

    public static readonly IReadOnlyList<ResourceGroupViewModel> Groups =
    [
        Group("Cluster", MudBlazor.Icons.Material.Filled.Dns, ("nodes", "Nodes"), ("namespaces", "Namespaces"), ("events", "Events")),
        Group("Workloads", MudBlazor.Icons.Material.Filled.Layers,
            ("pods", "Pods"), ("deployments", "Deployments"), ("replicasets", "ReplicaSets"), ("daemonsets", "DaemonSets"),
            ("statefulsets", "StatefulSets"), ("jobs", "Jobs"), ("cronjobs", "CronJobs"),
            ("horizontalpodautoscalers", "HorizontalPodAutoscalers"), ("poddisruptionbudgets", "PodDisruptionBudgets")),
        Group("Network", MudBlazor.Icons.Material.Filled.Lan,
            ("services", "Services"), ("endpoints", "Endpoints"), ("ingresses", "Ingresses"), ("ingressclasses", "IngressClasses")),
        Group("Storage", MudBlazor.Icons.Material.Filled.Storage,
            ("persistentvolumes", "PersistentVolumes"), ("persistentvolumeclaims", "PersistentVolumeClaims"), ("storageclasses", "StorageClasses")),
        Group("Configuration", MudBlazor.Icons.Material.Filled.Tune,
            ("configmaps", "ConfigMaps"), ("secrets", "Secrets"), ("serviceaccounts", "ServiceAccounts")),
        Group("Access control", MudBlazor.Icons.Material.Filled.Security,
            ("roles", "Roles"), ("rolebindings", "RoleBindings"), ("clusterroles", "ClusterRoles"), ("clusterrolebindings", "ClusterRoleBindings")),
        Group("Custom resources", MudBlazor.Icons.Material.Filled.Extension, (CustomResourceDefinitions, "CustomResourceDefinitions")),
    ];

    private static readonly Dictionary<string, ResourceKindViewModel> ByPlural =
        Groups.SelectMany(g => g.Kinds).ToDictionary(k => k.Plural, StringComparer.OrdinalIgnoreCase);

    /// <summary>The kind's title: its own for a built-in kind, else the plural with a capital (a CRD's "certificates").</summary>
    public static string TitleOf(string plural) =>
        ByPlural.TryGetValue(plural, out var kind) ? kind.Title
        : plural.Length == 0 ? plural
        : char.ToUpperInvariant(plural[0]) + plural[1..];

    /// <summary>The route of a kind's list.</summary>
    public static string ListHref(string plural) => $"resources/{Uri.EscapeDataString(plural)}";

    private static ResourceGroupViewModel Group(string title, string icon, params (string Plural, string Title)[] kinds) =>
        new(title, icon, kinds.Select(k => new ResourceKindViewModel(k.Plural, k.Title, title)).ToList());
}
