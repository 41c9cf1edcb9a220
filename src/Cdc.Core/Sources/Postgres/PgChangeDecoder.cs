using Cdc.Core.Model;
using Microsoft.Extensions.Logging;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// Turns pgoutput row messages of the captured tables into <see cref="ChangeRow"/>s: inserts as full rows, updates as
/// the new row (or, when the key changed, a delete of the old key and an insert of the new row), deletes as the key.
/// Unchanged TOAST values become <see cref="Unchanged.Value"/>. Tables that are not captured are ignored.
/// </summary>
internal sealed class PgChangeDecoder(
    IEnumerable<TableSchema> tables, PgRelationSchemas relationSchemas, PgSnapshotReader rows, ILogger logger)
{
    private readonly Dictionary<TableId, TableSchema> _known = tables.ToDictionary(t => t.Table);
    private readonly Dictionary<uint, PgTableInfo?> _relations = [];

    public async Task OnRelationAsync(RelationMessage relation, CancellationToken cancellationToken)
    {
        var table = new TableId(relation.Namespace, relation.RelationName);
        if (!_known.TryGetValue(table, out var known))
        {
            _relations[relation.RelationId] = null;
            return;
        }
        var info = await relationSchemas.ResolveAsync(relation, known, cancellationToken);
        if (!ReferenceEquals(info.Schema, known))
        {
            PostgresSourceLog.SchemaChanged(logger, table, info.Schema.Columns.Count, info.Schema.Fingerprint);
            _known[table] = info.Schema;
        }
        _relations[relation.RelationId] = info;
    }

    /// <summary>The captured table a message's relation belongs to, or null when it is not captured.</summary>
    public PgTableInfo? Captured(RelationMessage relation) => _relations.GetValueOrDefault(relation.RelationId);

    /// <summary>Hands the rows of one row message to <paramref name="sink"/>; returns how many.</summary>
    public async Task<int> DecodeAsync(PgOutputReplicationMessage message, DateTimeOffset commitTime, IChangeSink sink, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case InsertMessage insert when Captured(insert.Relation) is { } table:
            {
                var row = await ReadAsync(table, insert.NewRow, message, cancellationToken);
                await sink.ChangeAsync(table.Schema, new ChangeRow(ChangeKind.Insert, row, commitTime), cancellationToken);
                return 1;
            }
            case UpdateMessage update when Captured(update.Relation) is { } table:
            {
                var (old, oldIsFullRow) = update switch
                {
                    IndexUpdateMessage keyed => (await ReadAsync(table, keyed.Key, message, cancellationToken), false),
                    FullUpdateMessage full => (await ReadAsync(table, full.OldRow, message, cancellationToken), true),
                    _ => ((object?[]?)null, false),
                };
                var row = await ReadAsync(table, update.NewRow, message, cancellationToken);
                if (old is null || !KeyChanged(table.Schema, old, row))
                {
                    await sink.ChangeAsync(table.Schema, new ChangeRow(ChangeKind.Update, row, commitTime), cancellationToken);
                    return 1;
                }
                await sink.ChangeAsync(table.Schema, new ChangeRow(ChangeKind.Delete, KeyOnly(table.Schema, old), commitTime), cancellationToken);
                await ResolveUnchangedAsync(table, row, oldIsFullRow ? old : null, cancellationToken);
                await sink.ChangeAsync(table.Schema, new ChangeRow(ChangeKind.Insert, row, commitTime), cancellationToken);
                return 2;
            }
            case DeleteMessage delete when Captured(delete.Relation) is { } table:
            {
                var tuple = delete switch
                {
                    KeyDeleteMessage keyed => keyed.Key,
                    FullDeleteMessage full => full.OldRow,
                    _ => throw new InvalidOperationException($"Unexpected delete message {delete.GetType().Name}."),
                };
                var old = await ReadAsync(table, tuple, message, cancellationToken);
                await sink.ChangeAsync(table.Schema, new ChangeRow(ChangeKind.Delete, KeyOnly(table.Schema, old), commitTime), cancellationToken);
                return 1;
            }
            default:
                return 0;
        }
    }

    /// <summary>Compares old and new key values. A key value the new row did not send (unchanged TOAST) is unchanged
    /// by definition and is taken from the old row so that the update carries its full key.</summary>
    private static bool KeyChanged(TableSchema schema, object?[] old, object?[] row)
    {
        var changed = false;
        foreach (var ordinal in schema.KeyOrdinals)
        {
            if (row[ordinal] is Unchanged)
            {
                if (old[ordinal] is not Unchanged) row[ordinal] = old[ordinal];
                continue;
            }
            if (old[ordinal] is Unchanged) continue;
            changed |= !SameValue(old[ordinal], row[ordinal]);
        }
        return changed;
    }

    private static bool SameValue(object? left, object? right) =>
        left is byte[] a && right is byte[] b ? a.AsSpan().SequenceEqual(b) : Equals(left, right);

    private static object?[] KeyOnly(TableSchema schema, object?[] values)
    {
        var row = new object?[values.Length];
        Array.Fill(row, Unchanged.Value);
        foreach (var ordinal in schema.KeyOrdinals) row[ordinal] = values[ordinal];
        return row;
    }

    /// <summary>
    /// A row moved to a new key is staged as an insert, which has no earlier row to keep unchanged TOAST values from.
    /// They come from the old row when it was sent in full (REPLICA IDENTITY FULL, if sent inline), otherwise from the
    /// table's current row: that may be newer than this change, but every later change to it follows in the stream.
    /// </summary>
    private async Task ResolveUnchangedAsync(PgTableInfo table, object?[] row, object?[]? oldRow, CancellationToken cancellationToken)
    {
        if (Array.IndexOf(row, Unchanged.Value) < 0) return;
        if (oldRow is not null)
            for (var i = 0; i < row.Length; i++)
                if (row[i] is Unchanged && oldRow[i] is not Unchanged) row[i] = oldRow[i];
        if (Array.IndexOf(row, Unchanged.Value) < 0) return;

        var key = table.Schema.KeyOrdinals.Select(o => row[o]).ToArray();
        object?[]? current = null;
        try
        {
            current = await rows.ReadRowAsync(PgSnapshotQuery.For(table), key, cancellationToken);
        }
        catch (Npgsql.PostgresException)
        {
            // The table changed shape since this change; leave the values unresolved.
        }
        if (current is null)
        {
            PostgresSourceLog.UnchangedValueUnresolved(logger, table.Table);
            return;
        }
        for (var i = 0; i < row.Length; i++)
            if (row[i] is Unchanged) row[i] = current[i];
    }

    private static async Task<object?[]> ReadAsync(PgTableInfo table, ReplicationTuple tuple, PgOutputReplicationMessage message, CancellationToken cancellationToken)
    {
        var columns = table.Schema.Columns;
        var values = new object?[columns.Count];
        var i = 0;
        await foreach (var value in tuple.WithCancellation(cancellationToken))
        {
            if (i >= values.Length)
                throw new SourceException($"A change of table {table.Table} at {PgLsn.Format(message.WalStart)} has more columns than its schema ({columns.Count}).");
            switch (value.Kind)
            {
                case TupleDataKind.Null:
                    values[i] = null;
                    break;
                case TupleDataKind.UnchangedToastedValue:
                    values[i] = Unchanged.Value;
                    break;
                case TupleDataKind.TextValue:
                    var text = await value.Get<string>(cancellationToken);
                    try
                    {
                        values[i] = PgTextValueParser.Parse(columns[i].Type, text);
                    }
                    catch (Exception ex) when (ex is FormatException or OverflowException)
                    {
                        throw new SourceException(
                            $"Column \"{columns[i].Name}\" ({columns[i].SourceType ?? columns[i].Type.ToString()}) of table {table.Table} in a change at {PgLsn.Format(message.WalStart)} " +
                            $"holds '{Shorten(text)}', which cannot be captured: {ex.Message} Change the value in the source; the table then needs a full refresh.", ex);
                    }
                    break;
                default:
                    throw new SourceException($"Column \"{columns[i].Name}\" of table {table.Table} arrived in {value.Kind} format, which this source does not request.");
            }
            i++;
        }
        return values;
    }

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "...";
}
