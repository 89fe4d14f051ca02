using System.Globalization;
using System.Net;
using System.Text;
using Dashboard.Client.Access;
using Microsoft.AspNetCore.Components.WebAssembly.Http;

namespace Dashboard.Client.Pages.Resources;

/// <summary>
/// A pod's log as the detail page shows it: the last lines of one container (or of its previous instance), read as
/// the server streams them, and while following, for as long as the page stays. Old lines fall off past a limit.
/// </summary>
internal sealed class PodLogViewModel : IDisposable
{
    internal const int TailLines = 500;
    internal const int MaxLines = 10_000;

    private readonly List<string> _lines = [];
    private readonly StringBuilder _partial = new();
    private CancellationTokenSource? _reading;

    public string? Container { get; set; }

    public bool Previous { get; set; }

    public bool Follow { get; set; }

    public bool Started { get; private set; }

    public bool Loading { get; private set; }

    /// <summary>True while a followed log is open.</summary>
    public bool Streaming { get; private set; }

    public string? Error { get; private set; }

    public string Text => _partial.Length == 0 ? string.Join('\n', _lines) : string.Join('\n', [.. _lines, _partial.ToString()]);

    public int LineCount => _lines.Count + (_partial.Length > 0 ? 1 : 0);

    /// <summary>The query for the current choice (container, previous, follow), with or without download.</summary>
    public string Query(bool download)
    {
        var query = new StringBuilder($"?tailLines={TailLines.ToString(CultureInfo.InvariantCulture)}");
        if (Container is not null)
        {
            query.Append("&container=").Append(Uri.EscapeDataString(Container));
        }

        query.Append("&previous=").Append(Previous ? "true" : "false");
        query.Append("&follow=").Append(Follow && !download ? "true" : "false");
        if (download)
        {
            query.Append("&download=true");
        }

        return query.ToString();
    }

    /// <summary>(Re)reads the log with the current choice; <paramref name="changed"/> runs after each chunk.</summary>
    public void Start(HttpClient http, string path, Func<Task> changed, Action signedOut)
    {
        Stop();
        var reading = _reading = new CancellationTokenSource();
        Started = true;
        Loading = true;
        Streaming = Follow;
        Error = null;
        _lines.Clear();
        _partial.Clear();
        _ = ReadAsync(http, path + Query(download: false), changed, signedOut, reading);
    }

    private async Task ReadAsync(HttpClient http, string uri, Func<Task> changed, Action signedOut, CancellationTokenSource reading)
    {
        var token = reading.Token;
        try
        {
            await ReadCoreAsync(http, uri, changed, signedOut, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // replaced by another choice, or the page was left
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            Error = "The log stream was interrupted. Reload it to read on.";
        }
        finally
        {
            // Whoever takes the source out of _reading disposes it: this reader when it ends by itself, Stop otherwise.
            if (Interlocked.CompareExchange(ref _reading, null, reading) == reading)
            {
                reading.Dispose();
            }
        }

        if (!token.IsCancellationRequested)
        {
            Loading = false;
            Streaming = false;
            await changed();
        }
    }

    private async Task ReadCoreAsync(HttpClient http, string uri, Func<Task> changed, Action signedOut, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        // In the browser, fetch hands over the body as it arrives instead of after the whole of it.
        request.SetBrowserResponseStreamingEnabled(true);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        if (!response.IsSuccessStatusCode)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                signedOut();
            }

            Error = (await ApiException.FromResponseAsync(response, token)).Message;
            return;
        }

        Loading = false;
        await changed();
        await using var stream = await response.Content.ReadAsStreamAsync(token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), token)) > 0)
        {
            Append(buffer.AsSpan(0, read));
            await changed();
        }
    }

    private void Append(ReadOnlySpan<char> chunk)
    {
        foreach (var c in chunk)
        {
            if (c == '\n')
            {
                _lines.Add(_partial.ToString());
                _partial.Clear();
            }
            else if (c != '\r')
            {
                _partial.Append(c);
            }
        }

        if (_lines.Count > MaxLines)
        {
            _lines.RemoveRange(0, _lines.Count - MaxLines);
        }
    }

    public void Stop()
    {
        if (Interlocked.Exchange(ref _reading, null) is { } reading)
        {
            reading.Cancel();
            reading.Dispose();
        }

        Streaming = false;
    }

    public void Reset()
    {
        Stop();
        Started = false;
        Loading = false;
        Error = null;
        Container = null;
        Previous = false;
        Follow = false;
        _lines.Clear();
        _partial.Clear();
    }

    public void Dispose() => Stop();
}
