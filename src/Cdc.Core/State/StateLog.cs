using Microsoft.Extensions.Logging;

namespace Cdc.Core.State;

/// <summary>Log messages of the pipeline lease (event ids 1200-1299).</summary>
internal static partial class StateLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Run {RunId} took the lease on pipeline {Pipeline} until {ExpiresAt:u}")]
    public static partial void LeaseAcquired(ILogger logger, string runId, string pipeline, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Run {RunId} took over the lease on pipeline {Pipeline}: run {PreviousRunId} on {PreviousHolder} let it expire at {ExpiredAt:u}")]
    public static partial void LeaseTakenOver(ILogger logger, string runId, string pipeline, string previousRunId, string previousHolder, DateTimeOffset expiredAt);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "Run {RunId} renewed the lease on pipeline {Pipeline} until {ExpiresAt:u}")]
    public static partial void LeaseRenewed(ILogger logger, string runId, string pipeline, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Run {RunId} released the lease on pipeline {Pipeline}")]
    public static partial void LeaseReleased(ILogger logger, string runId, string pipeline);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Run {RunId} did not release the lease on pipeline {Pipeline}: another run holds it now")]
    public static partial void LeaseReleaseLost(ILogger logger, string runId, string pipeline);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Could not release the lease of run {RunId} on pipeline {Pipeline}; it expires on its own")]
    public static partial void LeaseReleaseFailed(ILogger logger, Exception exception, string runId, string pipeline);
}
