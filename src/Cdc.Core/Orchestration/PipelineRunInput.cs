using Cdc.Core.Runs;

namespace Cdc.Core.Orchestration;

/// <summary>What <see cref="PipelineOrchestration.RunAsync"/> runs. Tables are <c>schema.table</c> (<see cref="TableText"/>).</summary>
/// <param name="FullRefresh">Tables to snapshot again from scratch and swap in.</param>
/// <param name="OnlyTables">When set, only these tables' batches are applied (the gateway still captures every table:
/// they share one change stream).</param>
/// <param name="RepairOf">A run whose failed tables (from run history) are applied again, as with OnlyTables.</param>
public sealed record PipelineRunInput(
    string Pipeline,
    string RunId,
    RunTrigger Trigger,
    IReadOnlyList<string> FullRefresh,
    IReadOnlyList<string>? OnlyTables,
    string? RepairOf)
{
    /// <summary>The input for an in-process request of a run.</summary>
    public static PipelineRunInput From(string pipeline, RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new PipelineRunInput(
            pipeline,
            request.RunId,
            request.Trigger,
            [.. request.FullRefresh.Order().Select(TableText.Format)],
            request.OnlyTables is { } only ? [.. only.Order().Select(TableText.Format)] : null,
            null);
    }
}

/// <summary>What <see cref="PipelineOrchestration.IngestTableAsync"/> runs: one table's newly staged batches.</summary>
public sealed record TableIngestInput(string Pipeline, string RunId, string Table);
