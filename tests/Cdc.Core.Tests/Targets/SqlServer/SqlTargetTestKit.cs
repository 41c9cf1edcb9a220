using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.SqlServer;
using Cdc.Core.Staging;
using Cdc.Core.Targets;
using Cdc.Core.Targets.SqlServer;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.Targets.SqlServer;

/// <summary>Hand-built batches and read-back helpers for the SQL Server target tests.</summary>
internal static class SqlTargetTestKit
{
    public static readonly DateTimeOffset T0 = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ConditionalWeakTable<SqlServerFixture, Lazy<Task<string>>> SharedDatabases = new();
    private static int _schemas;

    public static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds);

    public static TableSchema Schema(string table, IReadOnlyList<ColumnSchema> columns, params string[] keys) =>
        new(new TableId("src", table), columns, keys);

    /// <summary>id bigint key, name text, amount numeric(12,2).</summary>
    public static TableSchema Simple(string table = "items") => Schema(table,
        [new("id", LogicalType.Int64, Nullable: false), new("name", LogicalType.String), new("amount", LogicalType.Decimal, Precision: 12, Scale: 2)], "id");

    /// <summary>A flow into <paramref name="targetSchema"/>, or into a schema of its own when none is given, so that
    /// tests can share one database without meeting each other's tables.</summary>
    public static IngestFlow Flow(TableSchema schema, string? targetSchema = null, string? targetTable = null, int scd = 1, bool softDeletes = false) =>
        new("pipe", schema.Table, targetSchema ?? $"ingest_{Interlocked.Increment(ref _schemas)}", targetTable ?? schema.Table.Name, scd, softDeletes);

    public static SqlTargetLayout Layout(TableSchema schema, int scd = 1, bool softDeletes = false, string targetSchema = "dbo", string? targetTable = null) =>
        SqlTargetLayout.For(Flow(schema, targetSchema, targetTable, scd, softDeletes), schema);

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

    public static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }

    /// <summary>Copies of staged rows: their source reuses one array row after row.</summary>
    public static async Task<List<object?[]>> CopiesAsync(IAsyncEnumerable<object?[]> rows)
    {
        var list = new List<object?[]>();
        await foreach (var row in rows) list.Add((object?[])row.Clone());
        return list;
    }

    /// <summary>One database for the target tests of a run: creating a database takes a while.</summary>
    public static Task<string> SharedDatabaseAsync(SqlServerFixture fixture) =>
        SharedDatabases.GetValue(fixture, f => new Lazy<Task<string>>(() => f.NewDatabaseAsync("tgt_shared"))).Value;

    public static SqlServerTargetWriter Writer(string connectionString) =>
        new(new SqlConnectionFactory(connectionString, SqlServerAuthentication.ConnectionString, readOnlyIntent: false));

    public static Task<ApplyResult> LoadAsync(ITargetWriter writer, IngestFlow flow, TableSchema schema, long sequence, IEnumerable<ChangeRow> rows, int generation = 1) =>
        writer.LoadSnapshotAsync(flow, Chunks(Chunk(schema, sequence, final: true, generation)), _ => Rows(rows), CancellationToken.None);

    public static Task<ApplyResult> ApplyAsync(ITargetWriter writer, IngestFlow flow, TableSchema schema, long sequence, params ChangeRow[] rows) =>
        writer.ApplyChangesAsync(flow, Changes(schema, sequence), Rows(rows), CancellationToken.None);

    /// <summary>Every row of <paramref name="sql"/> as CLR values (DBNull as null).</summary>
    public static async Task<List<object?[]>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(sql, connection);
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

    public static string Q(IngestFlow flow) => SqlName.Qualified(flow.TargetSchema, flow.TargetTable);

    /// <summary>The (id, name, amount as text) rows of a <see cref="Simple"/> target, by id.</summary>
    public static async Task<List<(long Id, string? Name, string? Amount)>> SimpleRowsAsync(string connectionString, IngestFlow flow, string where = "1 = 1")
    {
        var rows = await QueryAsync(connectionString, $"SELECT id, name, CAST(amount AS nvarchar(40)) FROM {Q(flow)} WHERE {where} ORDER BY id");
        return rows.Select(r => ((long)r[0]!, (string?)r[1], (string?)r[2])).ToList();
    }

    /// <summary>The columns of a table in column order, with their types spelled as <see cref="SqlColumnType.Sql"/>.</summary>
    public static async Task<List<(string Name, string Type)>> ColumnsAsync(string connectionString, IngestFlow flow)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(SqlCatalog.ColumnsSql, connection);
        command.Parameters.AddWithValue("@schema", flow.TargetSchema);
        command.Parameters.AddWithValue("@table", flow.TargetTable);
        await using var reader = await command.ExecuteReaderAsync();
        var table = await SqlCatalog.MapAsync(reader, CancellationToken.None);
        return table!.Columns.Select(c => (c.Name, c.Type.Sql)).ToList();
    }

    /// <summary>The primary key columns of a table, in key order.</summary>
    public static async Task<List<string>> PrimaryKeyAsync(string connectionString, IngestFlow flow)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(SqlCatalog.ColumnsSql, connection);
        command.Parameters.AddWithValue("@schema", flow.TargetSchema);
        command.Parameters.AddWithValue("@table", flow.TargetTable);
        await using var reader = await command.ExecuteReaderAsync();
        return (await SqlCatalog.MapAsync(reader, CancellationToken.None))!.PrimaryKey.ToList();
    }
}
