using System.CommandLine;

namespace Ingest.Cli.Commands;

internal static class ValidateCommand
{
    public static Command Create()
    {
        var pipeline = PipelineArgument.Create();
        var command = new Command("validate", "Check a pipeline file: every error with its file, line and field.") { pipeline };
        command.SetAction(parse =>
        {
            var definition = PipelineArgument.Load(parse.GetRequiredValue(pipeline), Console.Error);
            if (definition is null) return ExitCodes.InvalidInput;
            Console.WriteLine($"{definition.SourceFile}: valid. Pipeline '{definition.Name}': {definition.Source.Kind} -> {definition.Destination.Kind}, " +
                              $"{definition.Objects.Count} object entr{(definition.Objects.Count == 1 ? "y" : "ies")}, staging at {definition.Staging.Location}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
