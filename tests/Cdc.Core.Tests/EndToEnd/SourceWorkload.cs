using Cdc.Core.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Cdc.Core.Tests.EndToEnd;

/// <summary>
/// Creates the workload tables at a PostgreSQL source and mutates them at random: inserts, updates of random column
/// subsets (leaving large values unchanged, so they arrive as unchanged TOAST), deletes and key changes, grouped into
/// transactions of several statements. Seeded, so a failure reproduces.
/// </summary>
public sealed class SourceWorkload(string connectionString, int seed)
{
    private readonly Random _random = new(seed);
    private readonly ValueGenerator _values = new(new Random(seed * 31 + 7));

    public IReadOnlyList<WorkloadTable> Tables { get; } = WorkloadTable.All;

    public async Task CreateTablesAsync()
    {
        await using var connection = await OpenAsync();
        foreach (var table in Tables)
        {
            var columns = string.Join(", ", table.Columns.Select(c => $"{PgIdentifier.Quote(c.Name)} {c.SqlType}{(table.Keys.Contains(c.Name) ? " NOT NULL" : "")}"));
            var keys = string.Join(", ", table.Keys.Select(PgIdentifier.Quote));
            await ExecuteAsync(connection, null, $"CREATE SCHEMA IF NOT EXISTS {PgIdentifier.Quote(table.Schema)}; CREATE TABLE {PgIdentifier.Qualified(table.Schema, table.Name)} ({columns}, PRIMARY KEY ({keys}))");
        }
    }

    /// <summary>One round of random changes on every table.</summary>
    public async Task RunRoundAsync(int inserts = 25, int updates = 15, int deletes = 6, int keyChanges = 2)
    {
        await using var connection = await OpenAsync();
        foreach (var table in Tables)
        {
            var operations = new List<Func<NpgsqlTransaction, Task>>();
            var keys = await ReadKeysAsync(connection, table);
            for (var i = 0; i < inserts; i++) operations.Add(tx => InsertAsync(connection, tx, table));
            for (var i = 0; i < updates && keys.Count > 0; i++)
            {
                var key = keys[_random.Next(keys.Count)];
                operations.Add(tx => UpdateAsync(connection, tx, table, key));
            }
            for (var i = 0; i < keyChanges && keys.Count > 0; i++)
            {
                var key = keys[_random.Next(keys.Count)];
                operations.Add(tx => ChangeKeyAsync(connection, tx, table, key));
            }
            for (var i = 0; i < deletes && keys.Count > 0; i++)
            {
                var key = keys[_random.Next(keys.Count)];
                operations.Add(tx => DeleteAsync(connection, tx, table, key));
            }
            Shuffle(operations);
            for (var i = 0; i < operations.Count;)
            {
                var size = _random.Next(1, 8);
                await using var transaction = await connection.BeginTransactionAsync();
                foreach (var operation in operations.Skip(i).Take(size)) await operation(transaction);
                await transaction.CommitAsync();
                i += size;
            }
        }
    }

    private async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, WorkloadTable table)
    {
        var values = table.Columns.Select(c => _values.Next(c.Kind, nullable: !table.Keys.Contains(c.Name))).ToArray();
        var columns = string.Join(", ", table.Columns.Select(c => PgIdentifier.Quote(c.Name)));
        var parameters = string.Join(", ", table.Columns.Select((c, i) => $"${i + 1}::{c.SqlType}"));
        await ExecuteAsync(connection, transaction, $"INSERT INTO {PgIdentifier.Qualified(table.Schema, table.Name)} ({columns}) VALUES ({parameters}) ON CONFLICT DO NOTHING", values);
    }

    private async Task UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, WorkloadTable table, string?[] key)
    {
        var candidates = table.NonKeyColumns.ToList();
        var chosen = candidates.Where(_ => _random.Next(3) == 0).ToList();
        if (chosen.Count == 0) chosen.Add(candidates[_random.Next(candidates.Count)]);
        var values = chosen.Select(c => _values.Next(c.Kind, nullable: true)).Concat(key).ToArray();
        var assignments = string.Join(", ", chosen.Select((c, i) => $"{PgIdentifier.Quote(c.Name)} = ${i + 1}::{c.SqlType}"));
        await ExecuteAsync(connection, transaction, $"UPDATE {PgIdentifier.Qualified(table.Schema, table.Name)} SET {assignments} WHERE {KeyPredicate(table, chosen.Count)}", values);
    }

    private async Task ChangeKeyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, WorkloadTable table, string?[] key)
    {
        var keyColumn = table.Columns.First(c => c.Name == table.Keys[0]);
        var values = new[] { _values.Next(keyColumn.Kind, nullable: false) }.Concat(key).ToArray();
        var sql = $"UPDATE {PgIdentifier.Qualified(table.Schema, table.Name)} SET {PgIdentifier.Quote(keyColumn.Name)} = $1::{keyColumn.SqlType} WHERE {KeyPredicate(table, 1)}";
        await transaction.SaveAsync("key_change");
        try
        {
            await ExecuteAsync(connection, transaction, sql, values);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync("key_change");
        }
    }

    private Task DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, WorkloadTable table, string?[] key) =>
        ExecuteAsync(connection, transaction, $"DELETE FROM {PgIdentifier.Qualified(table.Schema, table.Name)} WHERE {KeyPredicate(table, 0)}", key);

    private static string KeyPredicate(WorkloadTable table, int parametersBefore) =>
        string.Join(" AND ", table.Keys.Select((k, i) => $"{PgIdentifier.Quote(k)} = ${parametersBefore + i + 1}::{table.Columns.First(c => c.Name == k).SqlType}"));

    private static async Task<List<string?[]>> ReadKeysAsync(NpgsqlConnection connection, WorkloadTable table)
    {
        var keys = string.Join(", ", table.Keys.Select(k => PgIdentifier.Quote(k) + "::text"));
        await using var command = new NpgsqlCommand($"SELECT {keys} FROM {PgIdentifier.Qualified(table.Schema, table.Name)}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new List<string?[]>();
        while (await reader.ReadAsync())
            result.Add(Enumerable.Range(0, table.Keys.Count).Select(i => reader.GetString(i)).ToArray<string?>());
        return result;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params string?[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
