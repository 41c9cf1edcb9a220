using System.CommandLine;
using Cdc.Core.Pipeline.Schema;

namespace Ingest.Cli.Commands;

internal static class SchemaCommand
{
    public static Command Create()
    {
        var command = new Command("schema", "Print the JSON Schema of pipeline files (for editor completion).");
        command.SetAction(_ =>
        {
            Console.WriteLine(PipelineJsonSchema.Generate());
            return ExitCodes.Ok;
        });
        return command;
    }
}
