using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.Fixtures;

/// <summary>
/// Throwaway databases on the SQL Server named by <c>INGEST_TEST_SQLSERVER</c>. Each test creates its own database
/// with snapshot isolation and change tracking on (CDC is enabled per test, since it needs SQL Server Agent); every
/// database it created is dropped when the collection ends.
/// </summary>
public sealed class SqlServerFixture : IAsyncLifetime
{
    public const string Variable = "INGEST_TEST_SQLSERVER";

    private readonly List<string> _created = [];

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Creates a database and returns a connection string for it.</summary>
    public async Task<string> NewDatabaseAsync(string prefix = "ingest_test")
    {
        var server = ConnectionString ?? throw new InvalidOperationException($"{Variable} is not set.");
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 100)];
        await using (var connection = new SqlConnection(server))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, $"CREATE DATABASE {SqlName.Quote(name)}");
            lock (_created) _created.Add(name);
            await ExecuteAsync(connection, $"ALTER DATABASE {SqlName.Quote(name)} SET ALLOW_SNAPSHOT_ISOLATION ON");
            await ExecuteAsync(connection, $"ALTER DATABASE {SqlName.Quote(name)} SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 2 DAYS, AUTO_CLEANUP = ON)");
        }
        return new SqlConnectionStringBuilder(server) { InitialCatalog = name }.ConnectionString;
    }

    /// <summary>Runs statements (batches separated by the caller) against a database.</summary>
    public static async Task ExecuteAsync(string connectionString, params string[] batches)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var batch in batches) await ExecuteAsync(connection, batch);
    }

    private static async Task ExecuteAsync(SqlConnection connection, string sql)
    {
        await using var command = new SqlCommand(sql, connection) { CommandTimeout = 120 };
        await command.ExecuteNonQueryAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (ConnectionString is null || _created.Count == 0) return;
        await using var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync();
        foreach (var name in _created)
        {
            // CDC's jobs hold the database; SINGLE_USER with rollback ends them before the drop.
            await ExecuteAsync(connection, $"IF DB_ID({SqlName.Literal(name)}) IS NOT NULL BEGIN ALTER DATABASE {SqlName.Quote(name)} SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE {SqlName.Quote(name)}; END");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SqlServerCollection : ICollectionFixture<SqlServerFixture>
{
    public const string Name = "sqlserver";
}
