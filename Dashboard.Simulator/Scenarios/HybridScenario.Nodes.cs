using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Controllers;

namespace Dashboard.Simulator.Scenarios;

/// <summary>Nodes as each provider's look: names, providerIDs, topology labels, addresses and nodeInfo.</summary>
internal static partial class HybridScenario
{
    internal static JsonObject NodeObject(ClusterProfile p, int index, bool controlPlane)
    {
        var zone = p.Zones[index % p.Zones.Length];
        var ip = p.Provider switch
        {
            "aws" => $"10.0.{16 * (index % 3)}.{20 + index}",
            "gcp" => $"10.132.0.{10 + index}",
            "azure" => $"10.224.0.{4 + index}",
            _ => $"192.168.10.{11 + index}",
        };
        var (name, providerId, extraLabels) = p.Provider switch
        {
            "aws" => ($"ip-{ip.Replace('.', '-')}.{p.Region}.compute.internal",
                $"aws:///{zone}/i-0{Nodes.Hash(p.Name + index)[..8]}{index:x8}",
                new Dictionary<string, string> { ["eks.amazonaws.com/nodegroup"] = controlPlane ? "system" : "general", ["eks.amazonaws.com/capacityType"] = "ON_DEMAND" }),
            "gcp" => ($"gke-{p.Name}-{(controlPlane ? "system" : "default")}-pool-3f9a1c2e-{Nodes.Hash(p.Name + index)[..4]}",
                $"gce://acme-shop-staging/{zone}/gke-{p.Name}-{(controlPlane ? "system" : "default")}-pool-3f9a1c2e-{Nodes.Hash(p.Name + index)[..4]}",
                new Dictionary<string, string> { ["cloud.google.com/gke-nodepool"] = controlPlane ? "system-pool" : "default-pool", ["cloud.google.com/gke-os-distribution"] = "cos" }),
            "azure" => ($"aks-{(controlPlane ? "system" : "nodepool1")}-28374651-vmss{index:x6}",
                $"azure:///subscriptions/6f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/resourceGroups/mc_rg-dev_{p.Name}_{p.Region}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-{(controlPlane ? "system" : "nodepool1")}-28374651-vmss/virtualMachines/{index}",
                new Dictionary<string, string> { ["kubernetes.azure.com/agentpool"] = controlPlane ? "system" : "nodepool1", ["kubernetes.azure.com/cluster"] = $"mc_rg-dev_{p.Name}_{p.Region}" }),
            _ => ($"{p.Name}-{(controlPlane ? "cp" : "worker")}-{index}",
                $"openstack:///{new Guid(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(p.Name + index))[..16])}",
                new Dictionary<string, string> { ["node.openshift.io/os_id"] = "rhcos" }),
        };
        var labels = new JsonObject
        {
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/hostname"] = name,
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["node.kubernetes.io/instance-type"] = p.InstanceType,
            ["topology.kubernetes.io/region"] = p.Region,
            ["topology.kubernetes.io/zone"] = zone,
        };
        foreach (var (k, v) in extraLabels)
        {
            labels[k] = v;
        }

        if (controlPlane)
        {
            labels["node-role.kubernetes.io/control-plane"] = "";
        }
        else
        {
            labels["node-role.kubernetes.io/worker"] = "";
        }

        var spec = new JsonObject { ["providerID"] = providerId, ["podCIDR"] = $"10.244.{index}.0/24", ["podCIDRs"] = new JsonArray($"10.244.{index}.0/24") };
        if (controlPlane)
        {
            spec["taints"] = new JsonArray(new JsonObject { ["key"] = "node-role.kubernetes.io/control-plane", ["effect"] = "NoSchedule" });
        }

        var kubelet = p.GitVersion;
        var addresses = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = ip }, new JsonObject { ["type"] = "Hostname", ["address"] = name });
        if (p.Provider != "onprem")
        {
            addresses.Add(new JsonObject { ["type"] = "ExternalIP", ["address"] = $"{(p.Provider == "aws" ? 54 : p.Provider == "gcp" ? 35 : 20)}.{100 + index}.{17 * (index + 1) % 250}.{(31 * (index + 3)) % 250}" });
        }

        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    ["node.alpha.kubernetes.io/ttl"] = "0",
                    ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true",
                },
            },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["capacity"] = Resources(controlPlane ? "4" : "8", controlPlane ? "16" : "32", "110"),
                ["allocatable"] = Resources(controlPlane ? "3920m" : "7910m", controlPlane ? "14" : "29", "110"),
                ["conditions"] = new JsonArray(
                    Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now),
                    Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
                    Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
                    Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now)),
                ["addresses"] = addresses,
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["machineID"] = Nodes.Hash(name + "m") + Nodes.Hash(name + "n") + "0123456789ab",
                    ["systemUUID"] = Guid.NewGuid().ToString(),
                    ["bootID"] = Guid.NewGuid().ToString(),
                    ["kernelVersion"] = p.KernelVersion,
                    ["osImage"] = p.OsImage,
                    ["containerRuntimeVersion"] = p.RuntimeVersion,
                    ["kubeletVersion"] = kubelet,
                    ["kubeProxyVersion"] = kubelet,
                    ["operatingSystem"] = "linux",
                    ["architecture"] = "amd64",
                },
            },
        };
    }

    private static JsonObject Resources(string cpu, string memoryGi, string pods) => new()
    {
        ["cpu"] = cpu,
        ["memory"] = (long.Parse(memoryGi, CultureInfo.InvariantCulture) * 1024 * 1024).ToString(CultureInfo.InvariantCulture) + "Ki",
        ["pods"] = pods,
        ["ephemeral-storage"] = "102350Mi",
    };

    private static JsonObject Condition(string type, string status, string reason, string message, DateTimeOffset now) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastHeartbeatTime"] = Nodes.Stamp(now),
        ["lastTransitionTime"] = Nodes.Stamp(now.AddDays(-12)),
        ["reason"] = reason,
        ["message"] = message,
    };
}
