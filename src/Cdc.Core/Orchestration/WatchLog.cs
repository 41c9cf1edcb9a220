using Cdc.Core.Model;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Orchestration;

/// <summary>Log messages of <see cref="WatchLoop"/> (event ids 6050-6099).</summary>
internal static partial class WatchLog
{
    [LoggerMessage(EventId = 6050, Level = LogLevel.Information, Message = "Watching {Pipelines} pipelines ({Scheduled} on a schedule); checking for new staged batches every {PollSeconds} s")]
    public static partial void Started(ILogger logger, int pipelines, int scheduled, double pollSeconds);

    [LoggerMessage(EventId = 6051, Level = LogLevel.Information, Message = "{Pipeline}: scheduled run starting")]
    public static partial void RunStarting(ILogger logger, string pipeline);

    [LoggerMessage(EventId = 6052, Level = LogLevel.Information, Message = "{Pipeline}: run {RunId} finished {Outcome}")]
    public static partial void RunFinished(ILogger logger, string pipeline, string runId, RunSummaryOutcome outcome);

    [LoggerMessage(EventId = 6053, Level = LogLevel.Warning, Message = "{Pipeline}: run {RunId} finished {Outcome}: {Failures}")]
    public static partial void RunFinishedWithFailures(ILogger logger, string pipeline, string runId, RunSummaryOutcome outcome, string failures);

    [LoggerMessage(EventId = 6054, Level = LogLevel.Warning, Message = "{Pipeline}: scheduled run skipped, its previous run is still going")]
    public static partial void RunSkippedStillRunning(ILogger logger, string pipeline);

    [LoggerMessage(EventId = 6055, Level = LogLevel.Warning, Message = "{Pipeline}: scheduled run not started: {Reason}")]
    public static partial void RunSkippedBusy(ILogger logger, string pipeline, string reason);

    [LoggerMessage(EventId = 6056, Level = LogLevel.Information, Message = "{Pipeline}: scheduled run waits for {Ingests} table ingests in flight")]
    public static partial void RunWaitsForIngests(ILogger logger, string pipeline, int ingests);

    [LoggerMessage(EventId = 6057, Level = LogLevel.Error, Message = "{Pipeline}: scheduled run failed: {Reason}")]
    public static partial void RunFailed(ILogger logger, Exception exception, string pipeline, string reason);

    [LoggerMessage(EventId = 6060, Level = LogLevel.Information, Message = "{Pipeline}: batch {Sequence} of {Table} staged; ingesting the table")]
    public static partial void IngestStarting(ILogger logger, string pipeline, TableId table, long sequence);

    [LoggerMessage(EventId = 6061, Level = LogLevel.Information, Message = "{Pipeline}: ingest of {Table} (run {RunId}) finished {Outcome}")]
    public static partial void IngestFinished(ILogger logger, string pipeline, TableId table, string runId, RunSummaryOutcome outcome);

    [LoggerMessage(EventId = 6062, Level = LogLevel.Warning, Message = "{Pipeline}: ingest of {Table} (run {RunId}) finished {Outcome}: {Failure}")]
    public static partial void IngestFinishedWithFailures(ILogger logger, string pipeline, TableId table, string runId, RunSummaryOutcome outcome, string failure);

    [LoggerMessage(EventId = 6063, Level = LogLevel.Warning, Message = "{Pipeline}: ingest of {Table} not started: {Reason}")]
    public static partial void IngestSkippedBusy(ILogger logger, string pipeline, TableId table, string reason);

    [LoggerMessage(EventId = 6064, Level = LogLevel.Error, Message = "{Pipeline}: ingest of {Table} failed: {Reason}")]
    public static partial void IngestFailed(ILogger logger, Exception exception, string pipeline, TableId table, string reason);

    [LoggerMessage(EventId = 6065, Level = LogLevel.Debug, Message = "{Pipeline}: batch {Sequence} of {Table} waits for the ingest of the table in flight")]
    public static partial void IngestWaits(ILogger logger, string pipeline, TableId table, long sequence);

    [LoggerMessage(EventId = 6066, Level = LogLevel.Debug, Message = "{Pipeline}: {Tables} tables have staged batches; only batches committed from now on start an ingest")]
    public static partial void BatchesTakenAsSeen(ILogger logger, string pipeline, int tables);

    [LoggerMessage(EventId = 6067, Level = LogLevel.Warning, Message = "{Pipeline}: staged batches of {Table} now end at {Sequence}, before {Known}; the staging area was reset")]
    public static partial void SequenceWentBack(ILogger logger, string pipeline, TableId table, long sequence, long known);

    [LoggerMessage(EventId = 6068, Level = LogLevel.Warning, Message = "{Pipeline}: could not check for new staged batches: {Reason}")]
    public static partial void PollFailed(ILogger logger, Exception exception, string pipeline, string reason);

    [LoggerMessage(EventId = 6070, Level = LogLevel.Information, Message = "Stopping: waiting for {Steps} steps in flight to finish")]
    public static partial void Stopping(ILogger logger, int steps);

    [LoggerMessage(EventId = 6071, Level = LogLevel.Warning, Message = "{Pipeline}: {Step} aborted")]
    public static partial void StepAborted(ILogger logger, string pipeline, string step);

    [LoggerMessage(EventId = 6072, Level = LogLevel.Information, Message = "Stopped watching")]
    public static partial void Stopped(ILogger logger);
}
