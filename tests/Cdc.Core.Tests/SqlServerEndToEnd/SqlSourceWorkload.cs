using System.Data;
using Cdc.Core.Model;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>
/// Creates the workload tables at a SQL Server source (enabling change tracking or CDC as each table asks) and changes
/// them at random: inserts, updates of random column subsets (large values sometimes left alone, sometimes rewritten),
/// deletes and key changes, grouped into transactions of several statements. Seeded, so a failure reproduces.
/// </summary>
public sealed class SqlSourceWorkload(string connectionString, IEnumerable<SqlWorkloadTable> tables, int seed)
{
    private readonly Random _random = new(seed);
    private readonly SqlValueGenerator _values = new(new Random(seed * 31 + 7));
    private readonly List<SqlWorkloadTable> _tables = [.. tables];

    /// <summary>The tables as the workload writes them now (with the columns added since creation).</summary>
    public IReadOnlyList<SqlWorkloadTable> Tables => _tables;

    public SqlWorkloadTable Table(TableId id) =>
        _tables.FirstOrDefault(t => t.Id == id) ?? throw new ArgumentException($"The workload has no table {id}.", nameof(id));

    /// <summary>Creates every table and enables its capture. CDC must be enabled for the database first.</summary>
    public async Task CreateTablesAsync()
    {
        foreach (var table in _tables)
        {
            var batches = new List<string> { SqlWorkloadSql.CreateSchema(table.Schema), SqlWorkloadSql.CreateTable(table) };
            if (table.HasPrimaryKey) batches.Add(SqlWorkloadSql.EnableChangeTracking(table));
            if (table.UsesCdc) batches.Add(SqlWorkloadSql.EnableCdc(table));
            await SqlTestDatabase.ExecuteAsync(connectionString, [.. batches]);
        }
    }

    /// <summary>Adds a nullable column at the source. The workload writes it only once <see cref="Include"/> says so.</summary>
    public Task AddColumnAsync(TableId table, SqlWorkloadColumn column) =>
        SqlTestDatabase.ExecuteAsync(connectionString, SqlWorkloadSql.AddColumn(Table(table), column));

    /// <summary>From now on the workload writes (and the comparer reads) <paramref name="column"/> of the table.</summary>
    public void Include(TableId table, SqlWorkloadColumn column)
    {
        var index = _tables.FindIndex(t => t.Id == table);
        _tables[index] = _tables[index].WithColumn(column);
    }

    /// <summary>One round of random changes on every table (or on those <paramref name="only"/> selects).</summary>
    public async Task RunRoundAsync(int inserts = 25, int updates = 15, int deletes = 6, int keyChanges = 2, Func<SqlWorkloadTable, bool>? only = null)
    {
        await using var connection = await SqlTestDatabase.OpenAsync(connectionString);
        foreach (var table in _tables.Where(t => only is null || only(t)))
        {
            var keys = await ReadKeysAsync(connection, table);
            var statements = new List<SqlStatement>();
            for (var i = 0; i < inserts; i++) statements.Add(Insert(table));
            for (var i = 0; i < updates && keys.Count > 0; i++) statements.Add(Update(table, keys[_random.Next(keys.Count)]));
            for (var i = 0; i < keyChanges && keys.Count > 0; i++)
                statements.Add(SqlWorkloadSql.ChangeKey(table, keys[_random.Next(keys.Count)], _values.Next(table.KeyColumns[0], nullable: false, key: true)));
            for (var i = 0; i < deletes && keys.Count > 0; i++) statements.Add(SqlWorkloadSql.Delete(table, keys[_random.Next(keys.Count)]));
            Shuffle(statements);
            for (var i = 0; i < statements.Count;)
            {
                var size = _random.Next(1, 8);
                await using var transaction = (SqlTransaction)await connection.BeginTransactionAsync();
                foreach (var statement in statements.Skip(i).Take(size))
                {
                    await using var command = statement.ToCommand(connection, transaction);
                    await command.ExecuteNonQueryAsync();
                }
                await transaction.CommitAsync();
                i += size;
            }
        }
    }

    private SqlStatement Insert(SqlWorkloadTable table) =>
        SqlWorkloadSql.Insert(table, table.WritableColumns.Select(c => (c, _values.Next(c, nullable: !table.IsKey(c.Name), key: table.IsKey(c.Name)))).ToList());

    /// <summary>About a third of the non-key columns, at least one.</summary>
    private SqlStatement Update(SqlWorkloadTable table, IReadOnlyList<SqlValue> key)
    {
        var candidates = table.UpdatableColumns.ToList();
        var chosen = candidates.Where(_ => _random.Next(3) == 0).ToList();
        if (chosen.Count == 0) chosen.Add(candidates[_random.Next(candidates.Count)]);
        return SqlWorkloadSql.Update(table, chosen.Select(c => (c, _values.Next(c, nullable: true))).ToList(), key);
    }

    /// <summary>The keys of every row, as parameters of the key columns' types.</summary>
    private static async Task<List<IReadOnlyList<SqlValue>>> ReadKeysAsync(SqlConnection connection, SqlWorkloadTable table)
    {
        await using var command = new SqlCommand(SqlWorkloadSql.SelectKeys(table), connection) { CommandTimeout = 120 };
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<IReadOnlyList<SqlValue>>();
        var columns = table.KeyColumns;
        while (await reader.ReadAsync())
            keys.Add(columns.Select((c, i) => KeyValue(c, reader.GetValue(i))).ToList());
        return keys;
    }

    private static SqlValue KeyValue(SqlWorkloadColumn column, object value) => column.BaseType switch
    {
        "int" => SqlValue.Of(SqlDbType.Int, value),
        "smallint" => SqlValue.Of(SqlDbType.SmallInt, value),
        "bigint" => SqlValue.Of(SqlDbType.BigInt, value),
        "uniqueidentifier" => SqlValue.Of(SqlDbType.UniqueIdentifier, value),
        "nvarchar" => SqlValue.Of(SqlDbType.NVarChar, value, column.Length),
        "varchar" => SqlValue.Of(SqlDbType.VarChar, value, column.Length),
        _ => throw new ArgumentException($"Key column '{column.Name}' has type {column.SqlType}, which the workload does not use for keys.", nameof(column)),
    };

    private void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
