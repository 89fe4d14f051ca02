using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Watching;

/// <summary>
/// Polls metrics.k8s.io (nodes and pods) every 15-30 s where the cluster serves it; a cluster without a
/// metrics server is asked again only every five minutes.
/// </summary>
public sealed class UsagePoller(string cluster, KubeApi api, UsageStore usage, ClusterHealth health, TimeSpan interval, TimeProvider time)
{
    private static readonly TimeSpan NotServedRetry = TimeSpan.FromMinutes(5);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = interval;
            try
            {
                usage.Replace(cluster, "Node", await ReadAsync("/apis/metrics.k8s.io/v1beta1/nodes", cancellationToken));
                usage.Replace(cluster, "Pod", await ReadAsync("/apis/metrics.k8s.io/v1beta1/pods", cancellationToken));
                health.UsageError = null;
            }
            catch (KubeApiException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
            {
                health.UsageError = "this cluster serves no metrics.k8s.io (no metrics server)";
                next = NotServedRetry;
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException or JsonException
                                          or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                health.UsageError = $"metrics.k8s.io: {e.Message}";
            }

            try
            {
                await Task.Delay(next, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task<IReadOnlyList<ResourceUsage>> ReadAsync(string path, CancellationToken cancellationToken) =>
        api.GetJsonAsync<IReadOnlyList<ResourceUsage>>(path, list => list.Items("items").Select(item =>
        {
            var meta = item.Get("metadata");
            long cpu = 0, memory = 0;
            var usages = item.Get("usage").ValueKind == JsonValueKind.Object
                ? [item.Get("usage")]
                : item.Items("containers").Select(c => c.Get("usage"));
            foreach (var u in usages)
            {
                cpu += Quantity.Millicores(u.Str("cpu")) ?? 0;
                memory += Quantity.Bytes(u.Str("memory")) ?? 0;
            }

            return new ResourceUsage(cluster, meta.Str("namespace"), meta.Str("name") ?? "", cpu, memory, item.Time("timestamp"));
        }).ToList(), cancellationToken);
}
