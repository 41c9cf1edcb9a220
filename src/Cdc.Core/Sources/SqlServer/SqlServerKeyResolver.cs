using Cdc.Core.Model;
using Cdc.Core.Pipeline;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Chooses the columns that identify a table's rows: the declared keys, else the primary key, else (CDC only, whose
/// deletes carry whole rows) every column. Change tracking records only primary key values with a change, so a
/// change-tracked table is keyed by its primary key columns and nothing else.
/// </summary>
internal static class SqlServerKeyResolver
{
    public static IReadOnlyList<string> Resolve(
        TableId table, IReadOnlyList<ColumnSchema> columns, IReadOnlyList<string> primaryKey, IReadOnlyList<string>? declaredKeys, CaptureMode mode)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(primaryKey);
        var keys = Choose(table, columns, primaryKey, declaredKeys, mode);
        var unorderable = keys.Select(k => columns.First(c => c.Name == k)).Where(c => !SqlServerKeyParameters.CanBeKey(c)).ToList();
        if (unorderable.Count > 0)
            throw new SourceException(
                $"Table {table} would be keyed by {Names(unorderable.Select(c => $"{c.Name} ({c.SourceType})"))}, which cannot order a snapshot or identify a row. " +
                "Declare other key columns with the pipeline's `keys:` option for this table.");
        return keys;
    }

    private static IReadOnlyList<string> Choose(
        TableId table, IReadOnlyList<ColumnSchema> columns, IReadOnlyList<string> primaryKey, IReadOnlyList<string>? declaredKeys, CaptureMode mode)
    {
        if (declaredKeys is { Count: > 0 })
        {
            DeclaredKeys.Check(table, columns, declaredKeys);
            if (mode == CaptureMode.ChangeTracking && !declaredKeys.ToHashSet(StringComparer.Ordinal).SetEquals(primaryKey))
                throw new SourceException(
                    $"Table {table} declares keys {Names(declaredKeys)}, but change tracking records only the primary key {Names(primaryKey)} with each change, " +
                    "so deletes could not be matched by the declared keys. Remove the table's `keys:` option, or capture it with CDC (capture_mode: cdc).");
            return declaredKeys.ToList();
        }
        if (primaryKey.Count > 0) return primaryKey;
        if (mode == CaptureMode.Cdc) return columns.Select(c => c.Name).ToList();
        throw new SourceException($"Table {table} has no primary key; declare the columns that identify its rows with the pipeline's `keys:` option.");
    }

    private static string Names(IEnumerable<string> names) => DeclaredKeys.Names(names);
}
