using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Dashboard.Benchmarks;

/// <summary>
/// Times taken inside the page, not by Playwright's polling (which adds tens of milliseconds): a probe starts
/// at the input event's own time stamp (the click or the keydown, as the browser received it) and ends at the
/// animation frame after a MutationObserver first sees the expected table. Memory is read through CDP, the
/// .NET runtime's JS API and /proc.
/// </summary>
internal static class PageProbe
{
    private static readonly string[] RssParts = ["RssAnon:", "RssFile:", "RssShmem:"];

    /// <summary>One timed interaction, in page milliseconds: input event, DOM first right, the frame that paints it.</summary>
    public sealed record Timing(double Start, double Seen, double Painted)
    {
        public double Milliseconds => Painted - Start;
    }

    /// <summary>Until the first row of the table is laid out (a non-zero box).</summary>
    public const string FirstRow = """
        () => {
            const row = document.querySelector('[data-testid=resource-table] tbody tr[data-key]');
            return !!row && row.getBoundingClientRect().height > 0;
        }
        """;

    /// <summary>
    /// Until the table shows the result for the filter: its first row matches the text (by name, the cluster in
    /// its key, or the text of its cells, which hold the namespace) and its total is the expected one (and, if
    /// <paramref name="moved"/>, has moved there from the one shown when this was set up). The simulated fleet
    /// still starts and ends a few pods (jobs, crash loops), so "expected" means at most 1% off, and "moved"
    /// nearer to it than halfway from where it was.
    /// </summary>
    public static string Filtered(string text, int expected, bool moved) => $$"""
        (() => {
            const text = {{JsonSerializer.Serialize(text.ToLowerInvariant())}};
            const expected = {{expected.ToString(CultureInfo.InvariantCulture)}};
            const totalOf = () => Number(document.querySelector('[data-testid=resource-table]')?.dataset.total ?? -1);
            const before = {{(moved ? "totalOf()" : "expected")}};
            return () => {
                const total = totalOf();
                const off = Math.abs(total - expected);
                if (off > Math.max(2, expected / 100) || (before !== expected && 2 * off >= Math.abs(before - expected))) return false;
                const row = document.querySelector('[data-testid=resource-table] tbody tr[data-key]');
                if (!row || row.getBoundingClientRect().height === 0) return false;
                const cluster = row.dataset.key.split('/')[0];
                return (row.dataset.name + ' ' + cluster + ' ' + row.textContent).toLowerCase().includes(text);
            };
        })()
        """;

    /// <summary>Arms the probe: the next <paramref name="inputEvent"/> starts it, <paramref name="condition"/> (JS, as above) ends it.</summary>
    public static async Task ArmAsync(IPage page, string inputEvent, string condition) =>
        await page.EvaluateAsync($$"""
            () => {
                const done = ({{condition}});
                const probe = window.__uiProbe = { start: null, seen: null, painted: null };
                document.addEventListener('{{inputEvent}}', e => { if (probe.start === null) probe.start = e.timeStamp; }, { capture: true });
                const check = () => {
                    if (probe.seen !== null || probe.start === null || !done()) return;
                    probe.seen = performance.now();
                    observer.disconnect();
                    requestAnimationFrame(() => { probe.painted = performance.now(); });
                };
                const observer = new MutationObserver(check);
                observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
            }
            """);

    /// <summary>Waits, untimed, until <paramref name="condition"/> (JS, as above: made once, then polled) holds.</summary>
    public static async Task WaitUntilAsync(IPage page, string condition, float timeoutMs)
    {
        await page.EvaluateAsync($"() => {{ window.__uiCondition = ({condition}); }}");
        await page.WaitForFunctionAsync("() => window.__uiCondition()", null, new() { Timeout = timeoutMs });
    }

    public static async Task<Timing> WaitAsync(IPage page, float timeoutMs)
    {
        await page.WaitForFunctionAsync("() => window.__uiProbe && window.__uiProbe.painted !== null", null, new() { Timeout = timeoutMs });
        var probe = await page.EvaluateAsync<JsonElement>("() => window.__uiProbe");
        return new(probe.GetProperty("start").GetDouble(), probe.GetProperty("seen").GetDouble(), probe.GetProperty("painted").GetDouble());
    }

    /// <summary>
    /// An init script that notes when the page sends and receives WebSocket messages (the hub's), in page time,
    /// to tell the client's share of a keystroke from the server's.
    /// </summary>
    public const string HubFrames = """
        (() => {
            const frames = window.__uiFrames = [];
            const send = WebSocket.prototype.send;
            WebSocket.prototype.send = function (data) {
                if (!this.__uiWatched) {
                    this.__uiWatched = true;
                    this.addEventListener('message', () => frames.push(['in', performance.now()]));
                }
                frames.push(['out', performance.now()]);
                return send.call(this, data);
            };
        })()
        """;

