using Cdc.Core.Model;
using Microsoft.Extensions.Logging;
using NpgsqlTypes;

namespace Cdc.Core.Sources.Postgres;

/// <summary>Log events of the PostgreSQL source. Event ids are stable (2000-2099).</summary>
internal static partial class PostgresSourceLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Discovered {TableCount} tables in the PostgreSQL source")]
    public static partial void Discovered(ILogger logger, int tableCount);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Excluded table {Schema}.{Table} does not exist; the exclusion has no effect")]
    public static partial void ExcludedTableNotFound(ILogger logger, string schema, string table);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Generated column {Column} of {Table} is not captured: logical replication does not send generated columns")]
    public static partial void GeneratedColumnSkipped(ILogger logger, TableId table, string column);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Created publication {Publication} for {TableCount} tables")]
    public static partial void PublicationCreated(ILogger logger, string publication, int tableCount);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Publication {Publication} now holds exactly the {TableCount} selected tables")]
    public static partial void PublicationUpdated(ILogger logger, string publication, int tableCount);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Publication {Publication} publishes all tables; it is used as it is and changes of unselected tables are ignored")]
    public static partial void PublicationForAllTables(ILogger logger, string publication);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Information, Message = "Created replication slot {Slot} at consistent point {Position} with exported snapshot {Snapshot}")]
    public static partial void SlotCreated(ILogger logger, string slot, NpgsqlLogSequenceNumber position, string snapshot);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "Released the exported snapshot of replication slot {Slot}")]
    public static partial void SnapshotReleased(ILogger logger, string slot);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Snapshot of {Table} reads the exported snapshot of slot creation; changes apply from {Position}")]
    public static partial void SnapshotFromExport(ILogger logger, TableId table, string position);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Information, Message = "Snapshot of {Table} reads current data; changes apply from the slot's confirmed position {Position}")]
    public static partial void SnapshotFromConfirmed(ILogger logger, TableId table, string position);

    [LoggerMessage(EventId = 2030, Level = LogLevel.Information, Message = "Capturing changes of {TableCount} tables from {From} up to {End}")]
    public static partial void CaptureStarted(ILogger logger, int tableCount, string from, NpgsqlLogSequenceNumber end);

    [LoggerMessage(EventId = 2031, Level = LogLevel.Information, Message = "Capture stopped at {Position} ({Reason}): {Transactions} transactions, {Rows} rows")]
    public static partial void CaptureFinished(ILogger logger, string? position, string reason, long transactions, long rows);

    [LoggerMessage(EventId = 2032, Level = LogLevel.Warning, Message = "Capture stopped before the end {End}: the server sent nothing for {Seconds:0} s (last received {Received}); the next run continues from the position reached")]
    public static partial void CaptureStalled(ILogger logger, NpgsqlLogSequenceNumber end, double seconds, NpgsqlLogSequenceNumber received);

    [LoggerMessage(EventId = 2033, Level = LogLevel.Information, Message = "Schema of {Table} changed in the change stream: {ColumnCount} columns, fingerprint {Fingerprint}")]
    public static partial void SchemaChanged(ILogger logger, TableId table, int columnCount, string fingerprint);

    [LoggerMessage(EventId = 2034, Level = LogLevel.Warning, Message = "Key of a row of {Table} changed while a TOASTed value stayed unchanged, and the row is gone from the source; the unchanged value stays unresolved")]
    public static partial void UnchangedValueUnresolved(ILogger logger, TableId table);

    [LoggerMessage(EventId = 2035, Level = LogLevel.Debug, Message = "Replication slot {Slot} is still in use by process {Pid}; waiting")]
    public static partial void SlotBusy(ILogger logger, string slot, int pid);

    [LoggerMessage(EventId = 2040, Level = LogLevel.Information, Message = "Advanced replication slot {Slot} from {From} to {To}")]
    public static partial void SlotAdvanced(ILogger logger, string slot, NpgsqlLogSequenceNumber? from, NpgsqlLogSequenceNumber to);

    [LoggerMessage(EventId = 2041, Level = LogLevel.Debug, Message = "Replication slot {Slot} is already at {Confirmed}, at or past {Position}; nothing to acknowledge")]
    public static partial void AcknowledgeSkipped(ILogger logger, string slot, NpgsqlLogSequenceNumber confirmed, NpgsqlLogSequenceNumber position);
}
