using Cdc.Core.Metering;
using Cdc.Core.Runs;
using Cdc.Core.State;

namespace Cdc.Core.Orchestration;

public sealed partial class PipelineActivities
{
    /// <summary>The SnapshotTable activity: takes, resumes or restarts one table's snapshot, chunk by chunk from its
    /// checkpoint.</summary>
    /// <exception cref="StepFailedException">The snapshot failed (retrying resumes it from its last chunk).</exception>
    /// <exception cref="LeaseLostException">Another run took the pipeline's lease.</exception>
    public async Task<TableStepResult> SnapshotTableAsync(TableStepInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var table = TableText.Parse(input.Table);
        var scope = await OpenAsync(input.Pipeline, input.RunId, $"1-snapshot-{table.ToPathSegment()}", ct);
        var (result, usage) = await RunAsync(scope, async () =>
        {
            MeteringScope.Enter(UsageStep.Gateway);
            await using var keeper = await KeepLeaseAsync(scope, input.LeaseSeconds, ActivityNames.Snapshot, ct);
            try
            {
                await using var source = scope.Components.CreateSource();
                var schema = await DiscoverAsync(source, scope.Pipeline, table, keeper.Token);
                var staged = await Gateway(scope, source).SnapshotAsync(input.RunId, schema, scope.Events, keeper.Token);
                keeper.ThrowIfLost();
                if (staged.Error is not null) throw new StepFailedException(staged.Error);
                return new TableStepResult(input.Table, staged.RowsStaged, staged.BatchesStaged, staged.BytesStaged, [], null, null);
            }
            catch (OperationCanceledException) when (keeper.Lost)
            {
                throw new LeaseLostException(scope.Pipeline.Name, input.RunId);
            }
        });
        return result with { Usage = usage };
    }

    /// <summary>
    /// The CaptureChanges activity: captures the changes of every table whose snapshot is complete, stages them, and
    /// only then lets the source release them, never past what a table not captured still needs.
    /// </summary>
    /// <exception cref="StepFailedException">Capture failed (retrying reads again from what was staged).</exception>
    /// <exception cref="LeaseLostException">Another run took the pipeline's lease.</exception>
    public async Task<CaptureStepResult> CaptureChangesAsync(CaptureStepInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var wanted = input.Tables.Select(TableText.Parse).ToHashSet();
        var scope = await OpenAsync(input.Pipeline, input.RunId, "2-capture", ct);
        var (result, usage) = await RunAsync(scope, async () =>
        {
            MeteringScope.Enter(UsageStep.Gateway);
            await using var keeper = await KeepLeaseAsync(scope, input.LeaseSeconds, ActivityNames.Capture, ct);
            try
            {
                await using var source = scope.Components.CreateSource();
                var tables = (await DiscoverAsync(source, scope.Pipeline, keeper.Token)).Where(t => wanted.Contains(t.Table)).ToList();
                var staged = await Gateway(scope, source).CaptureAsync(input.RunId, tables, scope.Events, keeper.Token);
                keeper.ThrowIfLost();
                if (staged.Values.FirstOrDefault(r => r.Error is not null)?.Error is { } error) throw new StepFailedException(error);
                var results = tables.Select(t => (Table: TableText.Format(t.Table), Staged: staged[t.Table]))
                    .Select(t => new TableStepResult(t.Table, t.Staged.RowsStaged, t.Staged.BatchesStaged, t.Staged.BytesStaged, [], null, null));
                return new CaptureStepResult([.. results], null, null);
            }
            catch (OperationCanceledException) when (keeper.Lost)
            {
                throw new LeaseLostException(scope.Pipeline.Name, input.RunId);
            }
        });
        return result with { Usage = usage };
    }
}
