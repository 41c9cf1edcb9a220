using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Sources.SqlServer;
using Cdc.Core.Sources.SqlServer.Cdc;
using Cdc.Core.SqlServer;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

/// <summary>A throwaway database with CDC enabled, and waits for the capture job, for tests that need a server.</summary>
internal sealed class CdcTestServer : IAsyncDisposable
{
    /// <summary>The capture job scans the log every few seconds; a minute is far beyond what it needs.</summary>
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(90);

    private CdcTestServer(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public static async Task<CdcTestServer> CreateAsync(SqlServerFixture fixture, params string[] setup)
    {
        var server = new CdcTestServer(await fixture.NewDatabaseAsync("ingest_cdc"));
        // A tracked table of its own lets the tests move the capture job's end forward without touching theirs.
        await server.ExecuteAsync(
            "EXEC sys.sp_cdc_enable_db",
            "CREATE TABLE dbo.heartbeat (id int IDENTITY PRIMARY KEY, at datetime2 NOT NULL DEFAULT SYSDATETIME())",
            "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'heartbeat', @role_name = NULL");
        await server.ExecuteAsync(setup);
        return server;
    }

    /// <summary>What the readers of this database logged.</summary>
    public CapturedLog Log { get; } = new();

    public CdcReader Reader(bool manageCaptureInstances = false)
    {
        var connections = new SqlConnectionFactory(ConnectionString, SqlServerAuthentication.ConnectionString, readOnlyIntent: false);
        return new(connections, connections, manageCaptureInstances, TimeProvider.System, Log);
    }

    public Task ExecuteAsync(params string[] batches) => SqlServerFixture.ExecuteAsync(ConnectionString, batches);

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is T value ? value : default;
    }

    public async Task<SqlLsn?> LsnAsync(string sql) => await ScalarAsync<byte[]>(sql) is { } bytes ? SqlLsn.FromBytes(bytes) : null;

    /// <summary>Waits until the capture job has started <paramref name="instance"/> and its end has passed that start.</summary>
    public Task WaitForStartAsync(string instance) => WaitAsync(
        $"capture instance {instance} to start",
        async () => await LsnAsync($"SELECT sys.fn_cdc_get_min_lsn({SqlName.Literal(instance)})") is { IsZero: false } start
            && await LsnAsync("SELECT sys.fn_cdc_get_max_lsn()") is { } end && end >= start);

    /// <summary>Waits until the change table of <paramref name="instance"/> holds <paramref name="rows"/> rows.</summary>
    public Task WaitForRowsAsync(string instance, int rows) => WaitAsync(
        $"{rows} rows in the change table of {instance}",
        async () => await ScalarAsync<int>($"SELECT COUNT(*) FROM {SqlName.Qualified("cdc", instance + "_CT")}") >= rows);

    private async Task WaitAsync(string what, Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for {what} after {WaitLimit.TotalSeconds:0} s: is SQL Server Agent running?");
            await ExecuteAsync("INSERT INTO dbo.heartbeat DEFAULT VALUES");
            await Task.Delay(250);
        }
    }

    public static TableSchema Schema(string table, params (string Name, string Type, int MaxLength, int Precision, int Scale)[] columns) =>
        new(new TableId("dbo", table), columns.Select((c, i) => SqlServerTypeMapping.Map(c.Name, c.Type, c.MaxLength, c.Precision, c.Scale, nullable: i != 0)).ToList(), [columns[0].Name]);

    /// <summary>Disabling CDC removes its capture and cleanup jobs, which dropping the database would leave behind.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync("EXEC sys.sp_cdc_disable_db");
        }
        catch (SqlException)
        {
            // The fixture drops the database anyway.
        }
    }
}
