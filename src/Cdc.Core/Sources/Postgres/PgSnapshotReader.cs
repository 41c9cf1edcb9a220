using System.Data;
using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Postgres;
using Npgsql;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// Reads table rows for snapshots (keyset chunks) and single-row lookups, with sequential access and typed getters.
/// With an exported snapshot name, each chunk runs in its own REPEATABLE READ transaction that imports it, so every
/// chunk sees the database exactly as of the replication slot's consistent point.
/// </summary>
internal sealed class PgSnapshotReader(NpgsqlDataSource dataSource)
{
    public async IAsyncEnumerable<object?[]> ReadChunkAsync(
        PgSnapshotQuery query, object?[]? afterKey, int maxRows, string? exportedSnapshot, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = exportedSnapshot is null
            ? null
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        if (exportedSnapshot is not null)
        {
            await using var import = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT {PgIdentifier.Literal(exportedSnapshot)}", connection, transaction);
            await import.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = query.ChunkCommand(afterKey, maxRows);
        command.Connection = connection;
        command.Transaction = transaction;
        await using (var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) yield return ReadRow(query, reader);
        }
        if (transaction is not null) await transaction.CommitAsync(cancellationToken);
    }

    public async Task<object?[]?> ReadRowAsync(PgSnapshotQuery query, object?[] key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = query.RowCommand(key);
        command.Connection = connection;
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRow(query, reader) : null;
    }

    private static object?[] ReadRow(PgSnapshotQuery query, NpgsqlDataReader reader)
    {
        var items = query.Items;
        var values = new object?[items.Count];
        var ordinal = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.HasFiniteFlag)
            {
                if (reader.GetBoolean(ordinal)) throw Unreadable(query, values, i, item, "an infinite date or timestamp, which has no CLR value");
                ordinal++;
            }
            try
            {
                values[item.SchemaIndex] = reader.IsDBNull(ordinal) ? null : item.Read(reader, ordinal);
            }
            catch (Exception ex) when (ex is FormatException or InvalidCastException or ArgumentOutOfRangeException or OverflowException)
            {
                throw Unreadable(query, values, i, item, ex.Message, ex);
            }
            ordinal++;
        }
        return values;
    }

    /// <summary>Key columns are read first, so all of them (or those before the failing one) are known here.</summary>
    private static SourceException Unreadable(PgSnapshotQuery query, object?[] values, int itemsRead, PgSnapshotQuery.Item item, string what, Exception? inner = null)
    {
        var schema = query.Table.Schema;
        var key = string.Join(", ", schema.KeyOrdinals.Take(itemsRead).Select(o => $"{schema.Columns[o].Name}={Describe(values[o])}"));
        return new SourceException(
            $"Column \"{item.Column.Name}\" ({item.Column.SourceType ?? item.Column.Type.ToString()}) of table {schema.Table} in the row with key ({key}) holds {what}. " +
            "Change the value in the source, or exclude the table.", inner);
    }

    internal static string Describe(object? value) => value switch
    {
        null => "NULL",
        byte[] bytes => "\\x" + Convert.ToHexString(bytes),
        DateTimeOffset dto => dto.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
