using System.Globalization;
using Dashboard.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// dotnet run --project Dashboard.Simulator -- --kubeconfig PATH [--scenario hybrid] [--pods N] [--churn E] [--seed S]
//   [--address 0.0.0.0 --advertise simulator]: the clusters listen there and the kubeconfig names them so (a compose demo;
//   loopback and 127.0.0.1 by default). The fault-control listener stays on 127.0.0.1.
// stdout carries exactly "control http://127.0.0.1:PORT" and then "ready"; logs go to stderr.
string? kubeconfig = null;
var options = new FleetOptions();
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--kubeconfig":
            kubeconfig = Next();
            break;
        case "--scenario":
            options = options with { Scenario = Next() };
            break;
        case "--pods":
            options = options with { Pods = int.Parse(Next(), CultureInfo.InvariantCulture) };
            break;
        case "--churn":
            options = options with { ChurnPerSecond = double.Parse(Next(), CultureInfo.InvariantCulture) };
            break;
        case "--address":
            options = options with { Address = System.Net.IPAddress.Parse(Next()) };
            break;
        case "--advertise":
            options = options with { Host = Next() };
            break;
        case "--seed":
            options = options with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) };
            break;
        default:
            await Console.Error.WriteLineAsync($"unknown argument {args[i]}");
            await Console.Error.WriteLineAsync("usage: Dashboard.Simulator --kubeconfig PATH [--scenario hybrid|minimal] [--pods N] [--churn E] [--seed S] [--address A --advertise HOST]");
            return 2;
    }
}

if (kubeconfig is null)
{
    await Console.Error.WriteLineAsync("usage: Dashboard.Simulator --kubeconfig PATH [--scenario hybrid|minimal] [--pods N] [--churn E] [--seed S] [--address A --advertise HOST]");
    return 2;
}

using var loggerFactory = LoggerFactory.Create(b => b
    .AddSimpleConsole(o => o.SingleLine = true)
    .AddFilter("Dashboard.Simulator", LogLevel.Information)
    .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    stop.Cancel();
});

await using var fleet = await SimulatedFleet.StartAsync(options with { Logging = loggerFactory }, stop.Token);
fleet.WriteKubeconfig(kubeconfig);
Console.Out.WriteLine($"control {fleet.ControlUri.ToString().TrimEnd('/')}");
Console.Out.WriteLine("ready");
await Console.Out.FlushAsync();
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    await Console.Error.WriteLineAsync("stopping");
}

return 0;
