using System.Data.Common;
using Cdc.Core.Model;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Turns the rows of <see cref="ChangeTrackingQuery.Changes"/> into transactions for the sink: rows of one
/// SYS_CHANGE_VERSION form one transaction at position <c>ct:&lt;version&gt;</c>. I is an insert and U an update,
/// both with the current row; D is a delete carrying the key and <see cref="Unchanged.Value"/> for the rest.
/// </summary>
internal static class ChangeTrackingReader
{
    public static async Task<ChangeTrackingReadResult> ReadAsync(
        DbDataReader reader, TableSchema table, DateTimeOffset readTime, IChangeSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(sink);
        var keyCount = table.KeyOrdinals.Count;
        var firstColumn = 2 + keyCount;
        long? open = null;
        long transactions = 0, rows = 0, vanished = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            // Sequential access: every value is read once, in select-list order.
            var version = reader.GetInt64(0);
            var operation = reader.GetString(1);
            var key = new object?[keyCount];
            for (var i = 0; i < keyCount; i++) key[i] = SqlServerValues.Read(reader, 2 + i, table.Columns[table.KeyOrdinals[i]]);
            var values = new object?[table.Columns.Count];
            for (var i = 0; i < values.Length; i++) values[i] = SqlServerValues.Read(reader, firstColumn + i, table.Columns[i]);
            // Change tracking keeps commit times only to the minute (sys.dm_tran_commit_table.commit_time is a
            // smalldatetime), which could date a change before the snapshot row it replaces and make SCD 2 drop it as
            // stale. The read time (the server's clock) is later than every snapshot chunk and every earlier capture.
            var commitTime = readTime;

            if (open != version)
            {
                if (open is { } previous) await sink.CommitAsync(SqlServerPositions.FromVersion(previous), cancellationToken);
                await sink.BeginTransactionAsync(SqlServerPositions.FromVersion(version), cancellationToken);
                open = version;
                transactions++;
            }

            // The primary key is never NULL, so a NULL key in the joined row means the row is gone.
            var rowFound = table.KeyOrdinals.Any(o => values[o] is not null);
            var kind = operation switch
            {
                "I" => ChangeKind.Insert,
                "U" => ChangeKind.Update,
                "D" => ChangeKind.Delete,
                _ => throw new SourceException($"Change tracking returned operation '{operation}' for {table.Table} at version {version}; expected I, U or D."),
            };
            if (kind != ChangeKind.Delete && !rowFound)
            {
                // Cannot happen under snapshot isolation (the row and its change are read from the same snapshot);
                // a row that is gone is deleted either way.
                kind = ChangeKind.Delete;
                vanished++;
            }
            if (kind == ChangeKind.Delete)
            {
                for (var i = 0; i < values.Length; i++) values[i] = Unchanged.Value;
                for (var i = 0; i < keyCount; i++) values[table.KeyOrdinals[i]] = key[i];
            }
            await sink.ChangeAsync(table, new ChangeRow(kind, values, commitTime), cancellationToken);
            rows++;
        }
        if (open is { } last) await sink.CommitAsync(SqlServerPositions.FromVersion(last), cancellationToken);
        return new ChangeTrackingReadResult(open, transactions, rows, vanished);
    }
}

/// <param name="LastVersion">The version of the last transaction handed over; null when there were none.</param>
/// <param name="Vanished">Inserts and updates whose row was gone, staged as deletes.</param>
internal readonly record struct ChangeTrackingReadResult(long? LastVersion, long Transactions, long Rows, long Vanished);
