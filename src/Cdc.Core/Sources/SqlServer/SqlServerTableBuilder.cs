using Cdc.Core.Model;
using Cdc.Core.Pipeline;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>A discovered table with the capture mode it resolved to (change tracking or CDC).</summary>
/// <param name="KeysDeclared">Whether its keys came from the pipeline's <c>keys:</c> rather than the table.</param>
internal sealed record DiscoveredTable(TableSchema Schema, CaptureMode Mode, bool KeysDeclared)
{
    public TableId Table => Schema.Table;
}

/// <summary>
/// Builds a table's schema from its catalog rows: capture mode, columns with exact types, keys. Computed columns are
/// captured like any other (change tracking and snapshots read their current values); a sparse column set is left
/// out, since its sparse columns are captured one by one.
/// </summary>
internal static class SqlServerTableBuilder
{
    public static DiscoveredTable Build(
        TableId table,
        CatalogObject catalogObject,
        IReadOnlyList<CatalogColumn> columns,
        IReadOnlyList<string>? declaredKeys,
        CaptureMode requested,
        SqlServerDatabaseFacts database,
        Action<string>? columnSetSkipped = null)
    {
        ArgumentNullException.ThrowIfNull(catalogObject);
        ArgumentNullException.ThrowIfNull(columns);
        var primaryKey = columns.Where(c => c.KeyOrdinal is not null).OrderBy(c => c.KeyOrdinal).Select(c => c.Name).ToList();
        var mode = SqlServerCaptureModes.Resolve(table, requested,
            new CaptureOptions(primaryKey.Count > 0, catalogObject.TrackedByChangeTracking, catalogObject.TrackedByCdc), database);

        var schemaColumns = new List<ColumnSchema>(columns.Count);
        foreach (var column in columns)
        {
            if (column.ColumnSet)
            {
                columnSetSkipped?.Invoke(column.Name);
                continue;
            }
            var type = column.SystemTypeName
                ?? throw SqlServerTypeMapping.Refusal(table, column.Name, column.TypeName, "it is a CLR user-defined type, whose values Ingest cannot read");
            schemaColumns.Add(SqlServerTypeMapping.Map(table, column.Name, type, column.MaxLength, column.Precision, column.Scale, column.Nullable));
        }
        if (schemaColumns.Count == 0) throw new SourceException($"Table {table} has no columns that can be captured.");

        var keys = SqlServerKeyResolver.Resolve(table, schemaColumns, primaryKey, declaredKeys, mode);
        return new DiscoveredTable(new TableSchema(table, schemaColumns, keys), mode, declaredKeys is { Count: > 0 });
    }
}
