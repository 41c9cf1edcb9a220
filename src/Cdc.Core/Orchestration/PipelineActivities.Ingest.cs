using Cdc.Core.Metering;
using Cdc.Core.Runs;
using Cdc.Core.State;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Orchestration;

public sealed partial class PipelineActivities
{
    /// <summary>
    /// The IngestTable activity: applies one table's committed batches to each of its target tables (its flows). A
    /// flow's failure does not stop the table's other flows; the activity then fails naming every failed flow, and a
    /// retry applies again from what each target recorded. Run alone (blob arrival: no lease), an enforced budget
    /// that is spent refuses it.
    /// </summary>
    /// <exception cref="StepFailedException">A flow failed.</exception>
    /// <exception cref="BudgetExceededException">Alone, and an enforced budget the pipeline counts against is spent.</exception>
    /// <exception cref="LeaseLostException">Another run took the pipeline's lease.</exception>
    public async Task<TableStepResult> IngestTableAsync(TableStepInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var table = TableText.Parse(input.Table);
        var scope = await OpenAsync(input.Pipeline, input.RunId, $"3-ingest-{table.ToPathSegment()}", ct);
        var (result, usage) = await RunAsync(scope, async () =>
        {
            MeteringScope.Enter(UsageStep.Ingest);
            if (input.LeaseSeconds <= 0 && scope.Metering is { } metering)
                await metering.Budgets.EnsureWithinBudgetAsync(scope.Pipeline.Name, scope.Budgets, _time.GetUtcNow(), ct);
            var flows = FlowsOf(scope.Pipeline, table);
            if (flows.Count == 0) throw new InvalidOperationException($"Pipeline '{scope.Pipeline.Name}' applies nothing from {table}: it is not among its objects.");
            await using var keeper = await KeepLeaseAsync(scope, input.LeaseSeconds, ActivityNames.Ingest, ct);
            try
            {
                await using var target = scope.Components.CreateTarget();
                var ingest = new IngestStep(target, scope.Components.Staging, _time, _loggers.CreateLogger<IngestStep>());
                var applied = new List<FlowStepResult>();
                foreach (var flow in flows)
                {
                    try
                    {
                        var done = await ingest.ApplyAsync(input.RunId, flow, scope.Events, keeper.Token);
                        applied.Add(new FlowStepResult(flow.TargetSchema, flow.TargetTable, flow.ScdType, flow.SoftDeletes, done.BatchesApplied,
                            done.Applied.RowsRead, done.Applied.Inserted, done.Applied.Updated, done.Applied.Deleted, done.AppliedSequence, null));
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !keeper.Token.IsCancellationRequested)
                    {
                        var step = $"ingest into {flow.TargetSchema}.{flow.TargetTable}";
                        RunLog.TableFailed(_logger, ex, "ingest", flow.Source, ex.Message);
                        scope.Events.Report(new TableFailed(input.RunId, _time.GetUtcNow(), flow.Source, step, ex.Message));
                        applied.Add(new FlowStepResult(flow.TargetSchema, flow.TargetTable, flow.ScdType, flow.SoftDeletes, 0, 0, 0, 0, 0, -1, $"{step}: {ex.Message}"));
                    }
                }
                keeper.ThrowIfLost();
                var errors = applied.Where(f => f.Error is not null).Select(f => f.Error!).ToList();
                if (errors.Count > 0) throw new StepFailedException(string.Join("; ", errors));
                return new TableStepResult(input.Table, 0, 0, 0, applied, null, null);
            }
            catch (OperationCanceledException) when (keeper.Lost)
            {
                throw new LeaseLostException(scope.Pipeline.Name, input.RunId);
            }
        });
        return result with { Usage = usage };
    }
}
