using Npgsql;

namespace Cdc.Core.Targets.Postgres;

/// <summary>Runs parameterless statements on the connection's current transaction.</summary>
internal static class PgCommands
{
    /// <returns>Rows affected.</returns>
    public static async Task<long> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first column of the first row as text, or null.</summary>
    public static async Task<string?> ReadTextAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Reads the single row of <paramref name="sql"/> as longs (counts).</summary>
    public static async Task<long[]> ReadCountsAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) throw new InvalidOperationException("A count query returned no row.");
        var counts = new long[reader.FieldCount];
        for (var i = 0; i < counts.Length; i++) counts[i] = reader.GetInt64(i);
        return counts;
    }
}
