using Cdc.Core.Model;

namespace Cdc.Core.Sources.Postgres;

/// <summary>A captured table: its schema and, aligned with its columns, how each PostgreSQL column is read.</summary>
internal sealed record PgTableInfo(TableSchema Schema, IReadOnlyList<PgColumnType> ColumnTypes)
{
    public TableId Table => Schema.Table;
}
