using Npgsql;

namespace Cdc.Core.Targets.Postgres;

/// <summary>A target table as the catalog describes it: columns in attribute order and the primary key.</summary>
internal sealed record ExistingTable(uint Oid, IReadOnlyList<TargetColumn> Columns, IReadOnlyList<string> PrimaryKey)
{
    public TargetColumn? Find(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}

/// <summary>Reads target tables' shapes from pg_catalog, by exact (case-sensitive) name, with names as parameters.</summary>
internal static class PgCatalog
{
    private const string TableOidSql = """
        SELECT c.oid FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
        """;

    private const string ColumnsSql = """
        SELECT a.attname, t.typname, a.atttypmod
        FROM pg_catalog.pg_attribute a
        JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """;

    private const string PrimaryKeySql = """
        SELECT a.attname
        FROM pg_catalog.pg_index i
        CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = $1 AND i.indisprimary
        ORDER BY k.position
        """;

    public static async Task<ExistingTable?> ReadTableAsync(NpgsqlConnection connection, string schema, string table, CancellationToken cancellationToken)
    {
        uint oid;
        await using (var command = new NpgsqlCommand(TableOidSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
            var result = await command.ExecuteScalarAsync(cancellationToken);
            if (result is not uint found) return null;
            oid = found;
        }

        var columns = new List<TargetColumn>();
        await using (var command = new NpgsqlCommand(ColumnsSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = oid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                columns.Add(new TargetColumn(reader.GetString(0), PgColumnType.FromCatalog(reader.GetString(1), reader.GetInt32(2))));
        }

        var primaryKey = new List<string>();
        await using (var command = new NpgsqlCommand(PrimaryKeySql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = oid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) primaryKey.Add(reader.GetString(0));
        }
        return new ExistingTable(oid, columns, primaryKey);
    }
}
