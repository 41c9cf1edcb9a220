using Cdc.Core.Model;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// The schema a CDC table is staged with: exactly the value columns of its capture instance in use, in change-table
/// order, so a snapshot and the changes after it carry one column set. A column the table still has keeps its
/// discovered type; one dropped since the instance was created keeps the change table's type (CDC records NULL for it
/// from the drop on). Columns added after the instance was created are not carried until an instance captures them.
/// </summary>
internal static class CdcSchema
{
    public static TableSchema For(TableSchema discovered, CdcTableInfo info)
    {
        ArgumentNullException.ThrowIfNull(discovered);
        ArgumentNullException.ThrowIfNull(info);
        var instance = info.InUse;
        var columns = instance.ValueColumns
            .OrderBy(c => c.Ordinal)
            .Select(c => discovered.Find(c.Name) ?? SqlServerTypeMapping.Map(discovered.Table, c.Name, c.TypeName, c.MaxLength, c.Precision, c.Scale, nullable: true))
            .ToList();
        foreach (var key in discovered.KeyColumns)
        {
            if (columns.Any(c => string.Equals(c.Name, key, StringComparison.Ordinal))) continue;
            throw new SourceException(
                $"Key column \"{key}\" of {discovered.Table} is not captured by its capture instance {instance.Name}" +
                (instance.Find(key) is { IsComputed: true } ? " (it is computed, and CDC records computed columns as NULL)" : "") +
                ". Capture the table with an instance that includes it (sys.sp_cdc_enable_table with a @captured_column_list naming it), or declare other `keys:`.");
        }
        return new TableSchema(discovered.Table, columns, discovered.KeyColumns);
    }

    /// <summary>Columns of the table that its instance in use does not capture (added later, or left out of its
    /// captured column list), for a message.</summary>
    public static IReadOnlyList<string> Uncaptured(CdcTableInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var instance = info.InUse;
        return info.SourceColumns.Where(c => !c.IsComputed && instance.Find(c.Name) is null).Select(c => c.Name).ToList();
    }
}
