using System.Text;
using Cdc.Core.Model;
using Cdc.Core.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// Builds the statements that read a table's rows: keyset-paginated chunks in key order, and single rows by key.
/// Key columns come first in the SELECT list so that a value that cannot be read is reported with its row's key.
/// </summary>
internal sealed class PgSnapshotQuery
{
    private PgSnapshotQuery(PgTableInfo table, IReadOnlyList<Item> items, string selectList)
    {
        Table = table;
        Items = items;
        SelectList = selectList;
    }

    public PgTableInfo Table { get; }

    /// <summary>SELECT items in reading order.</summary>
    public IReadOnlyList<Item> Items { get; }

    private string SelectList { get; }

    /// <summary>Columns are referred to through this alias. An unqualified name in ORDER BY would mean the SELECT
    /// item of that name, which for a cast column (numeric or citext read as text) sorts as text, not as the key.</summary>
    private const string Alias = "src";

    private string From => PgIdentifier.Qualified(Table.Table) + " AS " + Alias;

    private static string Column(string name) => Alias + "." + PgIdentifier.Quote(name);

    public static PgSnapshotQuery For(PgTableInfo table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var schema = table.Schema;
        var order = schema.KeyOrdinals.Concat(Enumerable.Range(0, schema.Columns.Count).Except(schema.KeyOrdinals)).ToList();
        var items = new List<Item>(order.Count);
        var select = new StringBuilder();
        foreach (var index in order)
        {
            var column = schema.Columns[index];
            var type = table.ColumnTypes[index];
            var quoted = Column(column.Name);
            if (select.Length > 0) select.Append(", ");
            if (type.CheckFinite) select.Append("(pg_catalog.isfinite(").Append(quoted).Append(") IS FALSE), ");
            select.Append(quoted);
            if (type.SelectCast is not null) select.Append("::").Append(type.SelectCast);
            items.Add(new Item(index, column, type.CheckFinite, PgColumnReaders.For(column.Type)));
        }
        return new PgSnapshotQuery(table, items, select.ToString());
    }

