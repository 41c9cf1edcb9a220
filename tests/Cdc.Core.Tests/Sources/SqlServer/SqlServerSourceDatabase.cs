using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.SqlServer;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.Sources.SqlServer;

/// <summary>A fresh database (snapshot isolation and change tracking on) and connectors over it, for tests with a server.</summary>
internal sealed class SqlServerSourceDatabase
{
    private SqlServerSourceDatabase(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public static async Task<SqlServerSourceDatabase> CreateAsync(SqlServerFixture fixture, params string[] setup)
    {
        var database = new SqlServerSourceDatabase(await fixture.NewDatabaseAsync("ingest_src"));
        await database.ExecuteAsync(setup);
        return database;
    }

    public Task ExecuteAsync(params string[] batches) => SqlServerFixture.ExecuteAsync(ConnectionString, batches);

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is T value ? value : default;
    }

    public SqlServerSourceConnector Connector(CaptureMode mode = CaptureMode.Auto) =>
        new(new SqlConnectionFactory(ConnectionString, SqlServerAuthentication.ConnectionString, readOnlyIntent: true), new SqlServerSourceOptions(mode), NullLogger.Instance);

    public static TableSelection Table(string schema, string table, IReadOnlyList<string>? keys = null, CaptureMode? mode = null) =>
        new(schema, table, keys, [], mode);

    public static async Task<List<object?[]>> ReadAllAsync(ISourceConnector connector, TableSchema table, int chunkRows = 1000)
    {
        var rows = new List<object?[]>();
        object?[]? after = null;
        while (true)
        {
            var chunk = new List<object?[]>();
            await foreach (var row in connector.ReadSnapshotChunkAsync(table, after, chunkRows, CancellationToken.None)) chunk.Add(row);
            rows.AddRange(chunk);
            if (chunk.Count < chunkRows) return rows;
            after = table.KeyOrdinals.Select(o => chunk[^1][o]).ToArray();
        }
    }

    public static async Task<(RecordedChanges Changes, string? Reached)> CaptureAsync(ISourceConnector connector, TableSchema table, string after)
    {
        var sink = new RecordedChanges();
        var reached = await connector.CaptureChangesAsync([new CaptureTable(table, after)], sink, CancellationToken.None);
        return (sink, reached);
    }
}
