using System.CommandLine;
using Cdc.Core.Runs;
using Cdc.Core.Sources;

namespace Ingest.Cli.Commands;

internal static class ValidateCommand
{
    public static Command Create(Option<bool> verbose)
    {
        var pipeline = PipelineArgument.Create();
        var source = new Option<bool>("--source")
        {
            Description = "Also connect to the source and check that every selected table can be captured (key, capture enabled, column types). Changes nothing there.",
        };
        var command = new Command("validate", "Check a pipeline file: every error with its file, line and field.") { pipeline, source };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var definition = PipelineArgument.Load(parse.GetRequiredValue(pipeline), Console.Error);
            if (definition is null) return ExitCodes.InvalidInput;
            Console.WriteLine($"{definition.SourceFile}: valid. Pipeline '{definition.Name}': {definition.Source.Kind} -> {definition.Destination.Kind}, " +
                              $"{definition.Objects.Count} object entr{(definition.Objects.Count == 1 ? "y" : "ies")}, staging at {definition.Staging.Location}.");
            if (!parse.GetValue(source)) return ExitCodes.Ok;

            using var loggers = CliLogging.Create(parse.GetValue(verbose));
            try
            {
                var tables = await SourceCheck.DiscoverAsync(definition, loggers, cancellationToken);
                foreach (var table in tables)
                    Console.WriteLine($"  {table.Table}: {table.Columns.Count} columns, key ({string.Join(", ", table.KeyColumns)})");
                Console.WriteLine($"source: {tables.Count} table{(tables.Count == 1 ? "" : "s")} can be captured.");
                return ExitCodes.Ok;
            }
            catch (SourceException ex)
            {
                // What the source refuses is the pipeline's to fix: the message says how.
                Console.Error.WriteLine($"{definition.SourceFile}: source: {ex.Message}");
                return ExitCodes.InvalidInput;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Console.Error.WriteLine($"error: the source could not be checked: {ex.Message}");
                return ExitCodes.Error;
            }
        });
        return command;
    }
}
