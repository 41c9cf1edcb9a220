using Cdc.Core.Model;

namespace Cdc.Core.Targets.Postgres;

/// <summary>One column of a target table.</summary>
internal sealed record TargetColumn(string Name, PgColumnType Type);

/// <summary>
/// What a flow's target table should look like for a batch schema: the source columns with their mapped types (in
/// source order), the bookkeeping columns the flow's mode needs, and the primary key.
/// </summary>
internal sealed class TargetTableLayout
{
    private TargetTableLayout(IngestFlow flow, TableSchema schema, IReadOnlyList<TargetColumn> dataColumns, IReadOnlyList<TargetColumn> bookkeeping, IReadOnlyList<string> primaryKey)
    {
        Flow = flow;
        Schema = schema;
        DataColumns = dataColumns;
        BookkeepingColumns = bookkeeping;
        PrimaryKey = primaryKey;
    }

    public IngestFlow Flow { get; }
    public TableSchema Schema { get; }

    /// <summary>Aligned with <see cref="TableSchema.Columns"/>.</summary>
    public IReadOnlyList<TargetColumn> DataColumns { get; }

    public IReadOnlyList<TargetColumn> BookkeepingColumns { get; }

    /// <summary>The source keys, plus <c>__START_AT</c> for SCD 2. Empty for a table without keys.</summary>
    public IReadOnlyList<string> PrimaryKey { get; }

    public bool IsScd2 => Flow.ScdType == 2;

    public bool SoftDeletes => !IsScd2 && Flow.SoftDeletes;

    public IEnumerable<TargetColumn> AllColumns => DataColumns.Concat(BookkeepingColumns);

    public static TargetTableLayout For(IngestFlow flow, TableSchema schema)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(schema);
        if (flow.ScdType is not (1 or 2))
            throw new ArgumentException($"{flow}: SCD type {flow.ScdType} is not supported; use 1 or 2.", nameof(flow));
        PgNames.Require(flow.TargetSchema, $"target schema of {flow}");
        PgNames.Require(flow.TargetTable, $"target table of {flow}");

        var data = new TargetColumn[schema.Columns.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < data.Length; i++)
        {
            var column = schema.Columns[i];
            PgNames.Require(column.Name, $"column of {schema.Table}");
            if (PgNames.IsBookkeeping(column.Name))
                throw new ArgumentException($"{flow}: source column '{column.Name}' has the name of a column the target keeps for itself ({PgNames.StartAt}, {PgNames.EndAt}, {PgNames.DeletedAt}); rename it at the source or map the table elsewhere.");
            if (!seen.Add(column.Name)) throw new ArgumentException($"{flow}: the schema of {schema.Table} lists column '{column.Name}' twice.");
            data[i] = new TargetColumn(column.Name, PgTypeMapping.ColumnTypeOf(column));
        }

        var bookkeeping = new List<TargetColumn>();
        var primaryKey = new List<string>(schema.KeyColumns);
        if (flow.ScdType == 2)
        {
            bookkeeping.Add(new TargetColumn(PgNames.StartAt, PgColumnType.TimestampTz));
            bookkeeping.Add(new TargetColumn(PgNames.EndAt, PgColumnType.TimestampTz));
            if (primaryKey.Count > 0) primaryKey.Add(PgNames.StartAt);
        }
        else if (flow.SoftDeletes)
        {
            bookkeeping.Add(new TargetColumn(PgNames.DeletedAt, PgColumnType.TimestampTz));
        }
        return new TargetTableLayout(flow, schema, data, bookkeeping, primaryKey);
    }
}