    /// <summary>For a timed keystroke: ms from its start to the first hub message sent, and from that to the first message back.</summary>
    public static async Task<(double Sent, double Answered)> HubRoundTripAsync(IPage page, Timing timing)
    {
        var frames = await page.EvaluateAsync<JsonElement>("() => window.__uiFrames.splice(0)");
        var list = frames.EnumerateArray().Select(f => (Way: f[0].GetString(), At: f[1].GetDouble())).ToList();
        var sent = list.FirstOrDefault(f => f.Way == "out" && f.At >= timing.Start).At;
        var back = list.FirstOrDefault(f => f.Way == "in" && f.At >= sent).At;
        return sent == 0 || back == 0 ? (double.NaN, double.NaN) : (sent - timing.Start, back - sent);
    }

    /// <summary>For a timed navigation: ms from its start to the last hub message received before the first row was in the DOM.</summary>
    public static async Task<double> LastHubMessageAsync(IPage page, Timing timing)
    {
        var frames = await page.EvaluateAsync<JsonElement>("() => window.__uiFrames.splice(0)");
        var last = frames.EnumerateArray().Where(f => f[0].GetString() == "in" && f[1].GetDouble() >= timing.Start && f[1].GetDouble() <= timing.Seen)
            .Select(f => f[1].GetDouble()).DefaultIfEmpty(double.NaN).Max();
        return last - timing.Start;
    }

    /// <summary>The page's memory: V8's used JS heap, the .NET runtime's WebAssembly memory, and how each was read.</summary>
    public sealed record Memory(long JsHeap, long Wasm, string WasmSource, string HeapUsage);

    public static async Task<Memory> MemoryAsync(IPage page, ICDPSession cdp)
    {
        var metrics = await cdp.SendAsync("Performance.getMetrics");
        var jsHeap = metrics!.Value.GetProperty("metrics").EnumerateArray()
            .First(m => m.GetProperty("name").GetString() == "JSHeapUsedSize").GetProperty("value").GetDouble();
        var usage = await cdp.SendAsync("Runtime.getHeapUsage");

        // The .NET runtime's linear memory: one WebAssembly.Memory, outside the V8 heap (an ArrayBuffer backing store).
        var wasm = await page.EvaluateAsync<JsonElement>("""
            () => {
                const views = [
                    ['Blazor.runtime.localHeapViewU8()', () => globalThis.Blazor?.runtime?.localHeapViewU8?.()],
                    ['getDotnetRuntime(0).localHeapViewU8()', () => globalThis.getDotnetRuntime?.(0)?.localHeapViewU8?.()],
                    ['Blazor.runtime.Module.HEAP8', () => globalThis.Blazor?.runtime?.Module?.HEAP8],
                    ['getDotnetRuntime(0).Module.HEAP8', () => globalThis.getDotnetRuntime?.(0)?.Module?.HEAP8],
                ];
                for (const [source, view] of views) {
                    try {
                        const v = view();
                        if (v && v.buffer) return { source, bytes: v.buffer.byteLength };
                    } catch { }
                }
                return { source: 'none found', bytes: -1 };
            }
            """);
        return new((long)jsHeap, wasm.GetProperty("bytes").GetInt64(), wasm.GetProperty("source").GetString()!, usage?.ToString() ?? "");
    }

    /// <summary>
    /// The resident set of the page's renderer: the largest of the `--type=renderer` processes descending from
    /// this process (Playwright's driver, then Chromium, then its zygote); nothing else is added in.
    /// </summary>
    public static (long Bytes, int Pid, int Renderers, string Parts) RendererRss()
    {
        var self = Environment.ProcessId;
        var renderers = new List<(int Pid, long Rss)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains("--type=renderer", StringComparison.Ordinal) && DescendsFrom(pid, self))
                {
                    renderers.Add((pid, StatusKb(pid, "VmRSS:") * 1024));
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        if (renderers.Count == 0)
        {
            throw new InvalidOperationException("no Chromium renderer process found under this process in /proc");
        }

        var largest = renderers.MaxBy(r => r.Rss);
        var parts = string.Join(", ", RssParts.Select(f => $"{f} {StatusKb(largest.Pid, f) / 1024} MiB"));
        return (largest.Rss, largest.Pid, renderers.Count, parts);
    }

    private static bool DescendsFrom(int pid, int ancestor)
    {
        for (var i = 0; i < 16 && pid > 1; i++)
        {
            pid = (int)StatusKb(pid, "PPid:");
            if (pid == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    private static long StatusKb(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
