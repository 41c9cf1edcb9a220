using Cdc.Core.Model;
using Cdc.Core.Postgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// Resolves a pipeline's object selection against pg_catalog: which tables, their columns in attnum order with exact
/// types, and their keys. Every table that cannot be captured is reported in one <see cref="SourceException"/>.
/// </summary>
internal sealed class PgTableDiscovery(NpgsqlDataSource dataSource, PgTypeCatalog types, ILogger logger)
{
    private const string SchemaExistsSql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)";

    private const string RelationsSql = """
        SELECT c.oid, c.relname, c.relkind, c.relreplident, c.relispartition
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND ($2::text IS NULL OR c.relname = $2) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        ORDER BY c.relname
        """;

    // Generated columns are left out: pgoutput does not send them, so capture could never fill them in.
    private const string ColumnsSql = """
        SELECT a.attrelid, a.attname, a.atttypid, a.atttypmod, a.attnotnull, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attgenerated <> ''
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum
        """;

    private const string KeyIndexesSql = """
        SELECT i.indrelid, i.indisprimary, i.indisreplident, a.attname
        FROM pg_catalog.pg_index i
        CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = ANY($1) AND (i.indisprimary OR i.indisreplident)
        ORDER BY i.indrelid, i.indexrelid, k.ord
        """;

    private const string LeafPartitionsSql = """
        SELECT p.oid, c.oid, n.nspname, c.relname, c.relreplident
        FROM unnest($1::oid[]) AS p(oid)
        CROSS JOIN LATERAL pg_catalog.pg_partition_tree(p.oid::regclass) AS t
        JOIN pg_catalog.pg_class c ON c.oid = t.relid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE t.isleaf
        """;

    private const string TableColumnsSql = """
        SELECT a.attname, a.atttypid, a.atttypmod
        FROM pg_catalog.pg_attribute a
        JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
        """;

    /// <summary>How to read the columns of a schema discovered earlier (or built from the change stream), from the
    /// current catalog; fails if a column is gone or now has another logical type.</summary>
    public async Task<PgTableInfo> DescribeAsync(TableSchema table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var current = new Dictionary<string, (uint Type, int Typmod)>(StringComparer.Ordinal);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand(TableColumnsSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Table.Schema });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Table.Name });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) current[reader.GetString(0)] = (reader.GetFieldValue<uint>(1), reader.GetInt32(2));
        }
        if (current.Count == 0) throw new SourceException($"Table {table.Table} was not found in the source database (names are case-sensitive).");

        var facts = await types.GetAsync(current.Values.Select(c => c.Type), cancellationToken);
        var columnTypes = new List<PgColumnType>(table.Columns.Count);
        foreach (var column in table.Columns)
        {
            if (!current.TryGetValue(column.Name, out var found))
                throw new SourceException($"Column \"{column.Name}\" of table {table.Table} no longer exists in the source; the table's schema changed since it was discovered.");
            if (!PgTypeMapping.TryMap(facts[found.Type], found.Typmod, out var mapped, out _) || mapped.Type != column.Type)
                throw new SourceException($"Column \"{column.Name}\" of table {table.Table} no longer has type {column.SourceType ?? column.Type.ToString()} in the source; the table's schema changed since it was discovered.");
            columnTypes.Add(mapped);
        }
        return new PgTableInfo(table, columnTypes);
    }

    public async Task<IReadOnlyList<PgTableInfo>> DiscoverAsync(IReadOnlyList<TableSelection> selection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var problems = new List<string>();

        // Explicit table entries come first so that their declared keys win over a whole-schema entry naming the same table.
        var chosen = new Dictionary<TableId, Relation>();
        foreach (var entry in selection.OrderBy(e => e.Table is null ? 1 : 0))
        {
            try
            {
                foreach (var relation in await ResolveEntryAsync(connection, entry, cancellationToken))
                    chosen.TryAdd(relation.Table, relation);
            }
            catch (SourceException ex)
            {
                problems.Add(ex.Message);
            }
        }

        var relations = chosen.Values.OrderBy(r => r.Table).ToList();
        var tables = relations.Count == 0 ? [] : await DescribeAsync(connection, relations, problems, cancellationToken);
        if (problems.Count > 0)
            throw new SourceException(problems.Count == 1 ? problems[0] : $"{problems.Count} selected objects cannot be captured:{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", problems));
        return tables;
    }

    private async Task<List<Relation>> ResolveEntryAsync(NpgsqlConnection connection, TableSelection entry, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(entry.Schema)) throw new SourceException("An object selection entry has no schema.");
        await using (var exists = new NpgsqlCommand(SchemaExistsSql, connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.Schema });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
                throw new SourceException($"Schema \"{entry.Schema}\" was not found in the source database (names are case-sensitive).");
        }

        var found = new List<Relation>();
        await using (var command = new NpgsqlCommand(RelationsSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.Schema });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.Table ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                found.Add(new Relation(new TableId(entry.Schema, reader.GetString(1)), reader.GetFieldValue<uint>(0), reader.GetChar(2), reader.GetChar(3),
                    reader.GetBoolean(4), entry.Table is null ? null : entry.KeyColumns));
        }

        if (entry.Table is not null)
        {
            var table = new TableId(entry.Schema, entry.Table);
            var relation = found.SingleOrDefault() ?? throw new SourceException($"Table {table} was not found in the source database (names are case-sensitive).");
            if (relation.Kind is not ('r' or 'p'))
                throw new SourceException($"{table} is {KindName(relation.Kind)}, not a table; only tables can be captured.");
            return [relation];
        }

        var excluded = entry.Exclude.ToHashSet(StringComparer.Ordinal);
        foreach (var name in excluded.Where(n => !found.Any(r => r.Table.Name == n)))
            PostgresSourceLog.ExcludedTableNotFound(logger, entry.Schema, name);
        // Partitions are captured through their partitioned table, whose name their changes carry.
        return found.Where(r => r.Kind is 'r' or 'p' && !r.IsPartition && !excluded.Contains(r.Table.Name)).ToList();
    }

    private async Task<List<PgTableInfo>> DescribeAsync(NpgsqlConnection connection, List<Relation> relations, List<string> problems, CancellationToken cancellationToken)
    {
        var leaves = await ReadLeavesAsync(connection, relations.Where(r => r.Kind == 'p').Select(r => r.Oid).ToArray(), cancellationToken);
        var oids = relations.Select(r => r.Oid).Concat(leaves.Values.SelectMany(l => l).Select(l => l.Oid)).Distinct().ToArray();
        var columns = await ReadColumnsAsync(connection, relations.Select(r => r.Oid).ToArray(), cancellationToken);
        var (primaryKeys, identityIndexes) = await ReadKeyIndexesAsync(connection, oids, cancellationToken);
        var typeFacts = await types.GetAsync(columns.Values.SelectMany(c => c).Select(c => c.TypeOid), cancellationToken);

        var tables = new List<PgTableInfo>();
        foreach (var relation in relations)
        {
            try
            {
                var rawColumns = columns.GetValueOrDefault(relation.Oid) ?? [];
                var schemaColumns = new List<ColumnSchema>();
                var columnTypes = new List<PgColumnType>();
                foreach (var column in rawColumns)
                {
                    if (column.Generated)
                    {
                        PostgresSourceLog.GeneratedColumnSkipped(logger, relation.Table, column.Name);
                        continue;
                    }
                    if (!PgTypeMapping.TryMap(typeFacts[column.TypeOid], column.Typmod, out var mapped, out var reason))
                        throw new SourceException($"Column \"{column.Name}\" of table {relation.Table} has type {column.FormattedType}, which cannot be captured: {reason}. " +
                            $"Supported types: {SupportedTypes}. Exclude the table, or change the column's type.");
                    schemaColumns.Add(new ColumnSchema(column.Name, mapped.Type, !column.NotNull, mapped.MaxLength, mapped.Precision, mapped.Scale, column.FormattedType));
                    columnTypes.Add(mapped);
                }
                if (schemaColumns.Count == 0) throw new SourceException($"Table {relation.Table} has no columns that can be captured.");

                var quoted = PgIdentifier.Qualified(relation.Table);
                var primaryKey = primaryKeys.GetValueOrDefault(relation.Oid) ?? [];
                var identity = relation.Kind == 'p' && leaves.TryGetValue(relation.Oid, out var parts) && parts.Count > 0
                    ? PartitionedIdentity(schemaColumns, primaryKey, parts, primaryKeys, identityIndexes)
                    : Identity(relation.ReplicaIdentity, schemaColumns, primaryKey, identityIndexes.GetValueOrDefault(relation.Oid), []);
                var keys = PgKeyResolver.Resolve(relation.Table, quoted, schemaColumns, primaryKey, identity, relation.DeclaredKeys,
                    name => columnTypes[schemaColumns.FindIndex(c => c.Name == name)].Orderable);
                tables.Add(new PgTableInfo(new TableSchema(relation.Table, schemaColumns, keys), columnTypes));
            }
            catch (SourceException ex)
            {
                problems.Add(ex.Message);
            }
        }
        return tables;
    }

    private static PgReplicaIdentity Identity(char setting, List<ColumnSchema> columns, IReadOnlyList<string> primaryKey, IReadOnlyList<string>? identityIndex, IReadOnlyList<string> fixTargets) =>
        setting switch
        {
            'f' => new PgReplicaIdentity(columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal), null, true, fixTargets, "REPLICA IDENTITY FULL"),
            'i' when identityIndex is { Count: > 0 } => new PgReplicaIdentity(identityIndex.ToHashSet(StringComparer.Ordinal), identityIndex, false, fixTargets,
                $"REPLICA IDENTITY USING INDEX on ({string.Join(", ", identityIndex)})"),
            'd' when primaryKey.Count > 0 => new PgReplicaIdentity(primaryKey.ToHashSet(StringComparer.Ordinal), null, false, fixTargets,
                $"REPLICA IDENTITY DEFAULT, the primary key ({string.Join(", ", primaryKey)})"),
            'n' => new PgReplicaIdentity(new HashSet<string>(), null, false, fixTargets, "REPLICA IDENTITY NOTHING"),
            _ => new PgReplicaIdentity(new HashSet<string>(), null, false, fixTargets, "REPLICA IDENTITY DEFAULT without a primary key"),
        };

    /// <summary>The WAL of a partitioned table is written by its leaf partitions, each with its own replica identity:
    /// only columns that every leaf sends are usable.</summary>
    private static PgReplicaIdentity PartitionedIdentity(
        List<ColumnSchema> columns, IReadOnlyList<string> primaryKey, List<Leaf> leaves,
        Dictionary<uint, List<string>> primaryKeys, Dictionary<uint, List<string>> identityIndexes)
    {
        var notFull = leaves.Where(l => l.ReplicaIdentity != 'f').Select(l => PgIdentifier.Qualified(l.Table)).ToList();
        HashSet<string>? common = null;
        foreach (var leaf in leaves)
        {
            var leafIdentity = Identity(leaf.ReplicaIdentity, columns, primaryKeys.GetValueOrDefault(leaf.Oid) ?? [], identityIndexes.GetValueOrDefault(leaf.Oid), []);
            common = common is null ? leafIdentity.Columns.ToHashSet(StringComparer.Ordinal) : common.Intersect(leafIdentity.Columns, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        }
        var full = notFull.Count == 0;
        var description = full ? "REPLICA IDENTITY FULL on every partition"
            : common!.Count > 0 && primaryKey.Count > 0 && primaryKey.All(common.Contains) ? $"the primary key ({string.Join(", ", primaryKey)}) on every partition"
            : "the replica identities of its partitions";
        return new PgReplicaIdentity(common!, null, full, notFull, description);
    }

    private static async Task<Dictionary<uint, List<RawColumn>>> ReadColumnsAsync(NpgsqlConnection connection, uint[] oids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<uint, List<RawColumn>>();
        await using var command = new NpgsqlCommand(ColumnsSql, connection);
        command.Parameters.Add(PgParameters.Oids(oids));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var relation = reader.GetFieldValue<uint>(0);
            if (!result.TryGetValue(relation, out var list)) result[relation] = list = [];
            list.Add(new RawColumn(reader.GetString(1), reader.GetFieldValue<uint>(2), reader.GetInt32(3), reader.GetBoolean(4), reader.GetString(5), reader.GetBoolean(6)));
        }
        return result;
    }

    private static async Task<(Dictionary<uint, List<string>> PrimaryKeys, Dictionary<uint, List<string>> IdentityIndexes)> ReadKeyIndexesAsync(
        NpgsqlConnection connection, uint[] oids, CancellationToken cancellationToken)
    {
        var primaryKeys = new Dictionary<uint, List<string>>();
        var identityIndexes = new Dictionary<uint, List<string>>();
        await using var command = new NpgsqlCommand(KeyIndexesSql, connection);
        command.Parameters.Add(PgParameters.Oids(oids));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var relation = reader.GetFieldValue<uint>(0);
            var column = reader.GetString(3);
            if (reader.GetBoolean(1)) Append(primaryKeys, relation, column);
            if (reader.GetBoolean(2)) Append(identityIndexes, relation, column);
        }
        return (primaryKeys, identityIndexes);

        static void Append(Dictionary<uint, List<string>> map, uint relation, string column)
        {
            if (!map.TryGetValue(relation, out var list)) map[relation] = list = [];
            list.Add(column);
        }
    }

    private static async Task<Dictionary<uint, List<Leaf>>> ReadLeavesAsync(NpgsqlConnection connection, uint[] partitioned, CancellationToken cancellationToken)
    {
        var result = new Dictionary<uint, List<Leaf>>();
        if (partitioned.Length == 0) return result;
        await using var command = new NpgsqlCommand(LeafPartitionsSql, connection);
        command.Parameters.Add(PgParameters.Oids(partitioned));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var root = reader.GetFieldValue<uint>(0);
            if (!result.TryGetValue(root, out var list)) result[root] = list = [];
            list.Add(new Leaf(reader.GetFieldValue<uint>(1), new TableId(reader.GetString(2), reader.GetString(3)), reader.GetChar(4)));
        }
        return result;
    }

    private static string KindName(char kind) => kind switch
    {
        'v' => "a view",
        'm' => "a materialized view",
        'f' => "a foreign table",
        _ => $"a relation of kind '{kind}'",
    };

    internal const string SupportedTypes =
        "boolean, smallint, integer, bigint, real, double precision, numeric, text, varchar, char, name, citext, enums, bytea, uuid, json, jsonb, date, time, timestamp, timestamptz, and domains over these";

    private sealed record Relation(TableId Table, uint Oid, char Kind, char ReplicaIdentity, bool IsPartition, IReadOnlyList<string>? DeclaredKeys);

    private sealed record RawColumn(string Name, uint TypeOid, int Typmod, bool NotNull, string FormattedType, bool Generated);

    private sealed record Leaf(uint Oid, TableId Table, char ReplicaIdentity);
}
