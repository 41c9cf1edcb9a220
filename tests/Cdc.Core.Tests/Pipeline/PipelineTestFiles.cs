using System.Runtime.CompilerServices;
using Cdc.Core.Pipeline;

namespace Cdc.Core.Tests.Pipeline;

/// <summary>Shared inputs for the pipeline file tests: a small valid file with known line numbers, a fake
/// environment, and the repository root for committed files.</summary>
internal static class PipelineTestFiles
{
    /// <summary>Eleven lines; tests replace single lines or append optional sections from line 12 on.</summary>
    public const string Minimal = """
        name: demo
        source:
          kind: postgres
          connection: ${env:SRC}
        objects:
          - schema: public
        staging:
          location: ./staging
        destination:
          kind: postgres
          connection: ${env:DST}

        """;

    /// <summary><see cref="Minimal"/> with line <paramref name="line"/> (1-based) replaced by
    /// <paramref name="text"/>, which may span several lines.</summary>
    public static string MinimalWithLine(int line, string text)
    {
        var lines = Minimal.Split('\n');
        lines[line - 1] = text;
        return string.Join('\n', lines);
    }

    public static string? FakeEnvironment(string name) => name switch
    {
        "SRC" => "Host=source;Database=app;Password=source-secret",
        "DST" => "Host=target;Database=dw;Password=target-secret",
        _ => null,
    };

    public static PipelineDefinition Load(string yaml, Func<string, string?>? environment = null) =>
        PipelineLoader.Load(yaml, "pipeline.yaml", environment ?? FakeEnvironment);

    public static IReadOnlyList<PipelineValidationError> ErrorsOf(string yaml, Func<string, string?>? environment = null)
    {
        var load = () => Load(yaml, environment);
        return load.Should().Throw<PipelineValidationException>().Which.Errors;
    }

    /// <summary>The one error for <paramref name="fieldPath"/>, checked for position; returns its message.</summary>
    public static string ErrorAt(this IReadOnlyList<PipelineValidationError> errors, string fieldPath, int line, int column)
    {
        var error = errors.Should().ContainSingle(e => e.FieldPath == fieldPath,
            $"one error for '{fieldPath}' among: {string.Join(" | ", errors)}").Subject;
        error.File.Should().Be("pipeline.yaml");
        (error.Line, error.Column).Should().Be((line, column), $"position of: {error}");
        return error.Message;
    }

    public static string RepositoryRoot([CallerFilePath] string thisFile = "")
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
