using Cdc.Core.SqlServer;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>
/// The T-SQL the workload sends: DDL that creates its tables and enables change tracking or CDC on them, and the
/// statements of its random changes. Every identifier is quoted; every value is a parameter. Inserts and key changes
/// check the key first, so a random key that already exists skips the statement instead of failing the transaction.
/// </summary>
public static class SqlWorkloadSql
{
    public static string CreateSchema(string schema) =>
        $"IF SCHEMA_ID({SqlName.Literal(schema)}) IS NULL EXEC({SqlName.Literal("CREATE SCHEMA " + SqlName.Quote(schema))})";

    public static string CreateTable(SqlWorkloadTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var columns = table.Columns.Select(c => $"{SqlName.Quote(c.Name)} {c.SqlType} {(table.IsKey(c.Name) || c.IsGenerated ? "NOT NULL" : "NULL")}");
        var primaryKey = table.HasPrimaryKey ? $", PRIMARY KEY ({string.Join(", ", table.Keys.Select(SqlName.Quote))})" : "";
        return $"CREATE TABLE {table.Quoted} ({string.Join(", ", columns)}{primaryKey})";
    }

    public static string AddColumn(SqlWorkloadTable table, SqlWorkloadColumn column)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(column);
        return $"ALTER TABLE {table.Quoted} ADD {SqlName.Quote(column.Name)} {column.SqlType} NULL";
    }

    public static string EnableChangeTracking(SqlWorkloadTable table) =>
        $"ALTER TABLE {table.Quoted} ENABLE CHANGE_TRACKING WITH (TRACK_COLUMNS_UPDATED = OFF)";

    public static string DisableChangeTracking(SqlWorkloadTable table) => $"ALTER TABLE {table.Quoted} DISABLE CHANGE_TRACKING";

    /// <summary>Needs sysadmin; a database enabled already is left as it is.</summary>
    public const string EnableCdcForDatabase =
        "IF (SELECT d.[is_cdc_enabled] FROM sys.databases AS d WHERE d.[database_id] = DB_ID()) = 0 EXEC sys.sp_cdc_enable_db";

    /// <summary>A capture instance with the default name (<c>schema_table</c>) over every column; net changes need a
    /// primary key or unique index, so a heap gets none.</summary>
    public static string EnableCdc(SqlWorkloadTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return $"EXEC sys.sp_cdc_enable_table @source_schema = {SqlName.Literal(table.Schema)}, @source_name = {SqlName.Literal(table.Name)}, " +
               $"@role_name = NULL, @supports_net_changes = {(table.HasPrimaryKey ? 1 : 0)}";
    }

    /// <summary>Inserts a row unless its key exists. <paramref name="values"/> covers every writable column.</summary>
    public static SqlStatement Insert(SqlWorkloadTable table, IReadOnlyList<(SqlWorkloadColumn Column, SqlValue Value)> values)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(values);
        var parameters = new List<Microsoft.Data.SqlClient.SqlParameter>();
        var expressions = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            var name = $"@v{i}";
            expressions.Add(values[i].Value.Sql(name));
            parameters.AddRange(values[i].Value.Parameters(name));
        }
        var keyNames = table.Keys.ToDictionary(k => k, k => expressions[IndexOf(values, k)], StringComparer.Ordinal);
        var columns = string.Join(", ", values.Select(v => SqlName.Quote(v.Column.Name)));
        return new SqlStatement(
            $"IF NOT EXISTS (SELECT 1 FROM {table.Quoted} WHERE {KeyPredicate(table, keyNames)}) " +
            $"INSERT INTO {table.Quoted} ({columns}) VALUES ({string.Join(", ", expressions)})",
            parameters);
    }

    /// <summary>Sets some non-key columns of the row with <paramref name="key"/>.</summary>
    public static SqlStatement Update(SqlWorkloadTable table, IReadOnlyList<(SqlWorkloadColumn Column, SqlValue Value)> assignments, IReadOnlyList<SqlValue> key)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(assignments);
        var parameters = new List<Microsoft.Data.SqlClient.SqlParameter>();
        var sets = new List<string>();
        for (var i = 0; i < assignments.Count; i++)
        {
            var name = $"@v{i}";
            sets.Add($"{SqlName.Quote(assignments[i].Column.Name)} = {assignments[i].Value.Sql(name)}");
            parameters.AddRange(assignments[i].Value.Parameters(name));
        }
        var keyNames = AddKey(table, key, "@k", parameters);
        return new SqlStatement($"UPDATE {table.Quoted} SET {string.Join(", ", sets)} WHERE {KeyPredicate(table, keyNames)}", parameters);
    }

    public static SqlStatement Delete(SqlWorkloadTable table, IReadOnlyList<SqlValue> key)
    {
        ArgumentNullException.ThrowIfNull(table);
        var parameters = new List<Microsoft.Data.SqlClient.SqlParameter>();
        var keyNames = AddKey(table, key, "@k", parameters);
        return new SqlStatement($"DELETE FROM {table.Quoted} WHERE {KeyPredicate(table, keyNames)}", parameters);
    }

    /// <summary>Moves the row with <paramref name="key"/> to a new value of the first key column, unless a row with the
    /// new key exists.</summary>
    public static SqlStatement ChangeKey(SqlWorkloadTable table, IReadOnlyList<SqlValue> key, SqlValue newFirstKey)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(newFirstKey);
        if (newFirstKey.IsNull || newFirstKey.Arguments.Count != 1 || newFirstKey.Sql("@n") != "@n")
            throw new ArgumentException($"The new key value of {table.Id} must be one plain parameter.", nameof(newFirstKey));
        var parameters = new List<Microsoft.Data.SqlClient.SqlParameter>();
        var oldNames = AddKey(table, key, "@k", parameters);
        parameters.AddRange(newFirstKey.Parameters("@n"));
        var newNames = new Dictionary<string, string>(oldNames) { [table.Keys[0]] = "@n" };
        return new SqlStatement(
            $"UPDATE {table.Quoted} SET {SqlName.Quote(table.Keys[0])} = @n WHERE {KeyPredicate(table, oldNames)} " +
            $"AND NOT EXISTS (SELECT 1 FROM {table.Quoted} WHERE {KeyPredicate(table, newNames)})",
            parameters);
    }

    /// <summary>Every key column of the rows, in key order, as read for picking rows to change.</summary>
    public static string SelectKeys(SqlWorkloadTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return $"SELECT {string.Join(", ", table.Keys.Select(SqlName.Quote))} FROM {table.Quoted}";
    }

    private static Dictionary<string, string> AddKey(SqlWorkloadTable table, IReadOnlyList<SqlValue> key, string prefix, List<Microsoft.Data.SqlClient.SqlParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Count != table.Keys.Count) throw new ArgumentException($"{table.Id} has {table.Keys.Count} key columns, but {key.Count} key values were given.", nameof(key));
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < key.Count; i++)
        {
            if (key[i].IsNull || key[i].Arguments.Count != 1) throw new ArgumentException($"Key value {i} of {table.Id} must be one plain parameter.", nameof(key));
            var name = $"{prefix}{i}";
            names[table.Keys[i]] = key[i].Sql(name);
            parameters.AddRange(key[i].Parameters(name));
        }
        return names;
    }

    private static string KeyPredicate(SqlWorkloadTable table, IReadOnlyDictionary<string, string> names) =>
        string.Join(" AND ", table.Keys.Select(k => $"{SqlName.Quote(k)} = {names[k]}"));

    private static int IndexOf(IReadOnlyList<(SqlWorkloadColumn Column, SqlValue Value)> values, string column)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!string.Equals(values[i].Column.Name, column, StringComparison.Ordinal)) continue;
            if (values[i].Value.IsNull || values[i].Value.Arguments.Count != 1) throw new ArgumentException($"Key column '{column}' needs one plain parameter.", nameof(values));
            return i;
        }
        throw new ArgumentException($"The values name no key column '{column}'.", nameof(values));
    }
}
