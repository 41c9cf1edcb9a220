using System.CommandLine;
using Cdc.Core.Runs;
using Spectre.Console;

namespace Ingest.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create(Option<bool> verbose)
    {
        var pipeline = PipelineArgument.Create();
        var runs = new Option<int>("--runs") { Description = "How many recent runs to list.", DefaultValueFactory = _ => 5 };
        var command = new Command("status", "Show each table's snapshot, staged and applied batches, the lease holder and recent runs.") { pipeline, runs };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var definition = PipelineArgument.Load(parse.GetRequiredValue(pipeline), Console.Error);
            if (definition is null) return ExitCodes.InvalidInput;
            using var loggers = CliLogging.Create(parse.GetValue(verbose));
            try
            {
                var components = PipelineComponentsFactory.Create(definition, loggers);
                var status = await PipelineStatusReader.ReadAsync(definition, components, parse.GetValue(runs), cancellationToken);
                Print(status);
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Error;
            }
        });
        return command;
    }

    private static void Print(PipelineStatus status)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(status.Pipeline)}[/], staging at {Markup.Escape(status.Staging)}");
        AnsiConsole.MarkupLine(status.Lease is null
            ? "lease: free"
            : $"lease: held by run {Markup.Escape(status.Lease.RunId)} on {Markup.Escape(status.Lease.Holder)} until {status.Lease.ExpiresAt:u}");
        var table = new Table().AddColumns("source table", "snapshot", "staged batch", "position", "target", "applied batch", "pending");
        foreach (var t in status.Tables)
        {
            var snapshot = t.SnapshotGeneration == 0 ? "not started" : $"gen {t.SnapshotGeneration} {(t.SnapshotComplete ? "complete" : "in progress")}";
            if (t.Flows.Count == 0)
                table.AddRow(Markup.Escape(t.Table.ToString()), snapshot, t.LastSequence.ToString(), Markup.Escape(t.Position ?? "-"), "-", "-", "-");
            foreach (var flow in t.Flows)
                table.AddRow(Markup.Escape(t.Table.ToString()), snapshot, t.LastSequence.ToString(), Markup.Escape(t.Position ?? "-"),
                    Markup.Escape($"{flow.Flow.TargetSchema}.{flow.Flow.TargetTable}"), flow.AppliedSequence?.ToString() ?? "-", flow.Pending.ToString());
        }
        AnsiConsole.Write(table);
        if (status.RecentRuns.Count == 0) return;
        AnsiConsole.MarkupLine("recent runs:");
        foreach (var run in status.RecentRuns)
            AnsiConsole.MarkupLine(Markup.Escape($"  {run.RunId}  {run.Outcome,-15} {run.Trigger,-11} {(run.FinishedAt - run.StartedAt).TotalSeconds,6:0.0} s" +
                                                 (run.FailedTables.Any() ? $"  failed: {string.Join(", ", run.FailedTables)}" : "")));
    }
}
