using System.Diagnostics;
using System.Text.Json;
using Dashboard.Simulator;
using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.Benchmarks;

/// <summary>
/// The browser at fleet scale: the real server process (Release build output) watching a simulated fleet of
/// 150k pods, and Debian's Chromium driven headless by Playwright, signed in through the sign-in page. With
/// the WebAssembly runtime warm (the Fleet page loaded, the hub connected) it times a click on "Pods" in the
/// navigation until the first row is painted, single filter keystrokes until the table shows their result,
/// and reads the page's memory after the table was scrolled from end to end.
/// </summary>
internal sealed class UiBenchmark : IBenchmark
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string FilterPlaceholder = "Filter by name, namespace or cluster";
    private const double Mb = 1_000_000;

    private string _step = "starting";

    public string Name => "ui";

    /// <summary>UI_PUBLISHED=publish (or the path of a published Dashboard.Server.dll) measures a `dotnet publish` output; UI_TRACE=1 logs the server's view timings.</summary>
    public IReadOnlyList<string> Knobs => ["UI_PUBLISHED", "UI_TRACE"];

    public string Description => "browser at 150k pods: click to Pods -> first row, filter keystroke -> result, page memory after scrolling the table end to end";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing (apt-get install chromium)");
        }

        var pods = run.Quick ? 50_000 : 150_000;
        var navigations = run.Quick ? 3 : 5;
        var keystrokes = run.Quick ? 5 : 10;
        var scrollSteps = run.Quick ? 10 : 30;

        var watch = Stopwatch.StartNew();
        await using var fleet = await SimulatedFleet.StartAsync(new FleetOptions { Pods = pods, ActivityInterval = TimeSpan.Zero }, cancellationToken);
        var rows = Rows(fleet);
        run.Log($"fleet of {fleet.Clusters.Count} clusters with {rows.Count} pods built in {watch.Elapsed.TotalSeconds:F1} s");

        var dir = Directory.CreateTempSubdirectory("ui-");
        try
        {
            var kubeconfig = Path.Combine(dir.FullName, "kubeconfig");
            fleet.WriteKubeconfig(kubeconfig);
            // UI_PUBLISHED=publish (published here first) or =path/to/Dashboard.Server.dll measures a `dotnet publish`
            // output (trimmed WebAssembly, as a user runs it) instead of the build output.
            var published = Environment.GetEnvironmentVariable("UI_PUBLISHED") switch
            {
                "publish" => await PublishAsync(run, dir.FullName),
                { Length: > 0 } p => Path.GetFullPath(p),
                _ => null,
            };
            using var server = BenchmarkServer.Start(kubeconfig, dir.FullName, ["pods", "nodes", "namespaces"], serveClient: true, published);
            run.Log($"server: {published ?? "the Release build output (Development, so that it serves the client's files)"}");
            watch.Restart();
            await server.WaitLiveAsync(TimeSpan.FromMinutes(5), cancellationToken);
            run.Log($"server Live on every cluster after {watch.Elapsed.TotalSeconds:F1} s (pods, nodes, namespaces)");

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true });
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
            await context.AddInitScriptAsync(PageProbe.HubFrames);
            var page = await context.NewPageAsync();
            var console = new List<string>();
            page.Console += (_, m) => { lock (console) { console.Add($"{m.Type}: {m.Text}"); } };
            page.PageError += (_, e) => { lock (console) { console.Add($"pageerror: {e}"); } };
            try
            {
                return await MeasureAsync(run, page, server.BaseUri, rows, navigations, keystrokes, scrollSteps);
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                string[] tail;
                lock (console)
                {
                    tail = [.. console.TakeLast(30)];
                }

                throw new InvalidOperationException($"{_step}: {e.Message}\nPage: {page.Url}\nBrowser console (last 30):\n{string.Join('\n', tail)}", e);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private async Task<IReadOnlyList<Measurement>> MeasureAsync(BenchmarkRun run, IPage page, Uri server, IReadOnlyList<PodRow> rows,
        int navigations, int keystrokes, int scrollSteps)
    {
        // What Chromium's renderer holds for a page with nothing in it, and for the app before any table: the
        // part of the RSS that no page of this app, or of any Blazor WebAssembly app, goes below.
        _step = "an empty page";
        await page.GotoAsync("about:blank");
        await page.WaitForTimeoutAsync(2000);
        var blank = PageProbe.RendererRss();
        run.Log($"about:blank: renderer RSS {blank.Bytes / Mb:0} MB ({blank.Parts})");

        var watch = Stopwatch.StartNew();
        _step = "signing in and opening the Fleet page";
        await SignInAsync(page, server);
        await page.Locator("[data-testid=hub-state][data-state=Connected]").WaitForAsync(new() { Timeout = 120_000 });
        run.Log($"signed in; Fleet page loaded and hub connected {watch.Elapsed.TotalSeconds:F1} s after opening the app");
        await page.WaitForTimeoutAsync(2000);
        var shell = PageProbe.RendererRss();
        var (_, shellWasm) = await MemoryAsync(run, page, "the app on its Fleet page");
        run.Log($"the app on its Fleet page: renderer RSS {shell.Bytes / Mb:0} MB ({shell.Parts})");

        // 1. A click on "Pods" in the navigation, as a person does: a client-side navigation in the running app
        // (a GotoAsync would reload the page and time the WebAssembly start instead of the pods page).
        var navigation = new List<double>();
        var navigationData = new List<double>();
        for (var i = 0; i < navigations; i++)
        {
            _step = $"navigation {i + 1} to Pods";
            await PageProbe.ArmAsync(page, "click", PageProbe.FirstRow);
            await page.Locator("a.mud-nav-link[href='resources/pods']").ClickAsync();
            var timing = await PageProbe.WaitAsync(page, 60_000);
            navigation.Add(timing.Milliseconds);
            var data = await PageProbe.LastHubMessageAsync(page, timing);
            navigationData.Add(data);
            run.Log($"navigation {i + 1}: last hub message before the rows after {data:0} ms, first row in the DOM after {timing.Seen - timing.Start:0} ms, painted after {timing.Milliseconds:0} ms");
            if (i < navigations - 1)
            {
                await page.GetByRole(AriaRole.Link, new() { Name = "Fleet", Exact = true }).ClickAsync();
                await page.Locator("[data-testid=resource-table]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
                await page.WaitForTimeoutAsync(1000);
            }
        }

        var table = page.Locator("[data-testid=resource-table]");
        var total = int.Parse((await table.GetAttributeAsync("data-total"))!, System.Globalization.CultureInfo.InvariantCulture);
        if (total != rows.Count)
        {
            run.Log($"the table counts {total} pods, the simulator holds {rows.Count}");
        }

        var (jsBefore, wasmBefore) = await MemoryAsync(run, page, "pods page open");

        // 2. Single keystrokes into the filter, each one that changes the result (see KeystrokePlan).
        var filter = page.GetByPlaceholder(FilterPlaceholder);
        var typing = new List<double>();
        var split = new List<(double Sent, double Answered, double Rendered)>();
        string? inBox = null;
        foreach (var (before, key, expected) in KeystrokePlan(rows, keystrokes))
        {
            _step = $"keystroke '{key}' after \"{before}\" ({expected} pods expected)";
            if (inBox != before)
            {
                await filter.FillAsync(before);
                await PageProbe.WaitUntilAsync(page, PageProbe.Filtered(before, Count(rows, before), moved: false), 30_000);
            }

            await page.WaitForTimeoutAsync(500); // the debounce and the table's render interval have passed
            await PageProbe.ArmAsync(page, "keydown", PageProbe.Filtered(before + key, expected, moved: true));
            await page.Keyboard.PressAsync(key.ToString());
            var timing = await PageProbe.WaitAsync(page, 30_000);
            typing.Add(timing.Milliseconds);
            inBox = before + key;
            var (sent, answered) = await PageProbe.HubRoundTripAsync(page, timing);
            split.Add((sent, answered, timing.Painted - timing.Start - sent - answered));
            run.Log($"keystroke '{key}' after \"{before}\": {expected} pods shown after {timing.Milliseconds:0} ms " +
                    $"(to the hub request {sent:0} ms, its answer {answered:0} ms, then to the painted rows {timing.Painted - timing.Start - sent - answered:0} ms)");
        }

        // 3. Memory after scrolling the whole (unfiltered) table from the top to the end.
        _step = "clearing the filter";
        await filter.FillAsync("");
        await PageProbe.WaitUntilAsync(page, PageProbe.Filtered("", total, moved: false), 30_000);
        var scroll = page.Locator("[data-testid=table-scroll]");
        watch.Restart();
        for (var i = 1; i <= scrollSteps; i++)
        {
            _step = $"scrolling the table end to end, step {i} of {scrollSteps}";
            await scroll.EvaluateAsync("(e, f) => e.scrollTop = Math.round(f * (e.scrollHeight - e.clientHeight))", (double)i / scrollSteps);
            await page.WaitForFunctionAsync("""
                () => {
                    const box = document.querySelector('[data-testid=table-scroll]').getBoundingClientRect();
                    return [...document.querySelectorAll('[data-testid=resource-table] tbody tr[data-key]')]
                        .some(r => { const b = r.getBoundingClientRect(); return b.height > 0 && b.bottom > box.top + 40 && b.top < box.bottom; });
                }
                """, null, new() { Timeout = 30_000 });
        }

        var lastName = await page.EvaluateAsync<string>("() => [...document.querySelectorAll('[data-testid=resource-table] tbody tr[data-key]')].pop()?.dataset.name ?? ''");
        run.Log($"scrolled {total} rows end to end in {scrollSteps} steps in {watch.Elapsed.TotalSeconds:F1} s; last row shown: {lastName}");
        await page.WaitForTimeoutAsync(1000);
        var (js, wasm) = await MemoryAsync(run, page, "after scrolling end to end");
        var renderer = PageProbe.RendererRss();
        run.Log($"renderer pid {renderer.Pid} RSS {renderer.Bytes / Mb:0} MB (largest of {renderer.Renderers} renderer processes; {renderer.Parts})");

        navigation.Sort();
        typing.Sort();
        var heapAndWasm = (js + wasm) / Mb;
        var time = new Chart($"Pods page at {total / 1000}k pods: time", "");
        var memory = new Chart($"Pods page at {total / 1000}k pods: memory", "");
        return
        [
            new($"pods in the table (server: {(Environment.GetEnvironmentVariable("UI_PUBLISHED") is { Length: > 0 } ? "a dotnet publish output, trimmed WebAssembly, as UI_PUBLISHED" : "the Release build output")})", total, "pods", $"~{rows.Count} (the simulator's)", Math.Abs(total - rows.Count) <= rows.Count / 100),
            new($"click on Pods -> first row painted, p50 of {navigation.Count}", Percentile(navigation, 0.5), "ms", "<= 1000", Percentile(navigation, 0.5) <= 1000,
                time with { Category = "first row, p50" }),
            new($"click on Pods -> first row painted, max of {navigation.Count}", navigation[^1], "ms", "<= 1000", navigation[^1] <= 1000, time with { Category = "first row, max" }),
            new("  of which click -> last hub message before the first row (page and view opened on the server), p50", Median(navigationData), "ms", "", null),
            new($"filter keystroke -> result shown, p50 of {typing.Count}", Percentile(typing, 0.5), "ms", "<= 200", Percentile(typing, 0.5) <= 200, time with { Category = "filter, p50" }),
            new($"filter keystroke -> result shown, p95 of {typing.Count}", Percentile(typing, 0.95), "ms", "<= 200", Percentile(typing, 0.95) <= 200, time with { Category = "filter, p95" }),
            new($"filter keystroke -> result shown, max of {typing.Count}", typing[^1], "ms", "<= 200", typing[^1] <= 200, time with { Category = "filter, max" }),
            new("  of which keydown -> hub request sent (the filter box's debounce, then the client), p50", Median(split.Select(x => x.Sent)), "ms", "", null),
            new("  of which hub request -> first hub message back (server), p50", Median(split.Select(x => x.Answered)), "ms", "", null),
            new("  of which hub message -> rows painted (client), p50", Median(split.Select(x => x.Rendered)), "ms", "", null),
            new("JS heap used, pods page open", jsBefore / Mb, "MB", "", null),
            new("WebAssembly memory, pods page open", wasmBefore / Mb, "MB", "", null),
            new("JS heap used, after scrolling end to end", js / Mb, "MB", "", null),
            new("WebAssembly memory (.NET runtime), after scrolling end to end", wasm / Mb, "MB", "", null),
            new("JS heap + WebAssembly memory, after scrolling end to end", heapAndWasm, "MB", "<= 300", wasm >= 0 && heapAndWasm <= 300, memory with { Category = "JS heap + WASM" }),
            new("renderer process RSS, after scrolling end to end", renderer.Bytes / Mb, "MB", "<= 300", renderer.Bytes / Mb <= 300, memory with { Category = "renderer RSS" }),
            new("  renderer RSS of about:blank in the same Chromium (its shared libraries and fonts, V8, Blink)", blank.Bytes / Mb, "MB", "", null, memory with { Category = "about:blank RSS" }),
            new("  renderer RSS of the app on its Fleet page, before any table (the .NET WebAssembly runtime started)", shell.Bytes / Mb, "MB", "", null, memory with { Category = "app before a table RSS" }),
            new("  WebAssembly memory of the app on its Fleet page", shellWasm / Mb, "MB", "", null),
        ];
    }

    /// <summary>`dotnet publish` of the server in Release (the WebAssembly client trimmed), as test.sh and the Dockerfile make it.</summary>
    private static async Task<string> PublishAsync(BenchmarkRun run, string dir)
    {
        var output = Path.Combine(dir, "publish");
        run.Log($"publishing Dashboard.Server in Release to {output}");
        var limit = TimeSpan.FromMinutes(10);
        await using var publish = ChildProcess.Start("dotnet",
            ["publish", Path.Combine(Harness.FindRepositoryRoot(), "Dashboard.Server"), "-c", "Release", "-o", output, "-nologo", "-v", "q"], limit);
        return await publish.WaitForExitAsync(limit) == 0
            ? Path.Combine(output, "Dashboard.Server.dll")
            : throw new InvalidOperationException($"dotnet publish failed:\n{publish.Output}");
    }

    /// <summary>Opens the app as a person does: sent to the sign-in page, signed in, back on the Fleet page.</summary>
    private static async Task SignInAsync(IPage page, Uri server)
    {
        await page.GotoAsync(server.ToString());
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin", new() { Timeout = 60_000 });
        await page.Locator("input[data-testid=username]").FillAsync("admin", new() { Timeout = 60_000 });
        await page.Locator("input[data-testid=password]").FillAsync(BenchmarkServer.AdminPassword);
        await page.Locator("[data-testid=signin-submit]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { Timeout = 60_000 });
    }

    private static async Task<(long Js, long Wasm)> MemoryAsync(BenchmarkRun run, IPage page, string when)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Performance.enable");
        var memory = await PageProbe.MemoryAsync(page, cdp);
        await cdp.DetachAsync();
        run.Log($"{when}: JS heap used {memory.JsHeap / Mb:0.0} MB; WebAssembly memory {memory.Wasm / Mb:0.0} MB (read as {memory.WasmSource}); Runtime.getHeapUsage {memory.HeapUsage}");
        return (memory.JsHeap, memory.Wasm);
    }

    /// <summary>A pod as the filter sees it: it matches a text found in its name, namespace or cluster.</summary>
    private sealed record PodRow(string Cluster, string Namespace, string Name)
    {
        public bool Matches(string text) =>
            Name.Contains(text, StringComparison.OrdinalIgnoreCase) ||
            Namespace.Contains(text, StringComparison.OrdinalIgnoreCase) ||
            Cluster.Contains(text, StringComparison.OrdinalIgnoreCase);
    }

    private static List<PodRow> Rows(SimulatedFleet fleet) =>
        [.. fleet.Clusters.SelectMany(c => c.ListJson("pods").Select(json =>
        {
            using var pod = JsonDocument.Parse(json);
            var meta = pod.RootElement.GetProperty("metadata");
            return new PodRow(c.Name, meta.GetProperty("namespace").GetString()!, meta.GetProperty("name").GetString()!);
        }))];

    private static int Count(IReadOnlyList<PodRow> rows, string text) => rows.Count(r => r.Matches(text));

    /// <summary>
    /// Keystrokes of a person typing pods' names, keeping only those that change what the table shows (a
    /// keystroke that leaves the same rows changes nothing in the page to wait for, and one that changes a few
    /// could not be told from the fleet's own coming and going): (text before, key, pods then).
    /// Names are taken from across the fleet's sort order until there are <paramref name="wanted"/>.
    /// </summary>
    private static List<(string Before, char Key, int Expected)> KeystrokePlan(IReadOnlyList<PodRow> rows, int wanted)
    {
        var names = rows.Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
        var plan = new List<(string, char, int)>();
        for (var pick = 1; plan.Count < wanted && pick < 10; pick++)
        {
            var name = names[names.Count * pick / 10];
            var before = rows.Count;
            for (var k = 1; k <= name.Length && plan.Count < wanted; k++)
            {
                var count = Count(rows, name[..k]);
                if (Math.Abs(count - before) >= Math.Max(3, before * 0.03))
                {
                    plan.Add((name[..(k - 1)], name[k - 1], count));
                }

                before = count;
            }
        }

        return plan;
    }

    private static double Median(IEnumerable<double> values) => Percentile([.. values.Order()], 0.5);

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
}
