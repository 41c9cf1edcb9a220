using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Sources.SqlServer.Cdc;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Reads snapshot chunks, each in its own SNAPSHOT transaction: a consistent chunk that takes no locks, so writers
/// are never blocked. A chunk first reads how far its replica has come (change tracking's current version, or CDC's
/// position as the snapshot's start was computed) and refuses to read on one behind the start its snapshot began at
/// here (<see cref="Started"/>), trying a new connection a few times first (<see cref="ReplicaLag"/>). A transient
/// failure before the first row is retried; after it the chunk fails and the gateway reads it again from its checkpoint.
/// </summary>
internal sealed class SqlServerSnapshotReader(ISourceSessions sessions, TimeProvider time, ILogger logger)
{
    /// <summary>Snapshot and change statements may scan and sort much more than a small query; the default 30 s is
    /// too short for a chunk keyed by unindexed declared keys.</summary>
    public const int CommandTimeoutSeconds = 600;

    private readonly ConcurrentDictionary<TableId, SnapshotStart> _starts = new();

    /// <summary>Records where the snapshot of <paramref name="table"/> begun (or resumed) here started.</summary>
    public void Started(TableId table, SnapshotStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        _starts[table] = start;
    }

    /// <remarks>A table whose snapshot was not begun here has no start to check its replica against.</remarks>
    public async IAsyncEnumerable<object?[]> ReadChunkAsync(
        TableSchema table, object?[]? afterKey, int maxRows, IReadOnlySet<string>? absent, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var start = _starts.GetValueOrDefault(table.Table);
        var (sql, parameters) = SqlServerSnapshotQuery.Chunk(table, afterKey, maxRows, absent);
        var open = await ReplicaLag.RetryAsync(
            ct => sessions.Retry.ExecuteAsync(c => new ValueTask<ReplicaRead<OpenChunk>>(OpenAsync(table.Table, start, sql, parameters, c)), ct).AsTask(),
            time, (reason, delay) => SqlServerSourceLog.ReplicaBehind(logger, reason, delay), cancellationToken);

        await using (open.Session)
        {
            await using (open.Reader)
            {
                var hasRow = open.First;
                while (hasRow)
                {
                    yield return ReadRow(table, open.Reader);
                    hasRow = await open.Reader.ReadAsync(cancellationToken);
                }
            }
            await open.Session.CommitAsync(cancellationToken);
        }
    }

    /// <summary>The statement reading how far the replica has come, before a chunk of a table whose snapshot started at
    /// <paramref name="start"/>.</summary>
    internal static (string Sql, IReadOnlyList<SqlParameter> Parameters) ReachedQuery(SnapshotStart start) =>
        start.CdcInstance is { } instance
            ? (CdcStatements.PositionSql, [CdcStatements.InstanceParameter(instance)])
            : (ChangeTrackingQuery.CurrentVersion, []);

    /// <summary>The position the replica has come to, from the row <see cref="ReachedQuery"/> returned; null when it
    /// reports none.</summary>
    internal static string? Reached(SnapshotStart start, object?[]? row, string database)
    {
        if (start.CdcInstance is not null)
            return CdcReadChecks.SnapshotPosition(CdcStatements.LsnOf(row?[0]), CdcStatements.LsnOf(row?[1]))?.ToString();
        return SqlServerPositions.FromVersion(ChangeTrackingCapture.CurrentVersionOf(row?[0], database));
    }

    private async Task<ReplicaRead<OpenChunk>> OpenAsync(
        TableId table, SnapshotStart? start, string sql, IReadOnlyList<SqlParameter> parameters, CancellationToken cancellationToken)
    {
        var session = await sessions.OpenAsync(CommandTimeoutSeconds, cancellationToken);
        try
        {
            await session.BeginSnapshotAsync(cancellationToken);
            if (start is not null)
            {
                // Read before the rows, whose snapshot is no older: a replica that has come this far has every change up to here.
                var (reachedSql, reachedParameters) = ReachedQuery(start);
                var reached = Reached(start, await session.RowAsync(reachedSql, reachedParameters, cancellationToken), sessions.Database);
                if (start.Behind(table, reached) is { } behind)
                {
                    await session.DisposeAsync();
                    return ReplicaRead<OpenChunk>.Lagging(behind);
                }
            }
            var reader = await session.ReaderAsync(sql, parameters, CommandBehavior.SequentialAccess, cancellationToken);
            var first = await reader.ReadAsync(cancellationToken);
            return ReplicaRead<OpenChunk>.Read(new OpenChunk(session, reader, first));
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    internal static object?[] ReadRow(TableSchema table, DbDataReader reader)
    {
        var values = new object?[table.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            try
            {
                values[i] = SqlServerValues.Read(reader, i, table.Columns[i]);
            }
            catch (Exception ex) when (ex is InvalidCastException or OverflowException or FormatException or ArgumentOutOfRangeException)
            {
                var key = string.Join(", ", table.KeyOrdinals.Where(o => o < i).Select(o => $"{table.Columns[o].Name}={values[o] ?? "NULL"}"));
                throw new SourceException(
                    $"Column \"{table.Columns[i].Name}\" ({table.Columns[i].SourceType}) of table {table.Table} in the row with key ({key}) could not be read: {ex.Message}", ex);
            }
        }
        return values;
    }

    private sealed record OpenChunk(ISourceSession Session, DbDataReader Reader, bool First);
}
