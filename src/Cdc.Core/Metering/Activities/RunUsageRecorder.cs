using Cdc.Core.Pipeline;
using Cdc.Core.Staging;

namespace Cdc.Core.Metering;

/// <summary>
/// Where a finished run's usage goes: the ledger, then budgets (each crossed threshold alerts once, reported as an
/// event), the run's event log (the activities' parts, then <paramref name="recorder"/>'s events), metrics and the
/// sinks. Metering problems are logged and never fail the run.
/// </summary>
internal static class RunUsageRecorder
{
    /// <returns>The budget alerts the run raised.</returns>
    public static async Task<IReadOnlyList<BudgetAlert>> RecordAsync(
        MeteringContext metering,
        PipelineDefinition pipeline,
        string runId,
        DateTimeOffset runStart,
        IReadOnlyDictionary<string, string> tags,
        IReadOnlyList<Budget> budgets,
        IReadOnlyList<UsageRecord> records,
        RunEventRecorder recorder,
        IStagingStore eventStore)
    {
        var logger = metering.Logger;
        var appended = false;
        try
        {
            await metering.Ledger.AppendAsync(records, CancellationToken.None);
            appended = true;
        }
        catch (Exception e)
        {
            MeteringLog.LedgerWriteFailed(logger, e, runId, metering.Ledger.Store.Description);
        }

        IReadOnlyList<BudgetAlert> alerts = [];
        if (appended && budgets.Count > 0)
        {
            try
            {
                alerts = await metering.Budgets.EvaluateAsync(budgets, pipeline.Name, runId, tags, runStart, CancellationToken.None);
            }
            catch (Exception e)
            {
                MeteringLog.BudgetEvaluationFailed(logger, e, runId);
            }
        }
        foreach (var alert in alerts) recorder.Report(new BudgetAlertRaised(runId, alert.At, alert));

        try
        {
            var lines = new List<string>(await RunEventParts.ReadPartsAsync(eventStore, runId, CancellationToken.None));
            foreach (var runEvent in recorder.Events) lines.AddRange(RunEventJson.Lines(runEvent, pipeline.Name, tags));
            await RunEventParts.WriteLogAsync(eventStore, runId, lines, CancellationToken.None);
        }
        catch (Exception e)
        {
            MeteringLog.EventLogWriteFailed(logger, e, runId);
        }

        metering.Metrics.Record(records, alerts);
        foreach (var sink in metering.Sinks)
        {
            try
            {
                await sink.PublishAsync(records, alerts, CancellationToken.None);
            }
            catch (Exception e)
            {
                MeteringLog.SinkFailed(logger, e, sink.GetType().Name, runId);
            }
        }
        return alerts;
    }
}
