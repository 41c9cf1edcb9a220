using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Runs;

/// <summary>Log events of runs. Event ids are stable: dashboards and tests key on them.</summary>
internal static partial class RunLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Run {RunId} of pipeline {Pipeline} started ({Trigger}), {TableCount} tables")]
    public static partial void RunStarted(ILogger logger, string runId, string pipeline, RunTrigger trigger, int tableCount);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Run {RunId} finished: {Outcome} in {Seconds:0.0} s")]
    public static partial void RunFinished(ILogger logger, string runId, RunOutcome outcome, double seconds);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Snapshot of {Table} generation {Generation} started at position {Position}")]
    public static partial void SnapshotStarted(ILogger logger, TableId table, int generation, string position);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Snapshot of {Table} generation {Generation} resumes after batch {Sequence}")]
    public static partial void SnapshotResumed(ILogger logger, TableId table, int generation, long sequence);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Snapshot of {Table} generation {Generation} complete: {Rows} rows in {Chunks} chunks this run")]
    public static partial void SnapshotCompleted(ILogger logger, TableId table, int generation, long rows, int chunks);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Snapshot of {Table} restarts as generation {Generation}: the table's schema changed while its previous snapshot was incomplete")]
    public static partial void SnapshotRestartedForSchema(ILogger logger, TableId table, int generation);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Information, Message = "Full refresh of {Table} requested")]
    public static partial void FullRefreshRequested(ILogger logger, TableId table);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Warning, Message = "Retention gap on {Table}: {Reason}; on_retention_gap is {Policy}")]
    public static partial void RetentionGapFound(ILogger logger, TableId table, string reason, RetentionGapPolicy policy);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Warning, Message = "{Table} was out of the pipeline while the source released changes, so it is snapshotted again")]
    public static partial void TableReturned(ILogger logger, TableId table);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Staged change batch {Sequence} of {Table}: {Rows} rows up to {Position}")]
    public static partial void ChangesStaged(ILogger logger, TableId table, long sequence, long rows, string? position);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Information, Message = "Source acknowledged up to {Position}")]
    public static partial void Acknowledged(ILogger logger, string position);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Information, Message = "Source position held at {Position}: {Table} has an incomplete snapshot that must replay changes from there")]
    public static partial void AcknowledgeHeld(ILogger logger, string position, TableId table);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Applied batch {Sequence} ({Kind}) to {Flow}: +{Inserted} ~{Updated} -{Deleted}")]
    public static partial void BatchApplied(ILogger logger, Targets.IngestFlow flow, long sequence, Staging.BatchKind kind, long inserted, long updated, long deleted);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Information, Message = "{Flow} waits for snapshot generation {Generation}: its final chunk is not staged yet")]
    public static partial void SnapshotPending(ILogger logger, Targets.IngestFlow flow, int generation);

    [LoggerMessage(EventId = 4032, Level = LogLevel.Information, Message = "{Flow} skips batches {From}..{To} of abandoned snapshot generation {Generation}")]
    public static partial void AbandonedSnapshotSkipped(ILogger logger, Targets.IngestFlow flow, long from, long to, int generation);

    [LoggerMessage(EventId = 4033, Level = LogLevel.Information, Message = "{Flow} skips batches {From}..{To}: snapshot generation {Generation} replaces them")]
    public static partial void SupersededSkipped(ILogger logger, Targets.IngestFlow flow, long from, long to, int generation);

    [LoggerMessage(EventId = 4034, Level = LogLevel.Warning, Message = "{Flow}: the staging area ends at batch {StagedSequence} but the target has applied batch {AppliedSequence}; the staging area was reset, and nothing is applied until the target's record is cleared")]
    public static partial void StagingReset(ILogger logger, Targets.IngestFlow flow, long stagedSequence, long appliedSequence);

    [LoggerMessage(EventId = 4041, Level = LogLevel.Error, Message = "The gateway of run {RunId} failed for every table: {Error}")]
    public static partial void GatewayFailed(ILogger logger, Exception exception, string runId, string error);

    [LoggerMessage(EventId = 4040, Level = LogLevel.Error, Message = "{Step} of {Table} failed: {Error}")]
    public static partial void TableFailed(ILogger logger, Exception? exception, string step, TableId table, string error);
}
