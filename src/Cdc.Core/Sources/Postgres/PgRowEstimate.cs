using Cdc.Core.Model;
using Npgsql;

namespace Cdc.Core.Sources.Postgres;

/// <summary>A table's row count as the planner's statistics estimate it (<c>pg_class.reltuples</c>), for snapshot
/// progress percentages; null before the table was ever vacuumed or analyzed.</summary>
internal static class PgRowEstimate
{
    private const string Query = """
        SELECT c.reltuples FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2
        """;

    public static async Task<long?> ReadAsync(NpgsqlDataSource dataSource, TableId table, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Query);
        command.Parameters.Add(new NpgsqlParameter { Value = table.Schema });
        command.Parameters.Add(new NpgsqlParameter { Value = table.Name });
        return await command.ExecuteScalarAsync(cancellationToken) is float estimate && estimate > 0 ? (long)estimate : null;
    }
}
