using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Cdc.Core.Staging;
using Cdc.Core.Targets.Postgres;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// Loads every chunk of one snapshot generation into a new table (<c>&lt;table&gt;__ingest_load</c>) and swaps it
/// in, all in one transaction: the new table is filled by SqlBulkCopy as chunks arrive, gets its clustered primary
/// key once the rows are in (one sorted build instead of row-by-row index inserts), and just before commit the old
/// table is dropped and the new one renamed into its place. Readers see the old table until commit and the complete
/// new one after it. If the chunks end or fail before the final one, the transaction rolls back and nothing changed.
/// </summary>
/// <remarks>A full refresh replaces the table: grants on it, triggers, indexes other than the key and (for SCD 2)
/// history of the old table do not carry over, and a schema-bound view or a foreign key referencing it makes the drop
/// fail (the load then rolls back) rather than be dropped.</remarks>
internal sealed partial class SqlSnapshotLoad(SqlConnectionFactory connections, ILogger logger)
{
    /// <summary>SQL Server's "CREATE UNIQUE INDEX statement terminated because a duplicate key was found".</summary>
    private const int DuplicateKeyOnIndexBuild = 1505;

    public const string StartAtColumn = "start_at";

    public async Task<ApplyResult> RunAsync(IngestFlow flow, IAsyncEnumerable<CommitRecord> chunks, Func<CommitRecord, IAsyncEnumerable<ChangeRow>> readRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentNullException.ThrowIfNull(readRows);
        await using var incoming = chunks.GetAsyncEnumerator(cancellationToken);
        if (!await incoming.MoveNextAsync())
            throw new ArgumentException($"{flow}: a snapshot load needs at least its final chunk.", nameof(chunks));
        var first = incoming.Current;
        if (first.Kind != BatchKind.SnapshotChunk || first.Table != flow.Source)
            throw new ArgumentException($"{flow}: batch {first.Sequence} ({first.Kind} of {first.Table}) is not a snapshot chunk of {flow.Source}.", nameof(chunks));
        // Every chunk of a generation is read with one schema: the gateway starts a new generation when it changes.
        var layout = SqlTargetLayout.For(flow, first.Schema);
        var staged = new SqlStagedColumns(layout);
        var clock = Stopwatch.StartNew();
        SqlServerTargetLog.SnapshotLoadStarting(logger, flow, first.SnapshotGeneration, first.Sequence);

        // A load is not retried as a whole (its chunks stream once), so opening is retried on its own.
        await using var connection = await connections.OpenWithRetryAsync(cancellationToken);
        await SqlCommands.ExecuteAsync(connection, null, "SET XACT_ABORT ON", cancellationToken);
        await using var transaction = (SqlTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await SqlAppliedState.LockTargetAsync(connection, transaction, flow, cancellationToken);
        var applied = await SqlAppliedState.ReadAsync(connection, transaction, flow, cancellationToken);
        if (applied is not null && applied.Sequence >= first.Sequence)
        {
            SqlServerTargetLog.AlreadyApplied(logger, flow, first.Sequence, applied.Sequence);
            return ApplyResult.Empty;
        }

        var schema = flow.TargetSchema;
        var load = SqlTargetNames.LoadTable(flow.TargetTable);
        await SqlCommands.ExecuteAsync(connection, transaction, SqlTargetSql.DropTableIfExists(schema, load), cancellationToken);
        await SqlCommands.ExecuteAsync(connection, transaction, SqlTargetSql.CreateTable(layout, load, primaryKey: false), cancellationToken);
        var viaStage = staged.ConvertedOrdinals.Count > 0;
        if (viaStage) await SqlCommands.ExecuteAsync(connection, transaction, CreateStageSql(staged), cancellationToken);

        long rows = 0;
        var chunk = first;
        while (true)
        {
            rows += await CopyChunkAsync(connection, transaction, staged, load, readRows(chunk), cancellationToken);
            if (chunk.SnapshotFinal) break;
            if (!await incoming.MoveNextAsync())
                throw new ArgumentException($"{flow}: the chunks given end at sequence {chunk.Sequence}, before the final chunk of generation {first.SnapshotGeneration}; a snapshot is loaded only when complete.", nameof(chunks));
            Validate(flow, first, chunk, incoming.Current);
            chunk = incoming.Current;
        }
        var final = chunk;

        if (viaStage) await SqlCommands.ExecuteAsync(connection, transaction, $"DROP TABLE {SqlTargetNames.SnapshotStageTable}", cancellationToken);
        if (layout.PrimaryKey.Count > 0) await AddPrimaryKeyAsync(connection, transaction, layout, load, cancellationToken);
        foreach (var statement in SqlTargetSql.Swap(schema, flow.TargetTable, layout.PrimaryKey.Count > 0))
            await SqlCommands.ExecuteAsync(connection, transaction, statement, cancellationToken);

        await SqlAppliedState.WriteAsync(connection, transaction, flow, final.Sequence, final.SnapshotGeneration, final.Schema.Fingerprint,
            SqlAppliedState.SchemaJson(layout, layout.AllColumns), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        SqlServerTargetLog.SnapshotLoaded(logger, flow, final.SnapshotGeneration, rows, final.Sequence, clock.ElapsedMilliseconds);
        return new ApplyResult(rows, rows, 0, 0);
    }

    /// <summary>
    /// Copies one chunk. Without columns built in SQL the rows go straight into the load table; otherwise into
    /// <c>#ingest_snapshot</c>, from which one INSERT ... SELECT builds the hierarchyid, spatial and sql_variant values.
    /// </summary>
    private static async Task<long> CopyChunkAsync(SqlConnection connection, SqlTransaction transaction, SqlStagedColumns staged, string load, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken)
    {
        var layout = staged.Layout;
        var fields = BulkFields(staged);
        if (staged.ConvertedOrdinals.Count == 0)
        {
            // Data columns are the load table's first columns and __START_AT the next one.
            var ordinals = Enumerable.Range(0, fields.Count).ToList();
            return await SqlBulkLoad.CopyAsync(connection, transaction, SqlName.Qualified(layout.Flow.TargetSchema, load), fields, ordinals,
                SnapshotRowsAsync(staged, fields.Count, rows, cancellationToken), cancellationToken);
        }
        staged.ResetVariantTypes();
        var count = await SqlBulkLoad.CopyAsync(connection, transaction, SqlTargetNames.SnapshotStageTable, fields, Enumerable.Range(0, fields.Count).ToList(),
            SnapshotRowsAsync(staged, fields.Count, rows, cancellationToken), cancellationToken);
        await SqlCommands.ExecuteAsync(connection, transaction, InsertFromStageSql(staged, load), cancellationToken);
        await SqlCommands.ExecuteAsync(connection, transaction, $"TRUNCATE TABLE {SqlTargetNames.SnapshotStageTable}", cancellationToken);
        return count;
    }

    /// <summary>The staged data fields, plus the commit time as <c>__START_AT</c> for SCD 2.</summary>
    public static IReadOnlyList<StagedField> BulkFields(SqlStagedColumns staged)
    {
        var fields = new List<StagedField>(staged.Fields);
        if (staged.Layout.IsScd2) fields.Add(new StagedField(StartAtColumn, "datetimeoffset(7) NULL", typeof(DateTimeOffset)));
        return fields;
    }

    /// <summary><c>#ingest_snapshot</c>: the staged fields of a chunk whose table has columns built in SQL.</summary>
    public static string CreateStageSql(SqlStagedColumns staged) =>
        $"CREATE TABLE {SqlTargetNames.SnapshotStageTable} ({string.Join(", ", BulkFields(staged).Select(f => $"{f.Name} {f.Ddl}"))})";

    /// <summary>Moves a staged chunk into the load table, building the converted columns. TABLOCK lets the insert
    /// into the new heap be minimally logged where the recovery model allows it.</summary>
    public static string InsertFromStageSql(SqlStagedColumns staged, string load)
    {
        var layout = staged.Layout;
        var converted = new HashSet<int>(staged.ConvertedOrdinals);
        var names = layout.DataColumns.Select(c => c.Name).ToList();
        var values = Enumerable.Range(0, layout.DataColumns.Count)
            .Select(i => converted.Contains(i) ? staged.ConversionExpression(i, "s.") : "s." + SqlStagedColumns.ValueColumn(i)).ToList();
        if (layout.IsScd2)
        {
            names.Add(SqlTargetNames.StartAt);
            values.Add("s." + StartAtColumn);
        }
        return $"INSERT INTO {SqlName.Qualified(layout.Flow.TargetSchema, load)} WITH (TABLOCK) ({SqlTargetSql.ColumnList(names)}) " +
               $"SELECT {string.Join(", ", values)} FROM {SqlTargetNames.SnapshotStageTable} AS s";
    }

    /// <summary>The bulk-copy rows of a chunk: every row an insert of all columns, keys not NULL. The array is reused.</summary>
    public static async IAsyncEnumerable<object?[]> SnapshotRowsAsync(SqlStagedColumns staged, int fieldCount, IAsyncEnumerable<ChangeRow> rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var layout = staged.Layout;
        var schema = layout.Schema;
        var columnCount = schema.Columns.Count;
        var buffer = new object?[fieldCount];
        long count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            count++;
            if (row.Kind != ChangeKind.Insert || row.Values is null || row.Values.Length != columnCount)
                throw new InvalidDataException($"{layout.Flow}: row {count} of a snapshot chunk is a {row.Kind} with {row.Values?.Length ?? 0} values; snapshot rows are inserts of all {columnCount} columns.");
            for (var i = 0; i < columnCount; i++)
            {
                var value = row.Values[i];
                if (ReferenceEquals(value, Unchanged.Value))
                    throw new TargetValueException(layout.Table, schema.Columns[i].Name, RowDescriber.Key(schema, row.Values), "a snapshot row must carry every value, but this one is marked as not sent by the source");
                if (value is null && layout.IsKey[i])
                    throw new TargetValueException(layout.Table, schema.Columns[i].Name, RowDescriber.Key(schema, row.Values), "a key column cannot be NULL");
            }
            staged.Project(row.Values, keysOnly: false, buffer, 0);
            if (layout.IsScd2) buffer[fieldCount - 1] = row.CommitTime;
            yield return buffer;
        }
    }

    /// <summary>Builds the primary key; when the snapshot holds a key twice, names it (SQL Server's message shows the
    /// duplicate value) and fails.</summary>
    private static async Task AddPrimaryKeyAsync(SqlConnection connection, SqlTransaction transaction, SqlTargetLayout layout, string load, CancellationToken cancellationToken)
    {
        var keys = layout.PrimaryKey;
        try
        {
            await SqlCommands.ExecuteAsync(connection, transaction,
                SqlTargetSql.AddPrimaryKey(layout.Flow.TargetSchema, load, SqlTargetNames.PrimaryKey(load), keys), cancellationToken);
        }
        catch (SqlException e) when (e.Errors.Cast<SqlError>().Any(error => error.Number == DuplicateKeyOnIndexBuild))
        {
            throw new InvalidDataException($"{layout.Flow}: the snapshot of {layout.Schema.Table} cannot get its primary key ({string.Join(", ", keys)}): {DuplicateKey(keys, e.Message)}.", e);
        }
    }

    /// <summary>"key (id) = (7) occurs more than once", from the server's "The duplicate key value is (7)."</summary>
    public static string DuplicateKey(IReadOnlyList<string> keys, string serverMessage)
    {
        var match = DuplicateValueRegex().Match(serverMessage);
        var value = match.Success ? match.Groups["value"].Value : "?";
        return $"key ({string.Join(", ", keys)}) = ({value}) occurs more than once";
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

    [GeneratedRegex(@"duplicate key value is \((?<value>[^\r\n]*)\)\.", RegexOptions.CultureInvariant)]
    private static partial Regex DuplicateValueRegex();
}
