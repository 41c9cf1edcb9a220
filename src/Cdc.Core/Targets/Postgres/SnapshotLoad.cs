using System.Diagnostics;
using Cdc.Core.Model;
using Cdc.Core.Staging;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// Loads every chunk of one snapshot generation into a shadow table and swaps it in, all in one transaction: the
/// shadow table is invisible to other sessions until commit, the old table is dropped and the shadow renamed into
/// its place just before commit, so readers see the old table or the complete new one. The primary key is built
/// after the rows are in (one sorted index build instead of row-by-row index inserts).
/// </summary>
/// <remarks>A full refresh replaces the table: grants, views, triggers and (for SCD 2) history of the old table do not
/// carry over, and a view depending on it makes the drop fail (the load then rolls back) rather than be dropped.</remarks>
internal sealed class SnapshotLoad(NpgsqlDataSource dataSource, ILogger logger)
{
    public async Task<ApplyResult> RunAsync(IngestFlow flow, IAsyncEnumerable<CommitRecord> chunks, Func<CommitRecord, IAsyncEnumerable<ChangeRow>> readRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        await using var incoming = chunks.GetAsyncEnumerator(cancellationToken);
        if (!await incoming.MoveNextAsync())
            throw new ArgumentException($"{flow}: a snapshot load needs at least its final chunk.", nameof(chunks));
        var first = incoming.Current;
        if (first.Kind != BatchKind.SnapshotChunk || first.Table != flow.Source)
            throw new ArgumentException($"{flow}: batch {first.Sequence} ({first.Kind} of {first.Table}) is not a snapshot chunk of {flow.Source}.", nameof(chunks));
        // Every chunk of a generation is read with one schema: the gateway starts a new generation when it changes.
        var layout = TargetTableLayout.For(flow, first.Schema);
        var clock = Stopwatch.StartNew();
        PostgresTargetLog.SnapshotLoadStarting(logger, flow, first.SnapshotGeneration, first.Sequence);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await AppliedStateStore.LockTargetAsync(connection, flow, cancellationToken);
        var applied = await AppliedStateStore.ReadAsync(connection, flow, cancellationToken);
        if (applied is not null && applied.Sequence >= first.Sequence)
        {
            PostgresTargetLog.AlreadyApplied(logger, flow, first.Sequence, applied.Sequence);
            return ApplyResult.Empty;
        }

        var schema = flow.TargetSchema;
        var shadow = PgNames.Shadow(flow.TargetTable);
        var shadowKey = PgNames.PrimaryKey(shadow);
        await PgCommands.ExecuteAsync(connection, PgTargetSql.DropTableIfExists(schema, shadow), cancellationToken);
        await PgCommands.ExecuteAsync(connection, PgTargetSql.CreateTable(schema, shadow, layout.AllColumns), cancellationToken);

        long rows = 0;
        var chunk = first;
        while (true)
        {
            rows += await CopyChunkAsync(connection, layout, shadow, readRows(chunk), cancellationToken);
            if (chunk.SnapshotFinal) break;
            if (!await incoming.MoveNextAsync())
                throw new ArgumentException($"{flow}: the chunks given end at sequence {chunk.Sequence}, before the final chunk of generation {first.SnapshotGeneration}; a snapshot is loaded only when complete.", nameof(chunks));
            Validate(flow, first, chunk, incoming.Current);
            chunk = incoming.Current;
        }
        var final = chunk;

        if (layout.PrimaryKey.Count > 0)
            await AddPrimaryKeyAsync(connection, transaction, layout, shadow, shadowKey, cancellationToken);
        await PgCommands.ExecuteAsync(connection, PgTargetSql.DropTableIfExists(schema, flow.TargetTable), cancellationToken);
        await PgCommands.ExecuteAsync(connection, PgTargetSql.RenameTable(schema, shadow, flow.TargetTable), cancellationToken);
        if (layout.PrimaryKey.Count > 0)
            await PgCommands.ExecuteAsync(connection, PgTargetSql.RenameConstraint(schema, flow.TargetTable, shadowKey, PgNames.PrimaryKey(flow.TargetTable)), cancellationToken);

        await AppliedStateStore.WriteAsync(connection, flow, final.Sequence, final.SnapshotGeneration, final.Schema.Fingerprint,
            AppliedStateStore.SchemaJson(layout, layout.AllColumns), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        PostgresTargetLog.SnapshotLoaded(logger, flow, final.SnapshotGeneration, rows, final.Sequence, clock.ElapsedMilliseconds);
        return new ApplyResult(rows, rows, 0, 0);
    }

    private static async Task<long> CopyChunkAsync(NpgsqlConnection connection, TargetTableLayout chunk, string table, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken)
    {
        var schema = chunk.Schema;
        var columnCount = schema.Columns.Count;
        var types = schema.Columns.Select(c => c.Type).ToArray();
        var columnTypes = chunk.DataColumns.Select(c => c.Type).ToArray();
        var stampVersions = chunk.IsScd2;
        var copyColumns = schema.Columns.Select(c => c.Name);
        if (stampVersions) copyColumns = copyColumns.Append(PgNames.StartAt);

        long count = 0;
        var fields = columnCount + (stampVersions ? 1 : 0);
        await using var copy = await PgCopyRowWriter.BeginAsync(connection,
            PgTargetSql.CopyBinary(chunk.Flow.TargetSchema, table, copyColumns, freeze: true), cancellationToken);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            count++;
            if (row.Kind != ChangeKind.Insert || row.Values is null || row.Values.Length != columnCount)
                throw new InvalidDataException($"{chunk.Flow}: row {count} of a snapshot chunk is a {row.Kind} with {row.Values?.Length ?? 0} values; snapshot rows are inserts of all {columnCount} columns.");
            await copy.StartRowAsync(fields, cancellationToken);
            var cells = row.Values;
            for (var i = 0; i < columnCount; i++)
            {
                var value = cells[i];
                if (value is null)
                {
                    copy.WriteNull();
                    continue;
                }
                try
                {
                    if (ReferenceEquals(value, Unchanged.Value)) throw new ArgumentException("a snapshot row must carry every value, but this one is marked as not sent by the source");
                    copy.Write(types[i], columnTypes[i], value);
                }
                catch (Exception e) when (e is InvalidCastException or ArgumentException)
                {
                    throw StageTable.ValueError(chunk, i, cells, value, e);
                }
            }
            if (stampVersions) copy.WriteTimestampTz(row.CommitTime);
        }
        await copy.CompleteAsync(cancellationToken);
        return count;
    }

