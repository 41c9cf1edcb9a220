using Cdc.Core.Metering;
using Cdc.Core.Runs;
using Cdc.Core.State;

namespace Cdc.Core.Orchestration;

/// <summary>
/// The orchestrations of a pipeline, the same under Durable Functions and in process. This code is replayed by
/// Durable, so it is deterministic: it takes time only from the context, does no I/O and starts no threads or timers;
/// all work happens in the activities (<see cref="PipelineActivities"/>).
/// </summary>
public static class PipelineOrchestration
{
    private static readonly string[] Refusals = [typeof(PipelineBusyException).FullName!, typeof(BudgetExceededException).FullName!];

    /// <summary>How every activity is retried: <see cref="ActivityRetry.Default"/>, but a refused run is not retried.</summary>
    public static ActivityRetry Retry { get; } = ActivityRetry.Default with { FinalErrorTypes = Refusals };

    /// <summary>
    /// Plan (lease, discovery, source preparation) → a snapshot per table that needs one (at most the pipeline's
    /// parallelism in flight, started in table order) → change capture (one activity: the tables share the source's
    /// change stream) → ingest per table (bounded the same way) → finish (run history, lease, usage, budgets) →
    /// notify. A table whose activity fails on every attempt is failed and the others go on; the run then ends
    /// partially failed, naming it. A refused plan ends the run <see cref="RunSummaryOutcome.Refused"/>; any other
    /// planning failure fails it.
    /// </summary>
    public static async Task<RunSummary> RunAsync(IOrchestrationContext context, PipelineRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var requestedAt = context.CurrentUtcDateTime;
        RunPlan plan;
        try
        {
            plan = await context.CallActivityAsync<RunPlan>(ActivityNames.Plan, input, Retry);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var (message, refused) = Describe(ex);
            if (refused) return await NotifyAsync(context, RunSummary.Refused(input.Pipeline, input.RunId, input.Trigger, requestedAt, message));
            // Planning may have taken the lease before it failed: finishing releases it.
            return await FinishAsync(context, new FinishRunInput(
                input.Pipeline, input.RunId, input.Trigger, requestedAt, [], null, $"Planning the run failed: {message}", [], null, [], ReleaseLease: true));
        }

        if (plan.Error is not null)
            return await FinishAsync(context, new FinishRunInput(
                plan.Pipeline, plan.RunId, plan.Trigger, requestedAt, plan.Tables, plan, null, [], null, [], ReleaseLease: true));

        var snapshots = await FanOutAsync(plan.SnapshotTables, plan.Parallelism, table =>
            CallTableStepAsync(context, ActivityNames.Snapshot, new TableStepInput(plan.Pipeline, plan.RunId, table, plan.LeaseSeconds)));
        var capture = plan.CaptureChanges
            ? await CallCaptureAsync(context, new CaptureStepInput(plan.Pipeline, plan.RunId, plan.Tables, plan.LeaseSeconds))
            : null;
        var ingests = await FanOutAsync(plan.IngestTables, plan.Parallelism, table =>
            CallTableStepAsync(context, ActivityNames.Ingest, new TableStepInput(plan.Pipeline, plan.RunId, table, plan.LeaseSeconds)));
        return await FinishAsync(context, new FinishRunInput(
            plan.Pipeline, plan.RunId, plan.Trigger, requestedAt, plan.Tables, plan, null, snapshots, capture, ingests, ReleaseLease: true));
    }

    /// <summary>
    /// A table's newly staged batches (blob arrival): one IngestTable activity, then finish and notify as a small run
    /// of trigger <see cref="RunTrigger.BlobArrival"/>. It takes no pipeline lease (the target keeps concurrent
    /// appliers of a table apart), but an enforced budget that is spent refuses it.
    /// </summary>
    public static async Task<RunSummary> IngestTableAsync(IOrchestrationContext context, TableIngestInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var requestedAt = context.CurrentUtcDateTime;
        TableStepResult ingest;
        try
        {
            ingest = await context.CallActivityAsync<TableStepResult>(ActivityNames.Ingest, new TableStepInput(input.Pipeline, input.RunId, input.Table, 0), Retry);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var (message, refused) = Describe(ex);
            if (refused) return await NotifyAsync(context, RunSummary.Refused(input.Pipeline, input.RunId, RunTrigger.BlobArrival, requestedAt, message));
            ingest = TableStepResult.Failed(input.Table, message);
        }
        return await FinishAsync(context, new FinishRunInput(
            input.Pipeline, input.RunId, RunTrigger.BlobArrival, requestedAt, [input.Table], null, null, [], null, [ingest], ReleaseLease: false));
    }

    /// <summary>Runs <paramref name="call"/> per table, at most <paramref name="parallelism"/> at once, starting them in
    /// the tables' order; results come back in that order.</summary>
    private static async Task<IReadOnlyList<TableStepResult>> FanOutAsync(IReadOnlyList<string> tables, int parallelism, Func<string, Task<TableStepResult>> call)
    {
        var results = new TableStepResult[tables.Count];
        var running = new List<(Task<TableStepResult> Task, int Index)>();
        var next = 0;
        while (next < tables.Count || running.Count > 0)
        {
            while (next < tables.Count && running.Count < Math.Max(1, parallelism))
            {
                running.Add((call(tables[next]), next));
                next++;
            }
            var done = await Task.WhenAny(running.Select(r => r.Task));
            var finished = running.FindIndex(r => r.Task == done);
            results[running[finished].Index] = await done;
            running.RemoveAt(finished);
        }
        return results;
    }

    private static async Task<TableStepResult> CallTableStepAsync(IOrchestrationContext context, string activity, TableStepInput input)
    {
        try
        {
            return await context.CallActivityAsync<TableStepResult>(activity, input, Retry);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TableStepResult.Failed(input.Table, Describe(ex).Message);
        }
    }

    private static async Task<CaptureStepResult> CallCaptureAsync(IOrchestrationContext context, CaptureStepInput input)
    {
        try
        {
            return await context.CallActivityAsync<CaptureStepResult>(ActivityNames.Capture, input, Retry);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return CaptureStepResult.Failed(Describe(ex).Message);
        }
    }

    /// <summary>Finishing must succeed: if it fails on every attempt the orchestration fails, and the lease expires on its own.</summary>
    private static async Task<RunSummary> FinishAsync(IOrchestrationContext context, FinishRunInput input) =>
        await NotifyAsync(context, await context.CallActivityAsync<RunSummary>(ActivityNames.Finish, input, Retry));

    private static async Task<RunSummary> NotifyAsync(IOrchestrationContext context, RunSummary summary)
    {
        try
        {
            await context.CallActivityAsync<object?>(ActivityNames.Notify, summary, Retry);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A notification that could not be sent changes nothing about the run.
        }
        return summary;
    }

    /// <summary>An activity's failure message, and whether it refused the run.</summary>
    private static (string Message, bool Refused) Describe(Exception exception) => exception is ActivityFailedException failed
        ? (failed.Message, Refusals.Contains(failed.ErrorType, StringComparer.Ordinal))
        : (exception.Message, false);
}
