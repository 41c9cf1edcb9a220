using System.Data;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Resolves a pipeline's object selection against the catalog: which tables, their columns with exact types, keys, and
/// capture modes. Every table that cannot be captured is reported in one <see cref="SourceException"/>.
/// </summary>
internal sealed class SqlServerTableDiscovery(SqlConnectionFactory connections, ILogger logger)
{
    /// <param name="earlier">Tables this source resolved before: an entry naming no capture mode keeps the table's
    /// mode, and keys equal to the ones it derived are not taken as declared (the gateway re-discovers tables with
    /// their keys after capture).</param>
    public Task<(SqlServerDatabaseFacts Database, IReadOnlyList<DiscoveredTable> Tables)> DiscoverAsync(
        IReadOnlyList<TableSelection> selection, CaptureMode defaultMode, IReadOnlyDictionary<TableId, DiscoveredTable> earlier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(earlier);
        return connections.Retry.ExecuteAsync(async ct =>
        {
            await using var connection = await connections.OpenAsync(ct);
            SqlServerDatabaseFacts database;
            await using (var command = new SqlCommand(SqlServerCatalog.DatabaseSql, connection))
            await using (var reader = await command.ExecuteReaderAsync(ct))
                database = await SqlServerCatalog.ReadDatabaseAsync(reader, ct);
            SqlServerCaptureModes.EnsureSnapshotIsolation(database);

            var problems = new List<string>();
            var chosen = new Dictionary<TableId, DiscoveredTable>();
            // Explicit table entries come first so that their keys and modes win over a whole-schema entry naming the same table.
            foreach (var entry in selection.OrderBy(e => e.Table is null ? 1 : 0))
            {
                try
                {
                    var catalog = await ReadEntryAsync(connection, entry, ct);
                    foreach (var table in Select(entry, catalog.Objects, logger).Where(t => !chosen.ContainsKey(t.Id)))
                    {
                        try
                        {
                            chosen[table.Id] = Build(entry, table, catalog, database, defaultMode, earlier);
                        }
                        catch (SourceException ex)
                        {
                            problems.Add(ex.Message);
                        }
                    }
                }
                catch (SourceException ex)
                {
                    problems.Add(ex.Message);
                }
            }
            if (problems.Count > 0)
                throw new SourceException(problems.Count == 1 ? problems[0] : $"{problems.Count} selected objects cannot be captured:{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", problems));
            IReadOnlyList<DiscoveredTable> tables = chosen.Values.OrderBy(t => t.Table).ToList();
            return (database, tables);
        }, cancellationToken).AsTask();
    }

    private DiscoveredTable Build(
        TableSelection entry, (TableId Id, CatalogObject Object) table, EntryCatalog catalog, SqlServerDatabaseFacts database,
        CaptureMode defaultMode, IReadOnlyDictionary<TableId, DiscoveredTable> earlier)
    {
        var (requested, declared) = Request(entry, earlier.GetValueOrDefault(table.Id), defaultMode);
        var columns = catalog.Columns.Where(c => c.ObjectId == table.Object.ObjectId).ToList();
        return SqlServerTableBuilder.Build(table.Id, table.Object, columns, declared, requested, database,
            column => SqlServerSourceLog.ColumnSetSkipped(logger, table.Id, column));
    }

    /// <summary>
    /// The capture mode asked for a table (the entry's, else the one it resolved to before, else the source's) and its
    /// declared keys (a whole-schema entry declares none; keys equal to the ones derived before are not declarations).
    /// </summary>
    internal static (CaptureMode Requested, IReadOnlyList<string>? Declared) Request(TableSelection entry, DiscoveredTable? before, CaptureMode defaultMode)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var declared = entry.Table is null ? null : entry.KeyColumns;
        if (declared is not null && before is { KeysDeclared: false } && declared.SequenceEqual(before.Schema.KeyColumns, StringComparer.Ordinal)) declared = null;
        return (entry.CaptureMode ?? before?.Mode ?? defaultMode, declared);
    }

    /// <summary>The entry's tables, spelled exactly as the catalog spells them: the selection must name them exactly,
    /// since pipelines and staged data identify tables by name.</summary>
    internal static List<(TableId Id, CatalogObject Object)> Select(TableSelection entry, IReadOnlyList<CatalogObject> objects, ILogger logger)
    {
        if (entry.Table is not null)
        {
            var id = new TableId(entry.Schema, entry.Table);
            var exact = objects.FirstOrDefault(o => string.Equals(o.Name, entry.Table, StringComparison.Ordinal));
            if (exact is null)
            {
                var near = objects.Count > 0 ? objects[0] : null;
                throw new SourceException(near is null
                    ? $"Table {id} was not found in the source database."
                    : $"Table {id} was not found in the source database; it has {new TableId(entry.Schema, near.Name)} (names are matched exactly).");
            }
            if (!exact.IsTable) throw new SourceException($"{id} is a view, not a table; only tables can be captured.");
            return [(id, exact)];
        }

        var names = objects.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in entry.Exclude.Where(n => !names.Contains(n)))
            SqlServerSourceLog.ExcludedTableNotFound(logger, entry.Schema, name);
        var excluded = entry.Exclude.ToHashSet(StringComparer.Ordinal);
        return objects.Where(o => o.IsTable && !excluded.Contains(o.Name)).Select(o => (new TableId(entry.Schema, o.Name), o)).ToList();
    }

    private static async Task<EntryCatalog> ReadEntryAsync(SqlConnection connection, TableSelection entry, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(entry.Schema)) throw new SourceException("An object selection entry has no schema.");
        await using var command = new SqlCommand(SqlServerCatalog.SchemaSql, connection);
        command.Parameters.Add(new SqlParameter("@schema", SqlDbType.NVarChar, 128) { Value = entry.Schema });
        command.Parameters.Add(new SqlParameter("@table", SqlDbType.NVarChar, 128) { Value = (object?)entry.Table ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var schemas = await SqlServerCatalog.ReadSchemaNamesAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var objects = await SqlServerCatalog.ReadObjectsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var columns = await SqlServerCatalog.ReadColumnsAsync(reader, cancellationToken);
        CheckSchema(entry.Schema, schemas);
        return new EntryCatalog(objects, columns);
    }

    internal static void CheckSchema(string schema, IReadOnlyList<string> found)
    {
        if (found.Contains(schema, StringComparer.Ordinal)) return;
        throw new SourceException(found.Count == 0
            ? $"Schema \"{schema}\" was not found in the source database."
            : $"Schema \"{schema}\" was not found in the source database; it has \"{found[0]}\" (names are matched exactly).");
    }

    private sealed record EntryCatalog(List<CatalogObject> Objects, List<CatalogColumn> Columns);
}
