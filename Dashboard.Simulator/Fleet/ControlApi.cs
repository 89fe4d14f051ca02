using System.Globalization;
using Dashboard.Simulator.Api;
using Microsoft.AspNetCore.Http;

namespace Dashboard.Simulator;

/// <summary>
/// The fault-control listener: POST /clusters/{name|all}/faults/{cut-watches|410|latency|malformed|down|up|throttle|reset},
/// POST /clusters/{name}/nodes/{node}/{fail|recover|cordon|uncordon}, POST /clusters/{name}/deployments/{ns}/{name}/scale?replicas=N,
/// GET /clusters.
/// </summary>
internal sealed class ControlApi(IReadOnlyList<SimulatedCluster> clusters)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        var segments = (ctx.Request.Path.Value ?? "").Trim('/').Split('/');
        var query = ctx.Request.Query;
        try
        {
            switch (ctx.Request.Method, segments)
            {
                case ("GET", ["clusters"]):
                    await Responses.WriteJsonAsync(ctx, 200, w =>
                    {
                        w.WriteStartArray();
                        foreach (var c in clusters)
                        {
                            w.WriteStartObject();
                            w.WriteString("name", c.Name);
                            w.WriteString("server", c.Server.ToString());
                            w.WriteString("version", c.KubernetesVersion);
                            w.WriteString("provider", c.Provider);
                            w.WriteBoolean("down", c.IsDown);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    });
                    return;
                case ("POST", ["clusters", var name, "faults", var fault]):
                    foreach (var c in Select(name))
                    {
                        var f = c.Faults;
                        switch (fault)
                        {
                            case "cut-watches":
                                f.CutWatches();
                                break;
                            case "410":
                                f.Next410(Int(query["count"], 1));
                                break;
                            case "latency":
                                f.Latency = TimeSpan.FromMilliseconds(Int(query["ms"], 0));
                                break;
                            case "malformed":
                                f.InjectMalformedLine();
                                break;
                            case "down":
                                await f.GoDownAsync();
                                break;
                            case "up":
                                await f.ComeUpAsync();
                                break;
                            case "throttle":
                                if (query["all"].FirstOrDefault() is { } all)
                                {
                                    f.ThrottleAll = all == "true";
                                }
                                else
                                {
                                    f.Throttle429(Int(query["count"], 1));
                                }

                                break;
                            case "reset":
                                f.Reset();
                                break;
                            default:
                                throw new KeyNotFoundException($"unknown fault {fault}");
                        }
                    }

                    break;
                case ("POST", ["clusters", var name, "nodes", var node, var action]):
                    foreach (var c in Select(name))
                    {
                        switch (action)
                        {
                            case "fail":
                                c.FailNode(node);
                                break;
                            case "recover":
                                c.RecoverNode(node);
                                break;
                            case "cordon" or "uncordon":
                                c.CordonNode(node, action == "cordon");
                                break;
                            default:
                                throw new KeyNotFoundException($"unknown node action {action}");
                        }
                    }

                    break;
                case ("POST", ["clusters", var name, "deployments", var ns, var deployment, "scale"]):
                    foreach (var c in Select(name))
                    {
                        c.ScaleDeployment(ns, deployment, Int(query["replicas"], 1));
                    }

                    break;
                default:
                    ctx.Response.StatusCode = 404;
                    await ctx.Response.WriteAsync("not found\n", ctx.RequestAborted);
                    return;
            }

            ctx.Response.StatusCode = 200;
            await ctx.Response.WriteAsync("ok\n", ctx.RequestAborted);
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or Store.ApiException)
        {
            ctx.Response.StatusCode = 404;
            await ctx.Response.WriteAsync(e.Message + "\n", ctx.RequestAborted);
        }
    }

    private IEnumerable<SimulatedCluster> Select(string name) =>
        name == "all" ? clusters : [clusters.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"no cluster {name}")];

    private static int Int(string? text, int fallback) => int.TryParse(text, CultureInfo.InvariantCulture, out var n) ? n : fallback;
}
