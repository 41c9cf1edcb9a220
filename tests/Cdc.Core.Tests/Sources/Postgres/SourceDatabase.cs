using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Sources.Postgres;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Cdc.Core.Tests.Sources.Postgres;

/// <summary>A fresh database for one test, with its own slot and publication names; drops the slot afterwards,
/// since slots are shared by the whole cluster.</summary>
internal sealed class SourceDatabase : IAsyncDisposable
{
    private readonly List<PostgresSourceConnector> _connectors = [];

    private SourceDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        Slot = "src_test_" + Guid.NewGuid().ToString("N")[..16];
        Publication = Slot + "_pub";
    }

    public string ConnectionString { get; }

    public string Slot { get; }

    public string Publication { get; }

    public static async Task<SourceDatabase> CreateAsync(PostgresFixture fixture, params string[] setup)
    {
        var database = new SourceDatabase(await fixture.NewDatabaseAsync("src"));
        foreach (var sql in setup) await database.ExecuteAsync(sql);
        return database;
    }

    public PostgresSourceConnector Connector()
    {
        var connector = new PostgresSourceConnector(ConnectionString, Slot, Publication, NullLogger.Instance);
        _connectors.Add(connector);
        return connector;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Discovers and prepares <paramref name="selection"/> with a new connector.</summary>
    public async Task<(PostgresSourceConnector Connector, IReadOnlyList<TableSchema> Tables)> PreparedAsync(params TableSelection[] selection)
    {
        var connector = Connector();
        var tables = await connector.DiscoverAsync(selection, CancellationToken.None);
        await connector.PrepareAsync(tables, CancellationToken.None);
        return (connector, tables);
    }

    public static TableSelection Table(string schema, string table, params string[] keys) => new(schema, table, keys.Length == 0 ? null : keys, []);

    public static TableSelection Schema(string schema, params string[] exclude) => new(schema, null, null, exclude);

    public async ValueTask DisposeAsync()
    {
        foreach (var connector in _connectors) await connector.DisposeAsync();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await using (var drop = new NpgsqlCommand("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NULL", connection))
            {
                drop.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Slot });
                await drop.ExecuteNonQueryAsync();
            }
            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1", connection);
            count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Slot });
            if ((long)(await count.ExecuteScalarAsync())! == 0) return;
            await Task.Delay(50);
        }
    }
}

/// <summary>Records what a capture hands over.</summary>
internal sealed class RecordingSink : IChangeSink
{
    public List<(TableSchema Schema, ChangeRow Row)> Changes { get; } = [];

    public List<string> Commits { get; } = [];

    public List<string> Announced { get; } = [];

    /// <summary>Rows of each committed transaction, in order.</summary>
    public List<List<(TableSchema Schema, ChangeRow Row)>> Transactions { get; } = [];

    private List<(TableSchema, ChangeRow)> _open = [];

    public ValueTask BeginTransactionAsync(string commitPosition, CancellationToken cancellationToken)
    {
        Announced.Add(commitPosition);
        return ValueTask.CompletedTask;
    }

    public ValueTask AdvanceAsync(TableId table, string position, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A replication slot's position is source-wide; PostgreSQL never advances one table.");

    public ValueTask ChangeAsync(TableSchema schema, ChangeRow row, CancellationToken cancellationToken)
    {
        Changes.Add((schema, row));
        _open.Add((schema, row));
        return ValueTask.CompletedTask;
    }

    public ValueTask CommitAsync(string position, CancellationToken cancellationToken)
    {
        Commits.Add(position);
        Transactions.Add(_open);
        _open = [];
        return ValueTask.CompletedTask;
    }
}
