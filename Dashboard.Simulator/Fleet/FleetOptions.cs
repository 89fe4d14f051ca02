namespace Dashboard.Simulator;

/// <summary>What to simulate and how fast things happen. The defaults make a lively demo; tests shorten the delays.</summary>
public sealed record FleetOptions
{
    /// <summary>The scenario: "hybrid" (four clusters: on-prem, EKS, GKE, AKS) or "minimal" (one small cluster).</summary>
    public string Scenario { get; init; } = "hybrid";

    /// <summary>Where the clusters' API servers listen: loopback, unless the simulator serves other machines (a compose demo).</summary>
    public System.Net.IPAddress Address { get; init; } = System.Net.IPAddress.Loopback;

    /// <summary>The host name or address the kubeconfig and the server certificate name (e.g. "simulator" in a compose network).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Extra pods across the whole fleet, created already Running (load mode).</summary>
    public int Pods { get; init; }

    /// <summary>Changes per second across the whole fleet applied to the load pods.</summary>
    public double ChurnPerSecond { get; init; }

    public int Seed { get; init; } = 1;

    public TimeSpan ControllerInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>From scheduled to Running (half of it in ContainerCreating).</summary>
    public TimeSpan PodStartDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a crash-looping container runs before it fails again.</summary>
    public TimeSpan CrashRunDuration { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>The first CrashLoopBackOff delay; it doubles up to six times this.</summary>
    public TimeSpan CrashBackoff { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan JobRunDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long pods stay on a NotReady node before they are evicted.</summary>
    public TimeSpan NodeEvictionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan HpaInterval { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxWatchDuration { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan LogLineInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many changes per cluster watches can resume from; older versions get 410 Expired.</summary>
    public int WatchHistory { get; init; } = 50_000;

    /// <summary>Events kept per cluster (oldest removed first).</summary>
    public int EventLimit { get; init; } = 2_000;

    /// <summary>How often the hybrid scenario starts a rolling update somewhere; zero turns it off.</summary>
    public TimeSpan ActivityInterval { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>The time source for timestamps and ages (controllers still tick on real time).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the simulator logs (nothing when null).</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? Logging { get; init; }
}