    /// <summary>Builds the primary key; when the snapshot holds a key twice, names one such key (the server's own
    /// detail is hidden unless the connection string asks for it) and fails.</summary>
    private static async Task AddPrimaryKeyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TargetTableLayout layout, string shadow, string constraint, CancellationToken cancellationToken)
    {
        var (schema, keys) = (layout.Flow.TargetSchema, layout.PrimaryKey);
        await transaction.SaveAsync("primary_key", cancellationToken);
        try
        {
            await PgCommands.ExecuteAsync(connection, PgTargetSql.AddPrimaryKey(schema, shadow, constraint, keys), cancellationToken);
            return;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.NotNullViolation)
        {
            await transaction.RollbackAsync("primary_key", cancellationToken);
            var duplicate = await PgCommands.ReadTextAsync(connection, PgTargetSql.FirstDuplicateKey(schema, shadow, keys), cancellationToken);
            var problem = e.SqlState == PostgresErrorCodes.NotNullViolation ? "a key column holds NULL" : $"key ({string.Join(", ", keys)}) = ({duplicate}) occurs more than once";
            throw new InvalidDataException($"{layout.Flow}: the snapshot of {layout.Schema.Table} cannot get its primary key ({string.Join(", ", keys)}): {problem}.", e);
        }
    }

    private static void Validate(IngestFlow flow, CommitRecord first, CommitRecord previous, CommitRecord chunk)
    {
        if (chunk.Kind != BatchKind.SnapshotChunk || chunk.Table != flow.Source || chunk.SnapshotGeneration != first.SnapshotGeneration)
            throw new ArgumentException($"{flow}: batch {chunk.Sequence} ({chunk.Kind} of {chunk.Table}, generation {chunk.SnapshotGeneration}) is not a snapshot chunk of generation {first.SnapshotGeneration} of {flow.Source}.", nameof(chunk));
        if (chunk.Sequence <= previous.Sequence)
            throw new ArgumentException($"{flow}: snapshot chunks must be in sequence order; {chunk.Sequence} follows {previous.Sequence}.", nameof(chunk));
        if (chunk.Schema.Fingerprint != first.Schema.Fingerprint)
            throw new SchemaEvolutionException(flow, $"snapshot chunk {chunk.Sequence} of generation {chunk.SnapshotGeneration} has another schema than chunk {first.Sequence}");
    }
}
