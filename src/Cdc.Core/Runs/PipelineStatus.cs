using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.State;
using Cdc.Core.Targets;

namespace Cdc.Core.Runs;

/// <summary>Where a pipeline stands, read from the staging store and the target without touching the source.</summary>
public sealed record PipelineStatus(string Pipeline, string Staging, LeaseInfo? Lease, IReadOnlyList<TableStatus> Tables, IReadOnlyList<RunResult> RecentRuns);

public sealed record TableStatus(TableId Table, int SnapshotGeneration, bool SnapshotComplete, long LastSequence, string? Position, IReadOnlyList<FlowStatus> Flows);

/// <param name="Pending">Committed batches the target has not applied yet.</param>
public sealed record FlowStatus(IngestFlow Flow, long? AppliedSequence, long Pending);

public static class PipelineStatusReader
{
    public static async Task<PipelineStatus> ReadAsync(PipelineDefinition pipeline, PipelineComponents components, int recentRuns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(components);
        var lease = await components.Lease.GetHolderAsync(pipeline.Name, cancellationToken);
        var staged = new List<TableSchema>();
        foreach (var table in await components.Staging.ListTablesAsync(cancellationToken))
        {
            var last = await components.Staging.LastCommitAsync(table, cancellationToken);
            if (last is not null) staged.Add(last.Schema);
        }
        var flows = FlowPlanner.Flows(pipeline, staged);
        var tables = new List<TableStatus>();
        await using var target = components.CreateTarget();
        foreach (var schema in staged)
        {
            var state = (await components.States.ReadTableAsync(schema.Table, cancellationToken))?.Value ?? TableGatewayState.New(schema.Table);
            var last = await components.Staging.LastCommitAsync(schema.Table, cancellationToken);
            var lastSequence = Math.Max(state.LastSequence, last?.Sequence ?? 0);
            var flowStatuses = new List<FlowStatus>();
            foreach (var flow in flows.Where(f => f.Source == schema.Table))
            {
                var applied = await target.GetAppliedStateAsync(flow, cancellationToken);
                flowStatuses.Add(new FlowStatus(flow, applied?.Sequence, lastSequence - (applied?.Sequence ?? 0)));
            }
            tables.Add(new TableStatus(schema.Table, state.SnapshotGeneration, state.SnapshotComplete, lastSequence, state.Position, flowStatuses));
        }
        var runs = await components.History.RecentAsync(recentRuns, cancellationToken);
        return new PipelineStatus(pipeline.Name, components.Staging.Store.Description, lease, tables, runs);
    }
}
