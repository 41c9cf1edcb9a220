using Cdc.Core.Model;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// How rows of one capture instance land in the staged schema: each schema column takes the instance's column of the
/// same name, or none when the instance lacks it (an older instance read before a switch, or a column it never
/// captured). Instance columns the schema does not carry are not read at all.
/// </summary>
internal sealed class CdcProjection
{
    private static readonly HashSet<string> CastableBaseTypes = new(StringComparer.Ordinal) { "tinyint", "smallint", "int", "bigint", "decimal", "numeric" };

    private CdcProjection(TableSchema schema, CdcCaptureInstance instance, IReadOnlyList<CdcCapturedColumn?> sources)
    {
        Schema = schema;
        Instance = instance;
        Sources = sources;
    }

    public TableSchema Schema { get; }
    public CdcCaptureInstance Instance { get; }

    /// <summary>Aligned with <see cref="TableSchema.Columns"/>: the instance's column for each, or null.</summary>
    public IReadOnlyList<CdcCapturedColumn?> Sources { get; }

    public static CdcProjection Create(TableSchema schema, CdcCaptureInstance instance)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(instance);
        var sources = schema.Columns.Select(c => instance.Find(c.Name) is { IsComputed: false } captured ? captured : null).ToList();
        foreach (var ordinal in schema.KeyOrdinals)
        {
            if (sources[ordinal] is not null) continue;
            throw new SourceException(
                $"Capture instance {instance.Name} of {schema.Table} does not capture key column \"{schema.Columns[ordinal].Name}\", so its changes "
                + "cannot be matched to rows. Drop that instance once a newer one captures the key (sys.sp_cdc_disable_table), and snapshot the table again.");
        }
        return new CdcProjection(schema, instance, sources);
    }

    /// <summary>
    /// The column as the statement must read it so that <see cref="SqlServerValues.Read"/> gets the schema column's
    /// type. The change table declares identity columns int or bigint whatever the source declares (tinyint,
    /// smallint, decimal(p,0)), and keeps a column's old type until the capture process meets an ALTER COLUMN;
    /// numeric columns are converted to the schema's type in those cases. Other differences read the same way.
    /// </summary>
    public static string ReadExpression(ColumnSchema column, CdcCapturedColumn captured, string qualifiedColumn)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(captured);
        var target = SqlServerTypeMapping.BaseType(column);
        var source = captured.TypeName.ToLowerInvariant();
        var converted = target != source && CastableBaseTypes.Contains(target) && CastableBaseTypes.Contains(source)
            ? $"CAST({qualifiedColumn} AS {column.SourceType})"
            : qualifiedColumn;
        return SqlServerValues.SelectExpression(column, converted);
    }
}
