using Cdc.Core.Runs;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions;

/// <summary>The Functions app's log messages, event ids 7000-7099.</summary>
internal static partial class FunctionsLog
{
    // 7000-7009: starting orchestrations
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Started {Orchestrator} for pipeline {Pipeline}: run {RunId}, instance {InstanceId}, trigger {Trigger}")]
    public static partial void RunStarted(ILogger logger, string orchestrator, string pipeline, string runId, string instanceId, RunTrigger trigger);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Did not start {Orchestrator} for pipeline {Pipeline} ({Trigger}): instance {InstanceId} is {Status} with run {HolderRunId}, started {HolderSince:o}")]
    public static partial void RunSkippedBusy(ILogger logger, string orchestrator, string pipeline, RunTrigger trigger, string instanceId, string status, string holderRunId, DateTimeOffset holderSince);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Starting instance {InstanceId} failed while it was not running; nothing was started")]
    public static partial void StartFailed(ILogger logger, Exception exception, string instanceId);

    // 7010-7019: schedule tick
    [LoggerMessage(EventId = 7010, Level = LogLevel.Debug, Message = "Schedule tick covers ({From:o}, {To:o}]: due {Due}")]
    public static partial void TickWindow(ILogger logger, DateTimeOffset from, DateTimeOffset to, string due);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Error, Message = "Scheduled start of pipeline {Pipeline} failed; the next tick tries again when it is due")]
    public static partial void ScheduledStartFailed(ILogger logger, Exception exception, string pipeline);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Error, Message = "Schedule tick could not read the pipelines; no pipeline was started")]
    public static partial void TickCatalogFailed(ILogger logger, Exception exception);

    // 7020-7029: blob arrival
    [LoggerMessage(EventId = 7020, Level = LogLevel.Debug, Message = "Blob event {EventType} for {Subject} is not a commit record of a pipeline in container {Container}; ignored")]
    public static partial void BlobIgnored(ILogger logger, string eventType, string subject, string container);

    [LoggerMessage(EventId = 7021, Level = LogLevel.Information, Message = "Commit record {Sequence} of table {Table} in pipeline {Pipeline} arrived")]
    public static partial void BlobArrived(ILogger logger, string pipeline, string table, long sequence);

    // 7030-7039: usage events
    [LoggerMessage(EventId = 7030, Level = LogLevel.Warning, Message = "Usage events of run {RunId} were not sent to Event Hubs; the usage ledger still holds them")]
    public static partial void UsagePublishFailed(ILogger logger, Exception exception, string runId);

    // 7040-7049: HTTP management API
    [LoggerMessage(EventId = 7040, Level = LogLevel.Information, Message = "HTTP {Method} {Path} refused with {Status}: {Reason}")]
    public static partial void HttpRefused(ILogger logger, string method, string path, int status, string reason);

    // 7050-7059: hosting
    [LoggerMessage(EventId = 7050, Level = LogLevel.Information, Message = "Exporting the {Meter} meter over OTLP to {Endpoint}")]
    public static partial void MetricsExport(ILogger logger, string meter, string endpoint);
}
