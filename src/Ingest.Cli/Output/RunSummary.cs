using Cdc.Core.Runs;

namespace Ingest.Cli.Output;

public static class RunSummary
{
    public static void Print(RunResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        if (result.Error is not null) output.WriteLine($"error: {result.Error}");
        foreach (var table in result.Tables)
        {
            foreach (var flow in table.Flows)
                output.WriteLine($"{table.Table} -> {flow.Flow.TargetSchema}.{flow.Flow.TargetTable}: staged {table.RowsStaged:N0} rows, applied {flow.BatchesApplied} batch(es) " +
                                 $"(+{flow.Applied.Inserted:N0} ~{flow.Applied.Updated:N0} -{flow.Applied.Deleted:N0}), at batch {flow.AppliedSequence}" +
                                 (flow.Error is null ? "" : $"; FAILED: {flow.Error}"));
            if (table.Error is not null) output.WriteLine($"{table.Table}: FAILED: {table.Error}");
        }
        output.WriteLine($"{result.Outcome} in {(result.FinishedAt - result.StartedAt).TotalSeconds:0.0} s (run {result.RunId})");
    }

    public static int ExitCode(RunResult result) => result.Outcome == RunOutcome.Succeeded ? ExitCodes.Ok : ExitCodes.RunFailed;
}
