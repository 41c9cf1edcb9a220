using Cdc.Core.Orchestration;
using Ingest.Functions.Usage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions.Orchestration;

/// <summary>
/// Runs Cdc.Core's orchestration code on Durable Functions: clock, replay flag and activity calls map onto the
/// <see cref="TaskOrchestrationContext"/>, an <see cref="ActivityRetry"/> onto a Durable retry policy, and an
/// activity's final failure (Durable's <see cref="TaskFailedException"/>) onto <see cref="ActivityFailedException"/>
/// with the failure's error type and message. One step is added: after FinishRun, the run's usage events go to the
/// Event Hubs output (<see cref="UsagePublishing"/>). Everything here runs inside the orchestrator and is replayed,
/// so it stays deterministic: no clock, I/O or configuration.
/// </summary>
public sealed class DurableOrchestrationContext(TaskOrchestrationContext context) : IOrchestrationContext
{
    private const string UnknownErrorType = "(unknown)";
    private static readonly string AggregateErrorType = typeof(AggregateException).FullName!;

    private readonly ILogger _logger = context.CreateReplaySafeLogger("Ingest.Functions.Orchestration");

    public DateTimeOffset CurrentUtcDateTime => new(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));

    public bool IsReplaying => context.IsReplaying;

    public async Task<TResult> CallActivityAsync<TResult>(string activityName, object input, ActivityRetry retry)
    {
        ArgumentNullException.ThrowIfNull(activityName);
        ArgumentNullException.ThrowIfNull(retry);
        var options = Options(retry);
        TResult result;
        try
        {
            result = await context.CallActivityAsync<TResult>(activityName, input, options);
        }
        catch (TaskFailedException e)
        {
            throw Failure(activityName, e);
        }
        if (activityName == ActivityNames.Finish && result is RunSummary { UsageEvents.Count: > 0 } summary) await PublishUsageAsync(summary, options);
        return result;
    }

    /// <summary>The Durable form of an activity's retry settings: error types the retry names as final are not retried.</summary>
    public static TaskOptions Options(ActivityRetry retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        var policy = retry.FinalErrorTypes.Count == 0
            ? new RetryPolicy(retry.MaxAttempts, retry.FirstDelay, retry.BackoffCoefficient, retry.MaxDelay)
            : new RetryPolicy(retry.MaxAttempts, retry.FirstDelay, retry.BackoffCoefficient, retry.MaxDelay)
            {
                HandleFailure = failure => retry.Retries(Cause(failure).ErrorType),
            };
        return TaskOptions.FromRetryPolicy(policy);
    }

    /// <summary>An activity's last failure as the orchestration code expects it.</summary>
    public static ActivityFailedException Failure(string activityName, TaskFailedException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var details = Cause(failure.FailureDetails);
        var errorType = string.IsNullOrEmpty(details.ErrorType) ? UnknownErrorType : details.ErrorType;
        var message = string.IsNullOrEmpty(details.ErrorMessage) ? failure.Message : details.ErrorMessage;
        return new ActivityFailedException(activityName, errorType, message, failure);
    }

    /// <summary>The failure the activity's own exception caused. An exception of an async activity can reach the
    /// orchestration wrapped in an AggregateException (azure-functions-durable-extension#2762); the wrapped failure
    /// carries the type the orchestration names as final.</summary>
    private static TaskFailureDetails Cause(TaskFailureDetails failure)
    {
        while (failure.ErrorType == AggregateErrorType && failure.InnerFailure is { } inner) failure = inner;
        return failure;
    }

    private async Task PublishUsageAsync(RunSummary summary, TaskOptions options)
    {
        try
        {
            // The result is empty: the output binding takes the return value (typed for the activity analyzers).
            await context.CallActivityAsync<UsageEventsOutput?>(UsagePublishing.ActivityName, new UsagePublication(summary.RunId, [.. summary.UsageEvents]), options);
        }
        catch (TaskFailedException e)
        {
            FunctionsLog.UsagePublishFailed(_logger, e, summary.RunId);
        }
    }
}
