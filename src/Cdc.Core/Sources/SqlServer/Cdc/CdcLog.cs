using Cdc.Core.Model;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>Log events of SQL Server CDC capture. Event ids are stable (1400-1499).</summary>
internal static partial class CdcLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Found {InstanceCount} CDC capture instances for {TableCount} of {RequestedCount} requested tables")]
    public static partial void Described(ILogger logger, int instanceCount, int tableCount, int requestedCount);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Change data capture is not enabled for database {Database} (sys.sp_cdc_enable_db); no table can be captured with CDC")]
    public static partial void DatabaseNotEnabled(ILogger logger, string database);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Columns {Columns} of {Table} are not captured by its capture instance {Instance} and are not carried; a capture instance that includes them carries them (manage_capture_instances creates one)")]
    public static partial void ColumnsNotCaptured(ILogger logger, TableId table, string instance, string columns);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Computed columns {Columns} of {Table} are not carried: CDC records them as NULL")]
    public static partial void ComputedColumnsSkipped(ILogger logger, TableId table, string columns);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Information, Message = "Capture instance {Instance} of {Table} reports no change data (the capture job has not started it yet, or it was dropped); nothing is read from it")]
    public static partial void InstanceNotStarted(ILogger logger, TableId table, string instance);

    [LoggerMessage(EventId = 1410, Level = LogLevel.Information, Message = "Capturing CDC changes of {TableCount} tables up to {End}")]
    public static partial void CaptureStarted(ILogger logger, int tableCount, SqlLsn end);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Debug, Message = "Read {Transactions} transactions ({Rows} rows) of {Table} from capture instance {Instance} in [{From}, {To}]")]
    public static partial void WindowRead(ILogger logger, TableId table, string instance, SqlLsn from, SqlLsn to, long transactions, long rows);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Information, Message = "Switching {Table} from capture instance {Old} to {New} at {SwitchAt}")]
    public static partial void InstanceSwitch(ILogger logger, TableId table, string old, string @new, SqlLsn switchAt);

    [LoggerMessage(EventId = 1413, Level = LogLevel.Information, Message = "CDC capture reached {End}: {Transactions} transactions, {Rows} rows")]
    public static partial void CaptureFinished(ILogger logger, SqlLsn end, long transactions, long rows);

    [LoggerMessage(EventId = 1414, Level = LogLevel.Warning, Message = "CDC has not captured anything yet in database {Database} (sys.fn_cdc_get_max_lsn() is empty); is the capture job running?")]
    public static partial void NothingCapturedYet(ILogger logger, string database);

    [LoggerMessage(EventId = 1415, Level = LogLevel.Warning, Message = "The position of {Table}, {Position}, lies beyond the end CDC has captured, {End}: the replica read is behind an earlier one, or CDC has not yet passed the start of a new capture instance. Nothing is read for it and its position stays")]
    public static partial void PositionBeyondEnd(ILogger logger, TableId table, SqlLsn position, SqlLsn end);

    [LoggerMessage(EventId = 1416, Level = LogLevel.Warning, Message = "{Reason}; trying again on a new connection in {Delay}")]
    public static partial void ReplicaBehind(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 1420, Level = LogLevel.Information, Message = "Created capture instance {Instance} of {Table} over its current columns, replacing {Old} once it is read to its end")]
    public static partial void InstanceCreated(ILogger logger, TableId table, string instance, string old);

    [LoggerMessage(EventId = 1421, Level = LogLevel.Information, Message = "Dropped capture instance {Instance} of {Table}: the table is read past {SwitchAt}, where its newer instance starts")]
    public static partial void InstanceDropped(ILogger logger, TableId table, string instance, SqlLsn switchAt);

    [LoggerMessage(EventId = 1422, Level = LogLevel.Information, Message = "No new capture instance yet: {Reason}")]
    public static partial void InstanceCreationWaits(ILogger logger, string reason);

    [LoggerMessage(EventId = 1423, Level = LogLevel.Warning, Message = "Could not {Action} capture instance {Instance} of {Table}; capture goes on with the existing instances. Managing capture instances needs db_owner on the primary")]
    public static partial void InstanceActionFailed(ILogger logger, Exception exception, string action, TableId table, string instance);
}
