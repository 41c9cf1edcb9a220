using Cdc.Core.Model;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>Log events of the SQL Server source. Event ids are stable (1300-1399).</summary>
internal static partial class SqlServerSourceLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Discovered {TableCount} tables in SQL Server database {Database}: {ChangeTracking} by change tracking, {Cdc} by CDC")]
    public static partial void Discovered(ILogger logger, int tableCount, string database, int changeTracking, int cdc);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Excluded table {Schema}.{Table} does not exist (names are matched exactly); the exclusion has no effect")]
    public static partial void ExcludedTableNotFound(ILogger logger, string schema, string table);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Column set {Column} of {Table} is not captured: its sparse columns are captured one by one")]
    public static partial void ColumnSetSkipped(ILogger logger, TableId table, string column);

    [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Snapshot of {Table} ({Mode}) starts at {Position}; changes after it are applied over the snapshot")]
    public static partial void SnapshotStarted(ILogger logger, TableId table, string mode, string position);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "{Reason}; trying again on a new connection in {Delay}")]
    public static partial void ReplicaBehind(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 1320, Level = LogLevel.Information, Message = "Capturing change tracking changes of {TableCount} tables up to version {To}")]
    public static partial void ChangeTrackingCaptureStarted(ILogger logger, int tableCount, long to);

    [LoggerMessage(EventId = 1321, Level = LogLevel.Debug, Message = "Read {Rows} changes in {Transactions} versions of {Table} after version {After}")]
    public static partial void ChangeTrackingTableRead(ILogger logger, TableId table, long rows, long transactions, long after);

    [LoggerMessage(EventId = 1322, Level = LogLevel.Warning, Message = "{Count} inserts or updates of {Table} had no current row and were staged as deletes")]
    public static partial void VanishedRowsStagedAsDeletes(ILogger logger, TableId table, long count);

    [LoggerMessage(EventId = 1324, Level = LogLevel.Warning, Message = "The position of {Table}, change tracking version {After}, lies beyond the current version {To} of the replica read: it is behind the one an earlier read used. Nothing is read for the table and its position stays")]
    public static partial void PositionBeyondCurrentVersion(ILogger logger, TableId table, long after, long to);

    [LoggerMessage(EventId = 1330, Level = LogLevel.Debug, Message = "Row count of {Table} is not available from sys.partitions")]
    public static partial void RowEstimateUnavailable(ILogger logger, Exception exception, TableId table);
}
