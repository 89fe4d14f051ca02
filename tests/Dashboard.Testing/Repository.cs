namespace Dashboard.Testing;

public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: whatever the test assembly itself was built as.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";

    public static string ServerDll => BuiltDll("Dashboard.Server");

    /// <summary>Where tests put what a person may want to look at afterwards (screenshots).</summary>
    public static string ArtifactsDirectory(string kind)
    {
        var dir = Path.Combine(Root, "artifacts", kind);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string BuiltDll(string project)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", $"{project}.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: build the solution first (./test.sh does).");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "dashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("dashboard.sln not found above the test assembly");
    }
}
