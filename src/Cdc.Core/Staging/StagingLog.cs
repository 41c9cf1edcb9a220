using Cdc.Core.Model;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Staging;

/// <summary>Log messages of the staging area (event ids 1100-1199).</summary>
internal static partial class StagingLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Staged part {Path}: {Rows} rows, {Bytes} bytes ({UncompressedBytes} before compression)")]
    public static partial void PartWritten(ILogger logger, string path, long rows, long bytes, long uncompressedBytes);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Committed batch {Sequence} of {Table} ({Kind}): {Rows} rows in {Files} files, {Bytes} bytes")]
    public static partial void BatchCommitted(ILogger logger, long sequence, TableId table, BatchKind kind, long rows, int files, long bytes);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Batch {Sequence} of {Table} is already committed; this writer's batch was not committed")]
    public static partial void BatchAlreadyCommitted(ILogger logger, long sequence, TableId table);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Batch {Sequence} of {Table} was abandoned after {Rows} rows; its part files stay unreferenced until a retry overwrites them")]
    public static partial void BatchAbandoned(ILogger logger, long sequence, TableId table, long rows);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Error, Message = "Staged file {Path} of batch {Sequence} of {Table} is corrupt ({Reason}); quarantined at {QuarantinedAt}")]
    public static partial void FileQuarantined(ILogger logger, string path, long sequence, TableId table, string reason, string quarantinedAt);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Error, Message = "Could not set corrupt staged file {Path} aside at {QuarantinedAt}")]
    public static partial void QuarantineFailed(ILogger logger, Exception exception, string path, string quarantinedAt);
}
