using Cdc.Core.Model;
using Npgsql;

namespace Cdc.Core.Metering;

/// <summary>A PostgreSQL table's row count as the planner's statistics estimate it (<c>pg_class.reltuples</c>), for
/// snapshot progress percentages; null before the table was ever vacuumed or analyzed.</summary>
internal static class PostgresRowEstimator
{
    private const string Query = """
        SELECT c.reltuples FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2
        """;

    public static Func<TableSchema, CancellationToken, Task<long?>> For(string connectionString) => async (table, cancellationToken) =>
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = table.Table.Schema });
        command.Parameters.Add(new NpgsqlParameter { Value = table.Table.Name });
        return await command.ExecuteScalarAsync(cancellationToken) is float estimate && estimate > 0 ? (long)estimate : null;
    };
}
