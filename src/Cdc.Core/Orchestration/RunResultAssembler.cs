using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Targets;

namespace Cdc.Core.Orchestration;

/// <summary>The run history's record of an orchestrated run, put together from its plan and step results.</summary>
internal static class RunResultAssembler
{
    public static RunResult Assemble(PipelineDefinition pipeline, FinishRunInput input, DateTimeOffset started, DateTimeOffset finished)
    {
        if ((input.Error ?? input.Plan?.Error) is { } error)
            return new RunResult(input.RunId, pipeline.Name, input.Trigger, started, finished, RunOutcome.Failed, [], error);

        var planned = input.Plan?.Failed.ToDictionary(f => f.Table, f => f.Error) ?? [];
        var snapshots = input.Snapshots.ToDictionary(s => s.Table);
        var captured = input.Capture?.Tables.ToDictionary(t => t.Table) ?? [];
        var ingests = input.Ingests.ToDictionary(i => i.Table);
        var tables = input.Tables.Select(text =>
        {
            var table = TableText.Parse(text);
            var snapshot = snapshots.GetValueOrDefault(text);
            var capture = captured.GetValueOrDefault(text);
            var gatewayError = planned.GetValueOrDefault(text) ?? snapshot?.Error ?? capture?.Error ?? input.Capture?.Error;
            var flows = Flows(pipeline, table, ingests.GetValueOrDefault(text));
            // An ingest that failed for a table without flows has nowhere else to be seen.
            if (flows.Count == 0 && ingests.GetValueOrDefault(text)?.Error is { } ingestError) gatewayError ??= ingestError;
            return new TableRunResult(
                table,
                (snapshot?.RowsStaged ?? 0) + (capture?.RowsStaged ?? 0),
                (snapshot?.BatchesStaged ?? 0) + (capture?.BatchesStaged ?? 0),
                (snapshot?.BytesStaged ?? 0) + (capture?.BytesStaged ?? 0),
                flows,
                gatewayError);
        }).ToList();
        var failed = tables.Count(t => t.Failed);
        var outcome = failed == 0 ? RunOutcome.Succeeded : failed == tables.Count ? RunOutcome.Failed : RunOutcome.PartiallyFailed;
        return new RunResult(input.RunId, pipeline.Name, input.Trigger, started, finished, outcome, tables, null);
    }

    /// <summary>What each flow of the table applied; when the table's ingest failed on every attempt, each of its
    /// flows carries that failure.</summary>
    private static List<FlowRunResult> Flows(PipelineDefinition pipeline, TableId table, TableStepResult? ingest)
    {
        if (ingest is null) return [];
        if (ingest.Error is { } error)
            return [.. FlowPlanner.Flows(pipeline, [new TableSchema(table, [], [])]).Select(f => new FlowRunResult(f, 0, ApplyResult.Empty, -1, error))];
        return [.. ingest.Flows
            .Select(f => new FlowRunResult(
                new IngestFlow(pipeline.Name, table, f.TargetSchema, f.TargetTable, f.ScdType, f.SoftDeletes),
                f.BatchesApplied,
                new ApplyResult(f.RowsRead, f.Inserted, f.Updated, f.Deleted),
                f.AppliedSequence,
                f.Error))
            .OrderBy(f => f.Flow.TargetTable, StringComparer.Ordinal)];
    }
}
