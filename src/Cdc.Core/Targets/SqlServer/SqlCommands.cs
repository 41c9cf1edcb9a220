using System.Data;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>Runs statements on a connection's transaction. Apply statements may legitimately run long, so they have
/// no command timeout; the caller's cancellation token stops them.</summary>
internal static class SqlCommands
{
    public static SqlCommand Create(SqlConnection connection, SqlTransaction? transaction, string sql) =>
        new(sql, connection, transaction) { CommandTimeout = 0 };

    /// <returns>Rows affected.</returns>
    public static async Task<long> ExecuteAsync(SqlConnection connection, SqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Create(connection, transaction, sql);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads the single row of <paramref name="sql"/> as longs (counts).</summary>
    public static async Task<long[]> ReadCountsAsync(SqlConnection connection, SqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Create(connection, transaction, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) throw new InvalidOperationException("A count query returned no row.");
        var counts = new long[reader.FieldCount];
        for (var i = 0; i < counts.Length; i++) counts[i] = reader.GetInt64(i);
        return counts;
    }

    /// <summary>A name parameter (sysname is nvarchar(128)).</summary>
    public static SqlParameter Name(string parameter, string value) =>
        new(parameter, SqlDbType.NVarChar, 128) { Value = value };
}
