using System.Text;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Builds the statement that reads one snapshot chunk: <c>SELECT TOP (@n) ... WHERE &lt;after the cursor&gt; ORDER BY
/// &lt;key&gt;</c>, the keyset predicate spelled out column by column so composite keys page lexicographically.
/// </summary>
internal static class SqlServerSnapshotQuery
{
    /// <summary>The table's alias in snapshot and change tracking statements.</summary>
    public const string Alias = "t";

    public static string Column(string alias, string name) => alias + "." + SqlName.Quote(name);

    /// <summary>Every column of <paramref name="table"/> in order, as <see cref="SqlServerValues.SelectExpression"/> reads
    /// it; NULL for a column in <paramref name="absent"/>.</summary>
    public static string SelectList(TableSchema table, string alias, IReadOnlySet<string>? absent = null) =>
        string.Join(", ", table.Columns.Select(c => absent is not null && absent.Contains(c.Name) ? "NULL" : SqlServerValues.SelectExpression(c, Column(alias, c.Name))));

    /// <param name="absent">Columns of the schema the table no longer has (a CDC capture instance keeps a dropped column,
    /// whose values are NULL from the drop on); they are read as NULL.</param>
    public static (string Sql, IReadOnlyList<SqlParameter> Parameters) Chunk(TableSchema table, object?[]? afterKey, int maxRows, IReadOnlySet<string>? absent = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        if (table.KeyColumns.Count == 0) throw new ArgumentException($"Table {table.Table} has no key to page its snapshot by.", nameof(table));
        var parameters = new List<SqlParameter> { new("@n", System.Data.SqlDbType.Int) { Value = maxRows } };
        var sql = new StringBuilder("SELECT TOP (@n) ").Append(SelectList(table, Alias, absent))
            .Append(" FROM ").Append(SqlName.Qualified(table.Table)).Append(" AS " + Alias);
        if (afterKey is not null)
        {
            if (afterKey.Length != table.KeyColumns.Count)
                throw new ArgumentException($"The snapshot cursor of {table.Table} has {afterKey.Length} values; its key has {table.KeyColumns.Count} columns.", nameof(afterKey));
            sql.Append(" WHERE ").Append(AfterPredicate(table, afterKey, parameters));
        }
        sql.Append(" ORDER BY ").AppendJoin(", ", table.KeyColumns.Select(k => Column(Alias, k)));
        return (sql.ToString(), parameters);
    }

    /// <summary>
    /// Rows whose key sorts after <paramref name="afterKey"/> in ascending order, where SQL Server sorts NULL first:
    /// (k1 &gt; v1) OR (k1 = v1 AND k2 &gt; v2) OR ... A leading <c>k1 &gt;= v1</c> lets the optimizer seek the index.
    /// </summary>
    private static string AfterPredicate(TableSchema table, object?[] afterKey, List<SqlParameter> parameters)
    {
        var greater = new List<string>();
        var equal = new List<string>();
        string? firstValue = null;
        for (var i = 0; i < afterKey.Length; i++)
        {
            var column = table.Columns[table.KeyOrdinals[i]];
            var quoted = Column(Alias, column.Name);
            if (afterKey[i] is null)
            {
                greater.Add($"{quoted} IS NOT NULL");
                equal.Add($"{quoted} IS NULL");
                continue;
            }
            var (parameter, expression) = SqlServerKeyParameters.Create($"@k{i}", column, afterKey[i]!);
            parameters.Add(parameter);
            if (i == 0) firstValue = expression;
            greater.Add($"{quoted} > {expression}");
            equal.Add($"{quoted} = {expression}");
        }
        if (afterKey.Length == 1) return greater[0];
        var disjuncts = Enumerable.Range(0, afterKey.Length).Select(i => "(" + string.Join(" AND ", equal.Take(i).Append(greater[i])) + ")").ToList();
        disjuncts[0] = greater[0];
        var any = string.Join(" OR ", disjuncts);
        return firstValue is null ? any : $"{Column(Alias, table.KeyColumns[0])} >= {firstValue} AND ({any})";
    }
}
