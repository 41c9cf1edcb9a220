using System.CommandLine;
using Cdc.Core.Demo;
using Cdc.Core.Runs;
using Ingest.Cli.Output;
using Spectre.Console;

namespace Ingest.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create(Option<bool> verbose)
    {
        var source = new Option<string?>("--source") { Description = "PostgreSQL source connection string (default: a throwaway server on loopback)." };
        var target = new Option<string?>("--target") { Description = "PostgreSQL target connection string (default: a throwaway server on loopback)." };
        var staging = new Option<string?>("--staging") { Description = "Staging location: a folder, a storage connection string, or 'azurite' to start a local Azurite (default: a temporary folder)." };
        var command = new Command("demo", "The drivers walkthrough end to end: initial load, changes at the source, schema evolution, SCD 1 and 2.") { source, target, staging };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggers = CliLogging.Create(parse.GetValue(verbose));
            var scenario = new DemoScenario(
                loggers,
                new ProgressPrinter(Console.Out),
                line => AnsiConsole.MarkupLine($"[bold]{Markup.Escape(line)}[/]"),
                Show);
            try
            {
                var outcome = await scenario.RunAsync(new DemoOptions(parse.GetValue(source), parse.GetValue(target), parse.GetValue(staging)), cancellationToken);
                var failed = new[] { outcome.InitialLoad, outcome.AfterChanges }.FirstOrDefault(r => r.Outcome != RunOutcome.Succeeded);
                if (failed is not null)
                {
                    RunSummary.Print(failed, Console.Error);
                    return ExitCodes.RunFailed;
                }
                AnsiConsole.MarkupLine("[green]demo complete[/]: the SCD 1 table mirrors the source (with the new email column); the SCD 2 table keeps every version.");
                return ExitCodes.Ok;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Cancelled;
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Error;
            }
        });
        return command;
    }

    private static void Show(TableContent content)
    {
        var table = new Table { Title = new TableTitle(content.Name) };
        foreach (var column in content.Columns) table.AddColumn(Markup.Escape(column));
        foreach (var row in content.Rows) table.AddRow(row.Select(v => v is null ? "[grey]NULL[/]" : Markup.Escape(v)).ToArray());
        AnsiConsole.Write(table);
    }
}
