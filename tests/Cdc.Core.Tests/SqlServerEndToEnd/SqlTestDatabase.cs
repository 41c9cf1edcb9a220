using Cdc.Core.Tests.Fixtures;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>Small helpers for talking to a test database directly, beside the pipeline.</summary>
public static class SqlTestDatabase
{
    public static async Task<SqlConnection> OpenAsync(string connectionString)
    {
        var connection = new SqlConnection(connectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs each batch on its own, in order, each in its own (autocommit) transaction.</summary>
    public static Task ExecuteAsync(string connectionString, params string[] batches) => SqlServerFixture.ExecuteAsync(connectionString, batches);

    public static async Task ExecuteAsync(string connectionString, SqlStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        await using var connection = await OpenAsync(connectionString);
        await using var command = statement.ToCommand(connection, null);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row; default when there is no row or it is NULL.</summary>
    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params SqlParameter[] parameters)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new SqlCommand(sql, connection) { CommandTimeout = 120 };
        command.Parameters.AddRange(parameters);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }
}
