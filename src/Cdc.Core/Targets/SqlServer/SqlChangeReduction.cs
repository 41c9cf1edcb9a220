using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Targets.Postgres;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// Reduces a change batch with the shared <see cref="ChangeBatchReducer"/> (last operation per key for SCD 1, per key
/// and commit time for SCD 2, values the source did not send filled from the key's earlier change).
/// </summary>
/// <remarks>
/// The reducer works on a PostgreSQL layout, whose naming rules (63-byte identifiers) and key comparison (times
/// rounded to PostgreSQL's microseconds) do not fit SQL Server. So it is given positional column names, rows are
/// checked here first with errors that name the SQL Server table, and time keys travel wrapped so that they compare
/// to the 100 ns a datetime2(7) key keeps: two keys a microsecond apart must not merge into one.
/// </remarks>
internal static class SqlChangeReduction
{
    public static async Task<ReducedBatch> ReduceAsync(SqlTargetLayout layout, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(rows);
        var exactKeys = layout.Schema.KeyOrdinals.Where(i => layout.Schema.Columns[i].Type is LogicalType.Time or LogicalType.Timestamp or LogicalType.TimestampTz).ToArray();
        var reduced = await ChangeBatchReducer.ReduceAsync(ReducerLayout(layout), CheckedAsync(layout, rows, exactKeys, cancellationToken), cancellationToken);
        if (exactKeys.Length > 0)
        {
            foreach (var change in reduced.Changes)
                foreach (var k in exactKeys)
                    if (change.Values[k] is ExactKey key) change.Values[k] = key.Value;
        }
        return reduced;
    }

    /// <summary>The same columns and keys under positional names, for a flow the reducer's naming rules accept.</summary>
    private static TargetTableLayout ReducerLayout(SqlTargetLayout layout)
    {
        var schema = layout.Schema;
        var columns = schema.Columns.Select((c, i) => c with { Name = SqlStageTable.ValueColumn(i), SourceType = null }).ToList();
        var keys = schema.KeyOrdinals.Select(SqlStageTable.ValueColumn).ToList();
        var flow = layout.Flow with { TargetSchema = "s", TargetTable = "t" };
        return TargetTableLayout.For(flow, new TableSchema(schema.Table, columns, keys));
    }

    private static async IAsyncEnumerable<ChangeRow> CheckedAsync(SqlTargetLayout layout, IAsyncEnumerable<ChangeRow> rows, int[] exactKeys, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var schema = layout.Schema;
        long number = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            number++;
            if (schema.KeyOrdinals.Count == 0)
                throw new InvalidOperationException($"{layout.Flow}: {schema.Table} has no key columns, so its changes cannot be matched to target rows; declare keys for it in the pipeline.");
            if (row.Values is null || row.Values.Length != schema.Columns.Count)
                throw new InvalidDataException($"{layout.Flow}: row {number} of the batch has {row.Values?.Length ?? 0} values, but {schema.Table} has {schema.Columns.Count} columns.");
            if (row.Kind is not (ChangeKind.Insert or ChangeKind.Update or ChangeKind.Delete))
                throw new InvalidDataException($"{layout.Flow}: row {number} of the batch has an unknown change kind {(int)row.Kind}.");
            foreach (var i in schema.KeyOrdinals)
            {
                if (row.Values[i] is null || ReferenceEquals(row.Values[i], Unchanged.Value))
                    throw new TargetValueException(layout.Table, schema.Columns[i].Name, RowDescriber.Key(schema, row.Values), $"row {number} of the batch has no value for this key column");
            }
            if (exactKeys.Length == 0)
            {
                yield return row;
                continue;
            }
            var values = (object?[])row.Values.Clone();
            foreach (var k in exactKeys) values[k] = new ExactKey(values[k]!);
            yield return row with { Values = values };
        }
    }

    /// <summary>A key value compared by its own equality: DateTime and TimeOnly by ticks, DateTimeOffset by its
    /// instant to the tick, which is how SQL Server compares datetime2(7), time(7) and datetimeoffset(7) keys.</summary>
    private sealed record ExactKey(object Value);
}
