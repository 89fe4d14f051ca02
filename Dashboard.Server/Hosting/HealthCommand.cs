namespace Dashboard.Server.Hosting;

/// <summary>
/// <c>health [URL]</c>, run instead of the server: asks a running server's /healthz (by default at the first
/// address of ASPNETCORE_URLS or DOTNET_URLS, a wildcard host read as 127.0.0.1) and exits 0 when it answers 200, else 1.
/// The container image's HEALTHCHECK, which has no curl.
/// </summary>
public static class HealthCommand
{
    public static bool IsRequested(string[] args) => args is ["health", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var target = args.Length > 1 ? new Uri(args[1]) : new Uri(Local(DefaultUrl()), "/healthz");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(target);
            Console.WriteLine($"{target}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"{target}: {e.Message}");
            return 1;
        }
    }

    private static string DefaultUrl() =>
        (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? Environment.GetEnvironmentVariable("DOTNET_URLS") ?? DashboardApp.DefaultUrl)
            .Split(';', StringSplitOptions.RemoveEmptyEntries)[0];

    private static Uri Local(string url) =>
        new(url.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal));
}
