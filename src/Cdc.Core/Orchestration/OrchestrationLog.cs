using Microsoft.Extensions.Logging;

namespace Cdc.Core.Orchestration;

/// <summary>Log events of orchestrated runs. Event ids are stable (6000-6049).</summary>
internal static partial class OrchestrationLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Run {RunId} of pipeline {Pipeline} ended {Outcome}")]
    public static partial void RunEnded(ILogger logger, string runId, string pipeline, RunSummaryOutcome outcome);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Run {RunId} of pipeline {Pipeline} ended {Outcome}; failed tables: {Tables}; {Error}")]
    public static partial void RunEndedWithFailures(ILogger logger, string runId, string pipeline, RunSummaryOutcome outcome, string tables, string? error);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Run {RunId} of pipeline {Pipeline} was refused: {Reason}")]
    public static partial void RunRefused(ILogger logger, string runId, string pipeline, string reason);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "Activity {Activity} failed on attempt {Attempt} of {MaxAttempts}; retrying in {Delay}: {Error}")]
    public static partial void ActivityRetrying(ILogger logger, string activity, int attempt, int maxAttempts, TimeSpan delay, string error);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "Activity {Activity} failed on its last attempt ({Attempts}): {Error}")]
    public static partial void ActivityFailed(ILogger logger, string activity, int attempts, string error);

    [LoggerMessage(EventId = 6020, Level = LogLevel.Warning, Message = "Run {RunId} lost the lease on pipeline {Pipeline}; its {Activity} step stops")]
    public static partial void LeaseLost(ILogger logger, string runId, string pipeline, string activity);

    [LoggerMessage(EventId = 6022, Level = LogLevel.Warning, Message = "Renewing the lease of run {RunId} on pipeline {Pipeline} failed; trying again")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception exception, string runId, string pipeline);

    [LoggerMessage(EventId = 6021, Level = LogLevel.Warning, Message = "Could not release the lease of run {RunId} on pipeline {Pipeline}; it expires on its own")]
    public static partial void LeaseReleaseFailed(ILogger logger, Exception exception, string runId, string pipeline);

    [LoggerMessage(EventId = 6030, Level = LogLevel.Error, Message = "The events of step {Part} of run {RunId} could not be kept for its event log")]
    public static partial void EventPartWriteFailed(ILogger logger, Exception exception, string part, string runId);

    [LoggerMessage(EventId = 6031, Level = LogLevel.Warning, Message = "The event log parts of run {RunId} could not be removed; they are left under {Prefix}")]
    public static partial void EventPartsNotRemoved(ILogger logger, Exception exception, string runId, string prefix);

    [LoggerMessage(EventId = 6040, Level = LogLevel.Warning, Message = "Run {RunId} of pipeline {Pipeline} stopped ({Reason}); what it spent is recorded, and its work so far is kept")]
    public static partial void RunAbandoned(ILogger logger, string runId, string pipeline, string reason);
}
