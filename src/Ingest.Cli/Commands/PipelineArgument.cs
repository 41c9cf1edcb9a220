using System.CommandLine;
using Cdc.Core.Pipeline;

namespace Ingest.Cli.Commands;

internal static class PipelineArgument
{
    public static Argument<FileInfo> Create() => new("pipeline") { Description = "Path of the pipeline file (YAML)." };

    /// <summary>Loads and validates the file, printing the errors (file:line:col: field: message) when it is invalid.</summary>
    public static PipelineDefinition? Load(FileInfo file, TextWriter error)
    {
        try
        {
            return PipelineLoader.LoadFile(file.FullName);
        }
        catch (PipelineValidationException ex)
        {
            error.WriteLine(ex.Message);
            return null;
        }
        catch (FileNotFoundException)
        {
            error.WriteLine($"{file.FullName}: file not found.");
            return null;
        }
    }
}