    /// <summary>Up to <paramref name="maxRows"/> rows after <paramref name="afterKey"/> in key order. With nullable key
    /// columns (declared keys, all-column keys) the comparison spells out NULLS LAST ordering, since a row comparison
    /// with a NULL is never true.</summary>
    public NpgsqlCommand ChunkCommand(object?[]? afterKey, int maxRows)
    {
        var schema = Table.Schema;
        var command = new NpgsqlCommand();
        var sql = new StringBuilder("SELECT ").Append(SelectList).Append(" FROM ").Append(From);
        if (afterKey is not null)
        {
            if (afterKey.Length != schema.KeyOrdinals.Count)
                throw new ArgumentException($"The snapshot cursor of {schema.Table} has {afterKey.Length} values; its key has {schema.KeyOrdinals.Count} columns.", nameof(afterKey));
            sql.Append(" WHERE ").Append(AfterPredicate(afterKey, command));
        }
        sql.Append(" ORDER BY ").AppendJoin(", ", schema.KeyColumns.Select(Column));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxRows });
        sql.Append(" LIMIT $").Append(command.Parameters.Count);
        command.CommandText = sql.ToString();
        return command;
    }

    /// <summary>The row with the given key, if it exists.</summary>
    public NpgsqlCommand RowCommand(object?[] key)
    {
        var schema = Table.Schema;
        var command = new NpgsqlCommand();
        var conditions = new List<string>();
        for (var i = 0; i < key.Length; i++)
        {
            var column = schema.Columns[schema.KeyOrdinals[i]];
            conditions.Add(key[i] is null ? $"{Column(column.Name)} IS NULL" : $"{Column(column.Name)} = {Parameter(command, column, key[i]!)}");
        }
        command.CommandText = $"SELECT {SelectList} FROM {From} WHERE {string.Join(" AND ", conditions)}";
        return command;
    }

    private string AfterPredicate(object?[] afterKey, NpgsqlCommand command)
    {
        var schema = Table.Schema;
        var keyColumns = schema.KeyOrdinals.Select(o => schema.Columns[o]).ToList();
        if (keyColumns.All(c => !c.Nullable) && afterKey.All(v => v is not null))
        {
            var left = string.Join(", ", keyColumns.Select(c => Column(c.Name)));
            var right = string.Join(", ", keyColumns.Select((c, i) => Parameter(command, c, afterKey[i]!)));
            return keyColumns.Count == 1 ? $"{left} > {right}" : $"({left}) > ({right})";
        }

        // (k1, k2, ...) > (v1, v2, ...) in ASC NULLS LAST order: k1 > v1, or k1 = v1 and k2 > v2, and so on.
        var disjuncts = new List<string>();
        var equalities = new List<string>();
        for (var i = 0; i < keyColumns.Count; i++)
        {
            var column = keyColumns[i];
            var quoted = Column(column.Name);
            string? parameter = afterKey[i] is null ? null : Parameter(command, column, afterKey[i]!);
            if (parameter is not null)
            {
                var greater = column.Nullable ? $"({quoted} > {parameter} OR {quoted} IS NULL)" : $"{quoted} > {parameter}";
                disjuncts.Add(string.Join(" AND ", equalities.Append(greater)));
            }
            equalities.Add(parameter is null ? $"{quoted} IS NULL" : $"{quoted} = {parameter}");
        }
        return disjuncts.Count == 0 ? "FALSE" : "(" + string.Join(") OR (", disjuncts) + ")";
    }

    /// <summary>Adds a key value as a typed parameter and returns it cast to the column's exact type, so the comparison
    /// uses the column's own ordering (collation, citext, enum order).</summary>
    private static string Parameter(NpgsqlCommand command, ColumnSchema column, object value)
    {
        command.Parameters.Add(KeyParameter(column, value));
        var reference = "$" + command.Parameters.Count;
        return column.SourceType is null ? reference : $"{reference}::{column.SourceType}";
    }

    private static NpgsqlParameter KeyParameter(ColumnSchema column, object value)
    {
        (object Value, NpgsqlDbType Type) typed = (column.Type, value) switch
        {
            (LogicalType.Boolean, bool v) => (v, NpgsqlDbType.Boolean),
            (LogicalType.Int16, short v) => (v, NpgsqlDbType.Smallint),
            (LogicalType.Int32, int v) => (v, NpgsqlDbType.Integer),
            (LogicalType.Int64, long v) => (v, NpgsqlDbType.Bigint),
            (LogicalType.Float32, float v) => (v, NpgsqlDbType.Real),
            (LogicalType.Float64, double v) => (v, NpgsqlDbType.Double),
            (LogicalType.Decimal, Numeric v) => (v.ToString(), NpgsqlDbType.Text),
            (LogicalType.String or LogicalType.Json, string v) => (v, NpgsqlDbType.Text),
            (LogicalType.Binary, byte[] v) => (v, NpgsqlDbType.Bytea),
            (LogicalType.Uuid, Guid v) => (v, NpgsqlDbType.Uuid),
            (LogicalType.Date, DateOnly v) => (v, NpgsqlDbType.Date),
            (LogicalType.Time, TimeOnly v) => (v, NpgsqlDbType.Time),
            (LogicalType.Timestamp, DateTime v) => (DateTime.SpecifyKind(v, DateTimeKind.Unspecified), NpgsqlDbType.Timestamp),
            (LogicalType.TimestampTz, DateTimeOffset v) => (v.ToUniversalTime(), NpgsqlDbType.TimestampTz),
            _ => throw new ArgumentException(
                $"Key column \"{column.Name}\" has logical type {column.Type}, but the key value given for it is a {value.GetType().Name}."),
        };
        return new NpgsqlParameter { Value = typed.Value, NpgsqlDbType = typed.Type };
    }

    /// <summary>One SELECT item: a column (preceded by its "is infinite" flag when <see cref="HasFiniteFlag"/>).</summary>
    internal sealed record Item(int SchemaIndex, ColumnSchema Column, bool HasFiniteFlag, Func<NpgsqlDataReader, int, object> Read);
}
