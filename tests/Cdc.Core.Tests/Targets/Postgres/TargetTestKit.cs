using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Postgres;
using Cdc.Core.Staging;
using Cdc.Core.Targets;
using Cdc.Core.Tests.Fixtures;
using Npgsql;

namespace Cdc.Core.Tests.Targets.Postgres;

/// <summary>Hand-built batches and read-back helpers for the PostgreSQL target tests.</summary>
internal static class TargetTestKit
{
    public static readonly DateTimeOffset T0 = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ConditionalWeakTable<PostgresFixture, Lazy<Task<string>>> SharedDatabases = new();
    private static int _schemas;

    public static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds);

    public static TableSchema Schema(string table, IReadOnlyList<ColumnSchema> columns, params string[] keys) =>
        new(new TableId("src", table), columns, keys);

    /// <summary>id bigint key, name text, amount numeric(12,2).</summary>
    public static TableSchema Simple(string table = "items") => Schema(table,
        [new("id", LogicalType.Int64, Nullable: false), new("name", LogicalType.String), new("amount", LogicalType.Decimal, Precision: 12, Scale: 2)], "id");

    /// <summary>A flow into <paramref name="targetSchema"/>, or into a schema of its own when none is given, so that
    /// tests can share one database (<see cref="SharedDatabaseAsync"/>) without meeting each other's tables.</summary>
    public static IngestFlow Flow(TableSchema schema, string? targetSchema = null, string? targetTable = null, int scd = 1, bool softDeletes = false) =>
        new("pipe", schema.Table, targetSchema ?? $"ingest_{Interlocked.Increment(ref _schemas)}", targetTable ?? schema.Table.Name, scd, softDeletes);

    /// <summary>One database for all target tests of a run: creating a database costs a quarter of a second.</summary>
    public static Task<string> SharedDatabaseAsync(PostgresFixture postgres) =>
        SharedDatabases.GetValue(postgres, p => new Lazy<Task<string>>(() => p.NewDatabaseAsync("tgt_shared"))).Value;

    /// <summary>Snapshot chunks as the stream a load consumes.</summary>
    public static IAsyncEnumerable<CommitRecord> Chunks(params CommitRecord[] chunks) => chunks.ToAsyncEnumerable();

    public static CommitRecord Chunk(TableSchema schema, long sequence, bool final, int generation = 1, long rows = 0) =>
        new(CommitRecord.CurrentFormatVersion, schema.Table, sequence, BatchKind.SnapshotChunk, generation, final, null, null, null, schema, [], rows, T0);

    public static CommitRecord Changes(TableSchema schema, long sequence, int generation = 1, long rows = 0) =>
        new(CommitRecord.CurrentFormatVersion, schema.Table, sequence, BatchKind.Changes, generation, false, null, null, null, schema, [], rows, T0);

    public static ChangeRow Insert(DateTimeOffset at, params object?[] values) => new(ChangeKind.Insert, values, at);

    public static ChangeRow Update(DateTimeOffset at, params object?[] values) => new(ChangeKind.Update, values, at);

    public static ChangeRow Delete(DateTimeOffset at, params object?[] values) => new(ChangeKind.Delete, values, at);

    public static Numeric Dec(string text) => Numeric.Parse(text);

    public static async IAsyncEnumerable<ChangeRow> Rows(IEnumerable<ChangeRow> rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return row;
        }
    }

    /// <summary>Loads one single-chunk snapshot.</summary>
    public static Task<ApplyResult> LoadAsync(ITargetWriter writer, IngestFlow flow, TableSchema schema, long sequence, IEnumerable<ChangeRow> rows, int generation = 1) =>
        writer.LoadSnapshotAsync(flow, Chunks(Chunk(schema, sequence, final: true, generation)), _ => Rows(rows), CancellationToken.None);

    public static Task<ApplyResult> ApplyAsync(ITargetWriter writer, IngestFlow flow, TableSchema schema, long sequence, params ChangeRow[] rows) =>
        writer.ApplyChangesAsync(flow, Changes(schema, sequence), Rows(rows), CancellationToken.None);

    /// <summary>Every row of <paramref name="sql"/> as CLR values (DBNull as null).</summary>
    public static async Task<List<object?[]>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        var rows = await QueryAsync(connectionString, sql);
        return rows.Count == 0 ? null : rows[0][0];
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static string Q(string schema, string table) => PgIdentifier.Qualified(schema, table);

    public static string Q(IngestFlow flow) => PgIdentifier.Qualified(flow.TargetSchema, flow.TargetTable);

    /// <summary>The (id, name, amount as text) rows of a <see cref="Simple"/> target, by id.</summary>
    public static async Task<List<(long Id, string? Name, string? Amount)>> SimpleRowsAsync(string connectionString, IngestFlow flow, string where = "true")
    {
        var rows = await QueryAsync(connectionString, $"SELECT id, name, amount::text FROM {Q(flow)} WHERE {where} ORDER BY id");
        return rows.Select(r => ((long)r[0]!, (string?)r[1], (string?)r[2])).ToList();
    }

    /// <summary>The column names of a table in attribute order, with format_type's spelling of their types.</summary>
    public static async Task<List<(string Name, string Type)>> ColumnsAsync(string connectionString, IngestFlow flow)
    {
        var rows = await QueryAsync(connectionString,
            $"SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '{Q(flow).Replace("'", "''", StringComparison.Ordinal)}'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
        return rows.Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
    }
}
