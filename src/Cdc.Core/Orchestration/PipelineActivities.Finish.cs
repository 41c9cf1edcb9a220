using System.Text.Json;
using Cdc.Core.Metering;
using Cdc.Core.Model;
using Cdc.Core.Runs;

namespace Cdc.Core.Orchestration;

public sealed partial class PipelineActivities
{
    /// <summary>
    /// The FinishRun activity: records the run in the run history, releases the pipeline's lease, and, when metered,
    /// turns what every activity used into the run's usage records, appends them to the ledger, checks budgets
    /// (alerting once per threshold), writes the run's event log, records metrics and hands records and alerts to the
    /// sinks. The summary carries them as JSON (<see cref="RunSummary.UsageEvents"/>) for an Event Hubs output.
    /// </summary>
    public async Task<RunSummary> FinishRunAsync(FinishRunInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var scope = await OpenAsync(input.Pipeline, input.RunId, null, ct);
        var pipeline = scope.Pipeline;
        var started = input.Plan?.StartedAt ?? input.RequestedAt;
        var finished = _time.GetUtcNow();

        RunResult? result = null;
        if (input.Abandoned is null)
        {
            result = RunResultAssembler.Assemble(pipeline, input, started, finished);
            await scope.Components.History.SaveAsync(result, CancellationToken.None);
            RunLog.RunFinished(_logger, result.RunId, result.Outcome, (result.FinishedAt - result.StartedAt).TotalSeconds);
            scope.Events.Report(new RunFinished(result.RunId, result.FinishedAt, result.Outcome));
        }
        else
        {
            OrchestrationLog.RunAbandoned(_logger, input.RunId, pipeline.Name, input.Abandoned);
        }
        if (input.ReleaseLease)
        {
            try
            {
                await scope.Components.Lease.ReleaseAsync(pipeline.Name, input.RunId, CancellationToken.None);
            }
            catch (Exception e)
            {
                OrchestrationLog.LeaseReleaseFailed(_logger, e, input.RunId, pipeline.Name);
            }
        }

        IReadOnlyList<string> usageEvents = [];
        if (scope.Metering is { } metering)
        {
            var activities = UsageOf(input, scope.StopMeter()!);
            var outcome = input.Abandoned ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(result!.Outcome.ToString());
            var facts = new RunFacts(pipeline.Name, input.RunId, input.Trigger, started, _time.GetUtcNow(), outcome,
                RunUsageBuilder.UnionSeconds(activities), RunUsageBuilder.CpuSeconds(activities), FailedSteps(result));
            var usage = new RunUsage(RunUsageBuilder.Build(activities, facts, scope.Tags, metering.Settings, metering.Prices));
            var (seconds, gbSeconds, operations, cost) = (usage.ComputeSeconds, usage.MemoryGbSeconds, usage.StorageOperations.Total, Math.Round(usage.Cost, 6));
            MeteringLog.UsageRecorded(metering.Logger, input.RunId, pipeline.Name, seconds, gbSeconds, operations, cost, usage.Currency);
            var alerts = await RunUsageRecorder.RecordAsync(metering, pipeline, input.RunId, started, scope.Tags, scope.Budgets, usage.Records, scope.Events, scope.EventStore);
            usageEvents = UsageJson.EventBodies(usage.Records, alerts);
            try
            {
                await RunEventParts.DeletePartsAsync(scope.EventStore, input.RunId, CancellationToken.None);
            }
            catch (Exception e)
            {
                OrchestrationLog.EventPartsNotRemoved(_logger, e, input.RunId, RunEventParts.Prefix(input.RunId));
            }
        }

        return result is null
            ? new RunSummary(pipeline.Name, input.RunId, input.Trigger, RunSummaryOutcome.Failed, started, finished, [], $"The run stopped ({input.Abandoned}).", null, usageEvents)
            : new RunSummary(pipeline.Name, input.RunId, input.Trigger, Outcome(result.Outcome), started, result.FinishedAt,
                [.. result.FailedTables.Select(TableText.Format)], result.Error, result, usageEvents);
    }

    /// <summary>The NotifyRun activity: reports how the run ended (a log line at warning level when anything failed).</summary>
    public Task NotifyAsync(RunSummary summary, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(summary);
        switch (summary.Outcome)
        {
            case RunSummaryOutcome.Succeeded:
                OrchestrationLog.RunEnded(_logger, summary.RunId, summary.Pipeline, summary.Outcome);
                break;
            case RunSummaryOutcome.Refused:
                OrchestrationLog.RunRefused(_logger, summary.RunId, summary.Pipeline, summary.Error ?? "");
                break;
            default:
                OrchestrationLog.RunEndedWithFailures(_logger, summary.RunId, summary.Pipeline, summary.Outcome, string.Join(", ", summary.FailedTables), summary.Error);
                break;
        }
        return Task.CompletedTask;
    }

    private static List<ActivityUsage> UsageOf(FinishRunInput input, ActivityUsage own)
    {
        IEnumerable<ActivityUsage?> all =
        [
            input.Plan?.Usage,
            .. input.Snapshots.Select(s => s.Usage),
            input.Capture?.Usage,
            .. input.Ingests.Select(i => i.Usage),
            own,
        ];
        return [.. all.OfType<ActivityUsage>()];
    }

    private static HashSet<(TableId Table, UsageStep Step)> FailedSteps(RunResult? result)
    {
        var failed = new HashSet<(TableId, UsageStep)>();
        foreach (var table in result?.Tables ?? [])
        {
            if (table.Error is not null) failed.Add((table.Table, UsageStep.Gateway));
            if (table.Flows.Any(f => f.Error is not null)) failed.Add((table.Table, UsageStep.Ingest));
        }
        return failed;
    }

    private static RunSummaryOutcome Outcome(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Succeeded => RunSummaryOutcome.Succeeded,
        RunOutcome.PartiallyFailed => RunSummaryOutcome.PartiallyFailed,
        _ => RunSummaryOutcome.Failed,
    };
}
