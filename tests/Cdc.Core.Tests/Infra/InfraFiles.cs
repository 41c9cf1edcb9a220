using System.Runtime.CompilerServices;

namespace Cdc.Core.Tests.Infra;

/// <summary>The deployment files of the repository: infra/**, azure.yaml and the azd hook scripts.</summary>
internal static class InfraFiles
{
    public static string Root { get; } = FindRepositoryRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string MainTemplate => Path.Combine(Infra, "main.bicep");

    public static string MainParameters => Path.Combine(Infra, "main.parameters.json");

    public static string AzureYaml => Path.Combine(Root, "azure.yaml");

    public static IEnumerable<string> AllTemplates() =>
        Directory.EnumerateFiles(Infra, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>A path as the repository spells it, for messages.</summary>
    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static string FindRepositoryRoot([CallerFilePath] string thisFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(thisFile) ?? "" })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Ingest.sln"))) return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Could not find the repository root (the folder holding Ingest.sln).");
    }
}
