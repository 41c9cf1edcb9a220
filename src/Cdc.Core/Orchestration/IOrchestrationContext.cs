namespace Cdc.Core.Orchestration;

/// <summary>
/// What orchestration code may use: the orchestration's clock and activity calls. Durable Functions replays
/// orchestration code, so it must take time, randomness and I/O only from here (<see cref="PipelineOrchestration"/>).
/// Implemented over Durable's TaskOrchestrationContext by the Functions app and by
/// <see cref="LocalOrchestrationContext"/> in process.
/// </summary>
public interface IOrchestrationContext
{
    /// <summary>The orchestration's current time, the same on every replay (Durable: <c>context.CurrentUtcDateTime</c>).</summary>
    DateTimeOffset CurrentUtcDateTime { get; }

    /// <summary>True while Durable replays past events: log only when false.</summary>
    bool IsReplaying { get; }

    /// <summary>Runs an activity by name (<see cref="ActivityNames"/>), retrying it as <paramref name="retry"/> says.</summary>
    /// <exception cref="ActivityFailedException">The activity failed on its last attempt. A Durable adapter turns
    /// Durable's TaskFailedException into this, with the failure's error type and message.</exception>
    Task<TResult> CallActivityAsync<TResult>(string activityName, object input, ActivityRetry retry);
}
