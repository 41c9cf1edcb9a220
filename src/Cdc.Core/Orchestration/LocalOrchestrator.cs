using System.Runtime.ExceptionServices;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Orchestration;

/// <summary>
/// Runs the orchestrations in this process over a <see cref="LocalOrchestrationContext"/>, the way a host without
/// Durable Functions does (<c>ingest run</c>, <c>ingest watch</c>). A refused run throws the refusal itself
/// (<see cref="State.PipelineBusyException"/>, <see cref="Metering.BudgetExceededException"/>). A run stopped by an
/// exception (cancellation, an activity that could not finish the run) still has what it spent metered and its lease
/// released before the exception goes on.
/// </summary>
public static class LocalOrchestrator
{
    /// <param name="retry">Replaces the orchestration's attempts and delays; null keeps them.</param>
    /// <summary>One run of <paramref name="pipeline"/> in this process, its activities built with
    /// <paramref name="options"/>: the run's result and the summary it came with.</summary>
    /// <exception cref="InvalidOperationException">The run ended without a result (refused before it planned, say).</exception>
    public static async Task<(RunResult Run, RunSummary Summary)> RunToResultAsync(PipelineDefinition pipeline, RunRequest request,
        PipelineActivityOptions options, TimeProvider time, ActivityRetry retry, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(loggers);
        var activities = new PipelineActivities(new InMemoryPipelineCatalog(pipeline), loggers, time, options);
        var summary = await RunPipelineAsync(
            activities, PipelineRunInput.From(pipeline.Name, request), time, retry, loggers.CreateLogger(typeof(LocalOrchestrator).FullName!), cancellationToken);
        var run = summary.Run ?? throw new InvalidOperationException($"Run {request.RunId} of pipeline '{pipeline.Name}' ended {summary.Outcome} without a result: {summary.Error}");
        return (run, summary);
    }

    public static Task<RunSummary> RunPipelineAsync(
        PipelineActivities activities, PipelineRunInput input, TimeProvider time, ActivityRetry? retry, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return RunAsync(activities, time, retry, logger, input.Pipeline, input.RunId, input.Trigger, releaseLease: true, [],
            context => PipelineOrchestration.RunAsync(context, input), cancellationToken);
    }

    /// <param name="retry">Replaces the orchestration's attempts and delays; null keeps them.</param>
    public static Task<RunSummary> IngestTableAsync(
        PipelineActivities activities, TableIngestInput input, TimeProvider time, ActivityRetry? retry, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return RunAsync(activities, time, retry, logger, input.Pipeline, input.RunId, RunTrigger.BlobArrival, releaseLease: false, [input.Table],
            context => PipelineOrchestration.IngestTableAsync(context, input), cancellationToken);
    }

    private static async Task<RunSummary> RunAsync(
        PipelineActivities activities,
        TimeProvider time,
        ActivityRetry? retry,
        ILogger? logger,
        string pipeline,
        string runId,
        RunTrigger trigger,
        bool releaseLease,
        IReadOnlyList<string> tables,
        Func<IOrchestrationContext, Task<RunSummary>> orchestration,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activities);
        ArgumentNullException.ThrowIfNull(time);
        var context = LocalOrchestrationContext.For(activities, time, cancellationToken, retry, logger ?? NullLogger.Instance);
        var requestedAt = time.GetUtcNow();
        RunSummary summary;
        try
        {
            summary = await orchestration(context);
        }
        catch (Exception ex)
        {
            await context.WhenIdleAsync();
            await AbandonAsync(activities, context, pipeline, runId, trigger, requestedAt, releaseLease, tables, ex is OperationCanceledException ? "cancelled" : "error");
            ExceptionDispatchInfo.Throw(ex is ActivityFailedException { InnerException: { } inner } ? inner : ex);
            throw;
        }
        if (summary.Outcome == RunSummaryOutcome.Refused && context.Failures is [.., { InnerException: { } refusal }])
            ExceptionDispatchInfo.Throw(refusal);
        return summary;
    }

    /// <summary>Records what a run stopped by an exception spent, and lets go of its lease.</summary>
    private static async Task AbandonAsync(
        PipelineActivities activities, LocalOrchestrationContext context, string pipeline, string runId, RunTrigger trigger, DateTimeOffset requestedAt,
        bool releaseLease, IReadOnlyList<string> tables, string reason)
    {
        var plan = context.Results<RunPlan>(ActivityNames.Plan) is [var planned, ..] ? planned : null;
        var input = new FinishRunInput(
            pipeline, runId, trigger, requestedAt, plan?.Tables ?? tables, plan, null,
            context.Results<TableStepResult>(ActivityNames.Snapshot),
            context.Results<CaptureStepResult>(ActivityNames.Capture) is [var captured, ..] ? captured : null,
            context.Results<TableStepResult>(ActivityNames.Ingest),
            releaseLease,
            reason);
        try
        {
            await activities.FinishRunAsync(input, CancellationToken.None);
        }
        catch (Exception)
        {
            // The run already failed; its lease expires on its own and its usage goes unrecorded.
        }
    }
}
