using Npgsql;

namespace Dashboard.Testing;

/// <summary>
/// A PostgreSQL server of a test's own, for tests that stop and start it (the shared one must stay up).
/// initdb and pg_ctl run as the postgres user when the tests run as root, as ./test.sh does.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly DirectoryInfo _dir;
    private readonly string _bin;
    private string _sharedBuffers = "16MB";

    private PrivatePostgres(DirectoryInfo dir, string bin, int port)
    {
        _dir = dir;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    private string Data => Path.Combine(_dir.FullName, "data");

    /// <summary>The server's own database; short timeouts so a stopped server is noticed at once.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = "postgres",
        Timeout = 3,
        CommandTimeout = 10,
    }.ConnectionString;

    /// <summary>Starts one; <paramref name="sharedBuffers"/> is small for tests, PostgreSQL's own default (128MB) for benchmarks.</summary>
    public static async Task<PrivatePostgres> StartAsync(string sharedBuffers = "16MB")
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderBy(d => Version.Parse(Path.GetFileName(Path.GetDirectoryName(d)!) + ".0"))
            .LastOrDefault() ?? throw new InvalidOperationException("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb): ./test.sh installs it");
        var dir = Directory.CreateTempSubdirectory("private-pg-");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir.FullName, (UnixFileMode)0b111_101_101);
        }
        var server = new PrivatePostgres(dir, bin, Network.FreePort()) { _sharedBuffers = sharedBuffers };
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["postgres", dir.FullName]);
        }

        await server.PgAsync("initdb", ["-D", server.Data, "-U", "postgres", "--auth=trust", "--no-sync"]);
        await server.StartAgainAsync();
        return server;
    }

    public Task StartAgainAsync() =>
        PgAsync("pg_ctl", ["-D", Data, "-l", Path.Combine(_dir.FullName, "postgres.log"), "-w", "-t", "30", "start",
            "-o", $"-p {Port} -k {_dir.FullName} -c listen_addresses=127.0.0.1 -c shared_buffers={_sharedBuffers} -c max_connections=30"]);

    /// <summary>Stops the server at once, as a crash would (no shutdown checkpoint): committed work must survive it.</summary>
    public async Task StopAsync()
    {
        await PgAsync("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"]);
        NpgsqlConnection.ClearAllPools();
    }

    private Task PgAsync(string tool, string[] arguments) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments])
            : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string file, string[] arguments)
    {
        await using var process = ChildProcess.Start(file, arguments, TimeSpan.FromMinutes(1));
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(50));
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {code}:\n{process.Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PgAsync("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // stopped already
        }

        NpgsqlConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
