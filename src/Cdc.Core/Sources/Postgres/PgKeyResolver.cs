using Cdc.Core.Model;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// Chooses the columns that identify a table's rows. pgoutput sends old values with updates and deletes only for
/// the table's replica identity, so a key is accepted only if the replica identity covers it: otherwise a delete, or
/// an update that changes the key, would arrive without the old key and could not be applied.
/// </summary>
internal static class PgKeyResolver
{
    public static IReadOnlyList<string> Resolve(
        TableId table,
        string quotedTable,
        IReadOnlyList<ColumnSchema> columns,
        IReadOnlyList<string> primaryKey,
        PgReplicaIdentity identity,
        IReadOnlyList<string>? declaredKeys,
        Func<string, bool> orderable)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(primaryKey);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(orderable);
        var keys = Choose(table, quotedTable, columns, primaryKey, identity, declaredKeys);
        var unorderable = keys.Where(k => !orderable(k)).ToList();
        if (unorderable.Count > 0)
            throw new SourceException(
                $"Table {table} would be keyed by {Names(unorderable)} of type json, which PostgreSQL cannot sort, so its snapshot cannot be read in key order. " +
                "Declare other key columns with the pipeline's `keys:` option for this table, or change the column to jsonb.");
        return keys;
    }

    private static IReadOnlyList<string> Choose(
        TableId table, string quotedTable, IReadOnlyList<ColumnSchema> columns, IReadOnlyList<string> primaryKey, PgReplicaIdentity identity, IReadOnlyList<string>? declaredKeys)
    {
        if (declaredKeys is { Count: > 0 })
        {
            DeclaredKeys.Check(table, columns, declaredKeys);
            if (!declaredKeys.All(identity.Columns.Contains))
                throw new SourceException(
                    $"Table {table} declares keys {Names(declaredKeys)}, but PostgreSQL sends old values with updates and deletes only for the table's replica identity ({identity.Description}), " +
                    $"so deletes and key changes could not be applied. Fix: {FullFix(quotedTable, identity)}");
            return declaredKeys.ToList();
        }

        if (primaryKey.Count > 0)
        {
            if (!primaryKey.All(identity.Columns.Contains))
                throw new SourceException(
                    $"Table {table} has primary key {Names(primaryKey)}, but its replica identity ({identity.Description}) does not include it, so PostgreSQL would not send old keys with updates and deletes. " +
                    $"Fix: ALTER TABLE {quotedTable} REPLICA IDENTITY DEFAULT;");
            return primaryKey;
        }

        if (identity.IndexColumns is { Count: > 0 } indexColumns) return indexColumns;
        if (identity.Full) return columns.Select(c => c.Name).ToList();

        throw new SourceException(
            $"Table {table} has no primary key and no replica identity, so its deletes and updates could not be matched to rows. " +
            $"Fix it in the source with {FullFix(quotedTable, identity)} (rows are then identified by all their columns, or by the columns you list under the table's `keys:` option in the pipeline), " +
            "or give the table a primary key.");
    }

    private static string FullFix(string quotedTable, PgReplicaIdentity identity) =>
        identity.FullFixTargets.Count == 0
            ? $"ALTER TABLE {quotedTable} REPLICA IDENTITY FULL;"
            : string.Join(" ", identity.FullFixTargets.Select(t => $"ALTER TABLE {t} REPLICA IDENTITY FULL;"));

    private static string Names(IEnumerable<string> names) => DeclaredKeys.Names(names);
}
