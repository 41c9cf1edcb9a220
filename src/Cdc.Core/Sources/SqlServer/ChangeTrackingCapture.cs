using System.Data;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Reads change tracking changes of several tables in one SNAPSHOT transaction, the documented way to get a consistent
/// result: the upper bound (CHANGE_TRACKING_CURRENT_VERSION), each table's minimum valid version, its changes and the
/// joined current rows all come from the same snapshot, so cleanup running meanwhile changes nothing this read sees.
/// Tables are handed to the sink one after another, each in version order.
/// </summary>
internal sealed class ChangeTrackingCapture(ISourceSessions sessions, ILogger logger)
{
    /// <summary>The current version, read before a snapshot's first chunk: every change at or before it is committed and
    /// visible to the chunks, which are read later (on a replica at least this far, <see cref="SqlServerSnapshotReader"/>).</summary>
    public Task<long> CurrentVersionAsync(CancellationToken cancellationToken) =>
        sessions.Retry.ExecuteAsync(async ct =>
        {
            await using var session = await sessions.OpenAsync(SqlServerSnapshotReader.CommandTimeoutSeconds, ct);
            return CurrentVersionOf((await session.RowAsync(ChangeTrackingQuery.CurrentVersion, [], ct))?[0], sessions.Database);
        }, cancellationToken).AsTask();

    /// <summary>Each table's minimum valid version (NULL when it is not tracked).</summary>
    public Task<IReadOnlyDictionary<TableId, long?>> MinValidVersionsAsync(IReadOnlyCollection<TableId> tables, CancellationToken cancellationToken) =>
        sessions.Retry.ExecuteAsync(async ct =>
        {
            var result = new Dictionary<TableId, long?>();
            await using var session = await sessions.OpenAsync(SqlServerSnapshotReader.CommandTimeoutSeconds, ct);
            foreach (var table in tables) result[table] = await MinValidVersionAsync(session, table, ct);
            return (IReadOnlyDictionary<TableId, long?>)result;
        }, cancellationToken).AsTask();

    /// <returns>The highest version handed to the sink; null when there was no change. Each table's position is
    /// advanced to the upper bound read (<see cref="IChangeSink.AdvanceAsync"/>), except a table whose position lies
    /// beyond it: the replica read is behind the one an earlier read used, so the table is left for a later run (moving
    /// its position back would make the next read hand over changes it already covers).</returns>
    public async Task<long?> CaptureAsync(IReadOnlyList<(TableSchema Schema, long After)> tables, IChangeSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(sink);
        if (tables.Count == 0) return null;
        // Capture is not retried as a whole (a transaction must reach the sink once), so opening is retried on its own.
        await using var session = await sessions.Retry.ExecuteAsync(
            async ct => await sessions.OpenAsync(SqlServerSnapshotReader.CommandTimeoutSeconds, ct), cancellationToken);
        await session.BeginSnapshotAsync(cancellationToken);
        var to = CurrentVersionOf((await session.RowAsync(ChangeTrackingQuery.CurrentVersion, [], cancellationToken))?[0], sessions.Database);
        // The server's clock, which stamped the snapshot rows too: every change read now is later than any chunk.
        var readTime = (await session.RowAsync(SqlServerCatalog.CurrentTimeSql, [], cancellationToken))?[0] as DateTimeOffset?
            ?? throw new SourceException($"The SQL Server source did not return its clock ({SqlServerCatalog.CurrentTimeSql}).");
        SqlServerSourceLog.ChangeTrackingCaptureStarted(logger, tables.Count, to);

        long? highest = null;
        foreach (var (schema, after) in tables)
        {
            if (after > to)
            {
                SqlServerSourceLog.PositionBeyondCurrentVersion(logger, schema.Table, after, to);
                continue;
            }
            var minimum = await MinValidVersionAsync(session, schema.Table, cancellationToken);
            ChangeTrackingRetention.EnsureReadable(schema.Table, after, minimum, sessions.Database);
            ChangeTrackingReadResult read;
            await using (var reader = await session.ReaderAsync(ChangeTrackingQuery.Changes(schema), ChangesParameters(after, to), CommandBehavior.SequentialAccess, cancellationToken))
                read = await ChangeTrackingReader.ReadAsync(reader, schema, readTime, sink, cancellationToken);
            SqlServerSourceLog.ChangeTrackingTableRead(logger, schema.Table, read.Rows, read.Transactions, after);
            if (read.Vanished > 0) SqlServerSourceLog.VanishedRowsStagedAsDeletes(logger, schema.Table, read.Vanished);
            if (read.LastVersion is { } last && (highest is null || last > highest)) highest = last;
            // Every change of the table up to the bound is read, so its position moves there even without changes:
            // an idle table must not fall behind the change retention.
            await sink.AdvanceAsync(schema.Table, SqlServerPositions.FromVersion(to), cancellationToken);
        }
        await session.CommitAsync(cancellationToken);
        return highest;
    }

    internal static IReadOnlyList<SqlParameter> ChangesParameters(long after, long to) =>
    [
        new SqlParameter("@after", SqlDbType.BigInt) { Value = after },
        new SqlParameter("@to", SqlDbType.BigInt) { Value = to },
    ];

    internal static IReadOnlyList<SqlParameter> MinValidVersionParameters(TableId table) =>
        [new SqlParameter("@table", SqlDbType.NVarChar, 4000) { Value = SqlName.Qualified(table) }];

    private static async Task<long?> MinValidVersionAsync(ISourceSession session, TableId table, CancellationToken cancellationToken) =>
        (await session.RowAsync(ChangeTrackingQuery.MinValidVersion, MinValidVersionParameters(table), cancellationToken))?[0] is long version ? version : null;

    internal static long CurrentVersionOf(object? scalar, string database) => scalar is long version
        ? version
        : throw new SourceException(
            $"Change tracking is not enabled for database {database} (CHANGE_TRACKING_CURRENT_VERSION() is NULL). Enable it with: {SqlServerEnableStatements.ChangeTrackingDatabase(database)}");
}
