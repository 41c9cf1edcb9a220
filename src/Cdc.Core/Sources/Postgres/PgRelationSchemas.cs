using Cdc.Core.Model;
using Npgsql;
using Npgsql.Replication.PgOutput.Messages;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// Turns a pgoutput Relation message into the table's schema. While its columns match the schema already known
/// (names, order, logical types and limits), that schema is kept as it is; otherwise a new one is built from the
/// message (types and modifiers) and the catalog (nullability, type names), with the same keys.
/// </summary>
internal sealed class PgRelationSchemas(NpgsqlDataSource dataSource, PgTypeCatalog types)
{
    private const string ColumnFactsSql = """
        SELECT x.name, COALESCE(a.attnotnull, false), pg_catalog.format_type(x.type, x.typmod)
        FROM unnest($2::text[], $3::oid[], $4::int4[]) WITH ORDINALITY AS x(name, type, typmod, position)
        LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = $1 AND a.attname = x.name AND NOT a.attisdropped
        ORDER BY x.position
        """;

    public async Task<PgTableInfo> ResolveAsync(RelationMessage relation, TableSchema known, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relation);
        ArgumentNullException.ThrowIfNull(known);
        var columns = relation.Columns;
        var facts = await types.GetAsync(columns.Select(c => c.DataTypeId), cancellationToken);
        var mapped = new PgColumnType[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            if (!PgTypeMapping.TryMap(facts[columns[i].DataTypeId], columns[i].TypeModifier, out mapped[i], out var reason))
                throw new SourceException(
                    $"Column \"{columns[i].ColumnName}\" of table {known.Table} now has type {facts[columns[i].DataTypeId].Name}, which cannot be captured: {reason}. " +
                    $"Supported types: {PgTableDiscovery.SupportedTypes}. Change the column back, or exclude the table.");
        }

        if (Matches(known, columns, mapped)) return new PgTableInfo(known, mapped);

        var schemaColumns = new List<ColumnSchema>(columns.Count);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand(ColumnFactsSql, connection))
        {
            command.Parameters.Add(PgParameters.Oid(relation.RelationId));
            command.Parameters.Add(new NpgsqlParameter { Value = columns.Select(c => c.ColumnName).ToArray() });
            command.Parameters.Add(PgParameters.Oids(columns.Select(c => c.DataTypeId).ToArray()));
            command.Parameters.Add(new NpgsqlParameter { Value = columns.Select(c => c.TypeModifier).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var i = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                var type = mapped[i];
                schemaColumns.Add(new ColumnSchema(reader.GetString(0), type.Type, !reader.GetBoolean(1), type.MaxLength, type.Precision, type.Scale, reader.GetString(2)));
                i++;
            }
        }
        var missingKeys = known.KeyColumns.Where(k => !schemaColumns.Any(c => c.Name == k)).ToList();
        if (missingKeys.Count > 0)
            throw new SourceException(
                $"Key column{(missingKeys.Count > 1 ? "s" : "")} {string.Join(", ", missingKeys.Select(k => $"\"{k}\""))} of table {known.Table} no longer exist in the change stream (dropped or renamed); " +
                "the table must be fully refreshed with its new key.");
        return new PgTableInfo(new TableSchema(known.Table, schemaColumns, known.KeyColumns), mapped);
    }

    private static bool Matches(TableSchema known, IReadOnlyList<RelationMessage.Column> columns, PgColumnType[] mapped)
    {
        if (known.Columns.Count != columns.Count) return false;
        for (var i = 0; i < columns.Count; i++)
        {
            var column = known.Columns[i];
            var type = mapped[i];
            if (column.Name != columns[i].ColumnName || column.Type != type.Type || column.MaxLength != type.MaxLength
                || column.Precision != type.Precision || column.Scale != type.Scale)
                return false;
        }
        return true;
    }
}
