using Microsoft.Extensions.Logging;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>Log events of the SQL Server target (EventIds 3100-3199).</summary>
internal static partial class SqlServerTargetLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Loading snapshot generation {Generation} of {Flow} into a new SQL Server table, from batch {FirstSequence} on")]
    public static partial void SnapshotLoadStarting(ILogger logger, IngestFlow flow, int generation, long firstSequence);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Swapped in snapshot generation {Generation} of {Flow}: {Rows} rows, applied through sequence {Sequence} in {ElapsedMs} ms")]
    public static partial void SnapshotLoaded(ILogger logger, IngestFlow flow, int generation, long rows, long sequence, long elapsedMs);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Applied batch {Sequence} to {Flow}: {Read} rows read, {Inserted} inserted, {Updated} updated, {Deleted} deleted in {ElapsedMs} ms")]
    public static partial void ChangesApplied(ILogger logger, IngestFlow flow, long sequence, long read, long inserted, long updated, long deleted, long elapsedMs);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Skipped batch {Sequence} of {Flow}: the target already applied through sequence {AppliedSequence}")]
    public static partial void AlreadyApplied(ILogger logger, IngestFlow flow, long sequence, long appliedSequence);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "Batch {Sequence} of {Flow} has no rows; only the applied state advances")]
    public static partial void EmptyBatch(ILogger logger, IngestFlow flow, long sequence);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "Schema evolution of {Flow}: added column {Column} {Type}")]
    public static partial void ColumnAdded(ILogger logger, IngestFlow flow, string column, string type);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Schema evolution of {Flow}: widened column {Column} from {From} to {To}")]
    public static partial void ColumnWidened(ILogger logger, IngestFlow flow, string column, string from, string to);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "Batch {Sequence} of {Flow}: skipped {Count} changes older than the history the target already holds")]
    public static partial void StaleChangesSkipped(ILogger logger, IngestFlow flow, long sequence, long count);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Information, Message = "Created SQL Server target table for {Flow}, which had no snapshot yet")]
    public static partial void TargetTableCreated(ILogger logger, IngestFlow flow);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Warning, Message = "Applying batch {Sequence} to {Flow} failed transiently (attempt {Attempt}); retrying from the start of its transaction")]
    public static partial void ApplyRetried(ILogger logger, IngestFlow flow, long sequence, int attempt);
}
