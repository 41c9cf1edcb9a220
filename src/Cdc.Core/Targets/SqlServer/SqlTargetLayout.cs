using Cdc.Core.Model;
using Cdc.Core.SqlServer;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>One column of a SQL Server target table.</summary>
internal sealed record SqlTargetColumn(string Name, SqlColumnType Type);

/// <summary>
/// What a flow's SQL Server target table should look like for a batch schema: the source columns with their mapped
/// types (in source order), the bookkeeping columns the flow's mode needs, and the primary key.
/// </summary>
internal sealed class SqlTargetLayout
{
    /// <summary>An index key holds at most 900 bytes in a clustered index: unbounded key columns get this bound.</summary>
    public const int MaxKeyBytes = 900;

    private SqlTargetLayout(IngestFlow flow, TableSchema schema, IReadOnlyList<SqlTargetColumn> dataColumns, IReadOnlyList<SqlTargetColumn> bookkeeping, IReadOnlyList<string> primaryKey)
    {
        Flow = flow;
        Schema = schema;
        DataColumns = dataColumns;
        BookkeepingColumns = bookkeeping;
        PrimaryKey = primaryKey;
        var keys = new bool[dataColumns.Count];
        foreach (var k in schema.KeyOrdinals) keys[k] = true;
        IsKey = keys;
    }

    public IngestFlow Flow { get; }
    public TableSchema Schema { get; }

    /// <summary>Aligned with <see cref="TableSchema.Columns"/>.</summary>
    public IReadOnlyList<SqlTargetColumn> DataColumns { get; }

    public IReadOnlyList<SqlTargetColumn> BookkeepingColumns { get; }

    /// <summary>The source keys, plus <c>__START_AT</c> for SCD 2. Empty for a table without keys.</summary>
    public IReadOnlyList<string> PrimaryKey { get; }

    /// <summary>Per data column: whether it is one of the source's key columns.</summary>
    public IReadOnlyList<bool> IsKey { get; }

    public bool IsScd2 => Flow.ScdType == 2;

    public bool SoftDeletes => !IsScd2 && Flow.SoftDeletes;

    public IEnumerable<SqlTargetColumn> AllColumns => DataColumns.Concat(BookkeepingColumns);

    /// <summary>The target table, quoted: <c>[schema].[table]</c>.</summary>
    public string Table => SqlName.Qualified(Flow.TargetSchema, Flow.TargetTable);

    /// <summary>Whether a column must be NOT NULL: key columns and <c>__START_AT</c>.</summary>
    public bool IsRequired(string column) =>
        column == SqlTargetNames.StartAt || Schema.KeyColumns.Contains(column, StringComparer.Ordinal);

    public static SqlTargetLayout For(IngestFlow flow, TableSchema schema)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(schema);
        if (flow.ScdType is not (1 or 2))
            throw new ArgumentException($"{flow}: SCD type {flow.ScdType} is not supported; use 1 or 2.", nameof(flow));
        SqlTargetNames.Require(flow.TargetSchema, $"target schema of {flow}");
        SqlTargetNames.Require(flow.TargetTable, $"target table of {flow}");

        var keys = new HashSet<int>(schema.KeyOrdinals);
        var data = new SqlTargetColumn[schema.Columns.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < data.Length; i++)
        {
            var column = schema.Columns[i];
            SqlTargetNames.Require(column.Name, $"column of {schema.Table}");
            if (SqlTargetNames.IsBookkeeping(column.Name))
                throw new ArgumentException($"{flow}: source column '{column.Name}' has the name of a column the target keeps for itself ({SqlTargetNames.StartAt}, {SqlTargetNames.EndAt}, {SqlTargetNames.DeletedAt}); rename it at the source or map the table elsewhere.");
            if (!seen.Add(column.Name)) throw new ArgumentException($"{flow}: the schema of {schema.Table} lists column '{column.Name}' twice.");
            var type = SqlTypeMapping.ColumnTypeOf(column);
            data[i] = new SqlTargetColumn(column.Name, keys.Contains(i) ? KeyType(type) : type);
        }

        var bookkeeping = new List<SqlTargetColumn>();
        var primaryKey = new List<string>(schema.KeyColumns);
        if (flow.ScdType == 2)
        {
            bookkeeping.Add(new SqlTargetColumn(SqlTargetNames.StartAt, SqlColumnType.CommitTime));
            bookkeeping.Add(new SqlTargetColumn(SqlTargetNames.EndAt, SqlColumnType.CommitTime));
            if (primaryKey.Count > 0) primaryKey.Add(SqlTargetNames.StartAt);
        }
        else if (flow.SoftDeletes)
        {
            bookkeeping.Add(new SqlTargetColumn(SqlTargetNames.DeletedAt, SqlColumnType.CommitTime));
        }
        return new SqlTargetLayout(flow, schema, data, bookkeeping, primaryKey);
    }

    /// <summary>An index key cannot be a (max) type: an unbounded key column (a PostgreSQL text key, say) gets the
    /// largest length a clustered key takes.</summary>
    private static SqlColumnType KeyType(SqlColumnType type)
    {
        if (!type.IsMax) return type;
        return type.Name switch
        {
            "nvarchar" => SqlColumnType.NVarChar(MaxKeyBytes / 2),
            "varchar" => new SqlColumnType("varchar", MaxKeyBytes),
            "varbinary" => SqlColumnType.VarBinary(MaxKeyBytes),
            _ => type,
        };
    }
}
