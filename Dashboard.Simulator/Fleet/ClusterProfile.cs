namespace Dashboard.Simulator;

/// <summary>What a simulated cluster is: its name, provider, region, version and node shapes.</summary>
internal sealed record ClusterProfile(
    string Name,
    string Provider,
    string Environment,
    string Region,
    string[] Zones,
    string GitVersion,
    string Runtime,
    string RuntimeVersion,
    string OsImage,
    string KernelVersion,
    string InstanceType,
    string IngressClass,
    string IngressController,
    string StorageClass,
    string StorageProvisioner,
    string AppTag,
    string Token);
