using System.Text;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// The change tracking statements. Capture runs them in one SNAPSHOT transaction: the current version first (the upper
/// bound), then per table its minimum valid version (re-checked there, since cleanup may have run since the run
/// prepared) and its changes.
/// </summary>
internal static class ChangeTrackingQuery
{
    public const string CurrentVersion = "SELECT CHANGE_TRACKING_CURRENT_VERSION()";

    /// <summary>NULL when the table is not tracked (or the database is not, or the login may not see it).</summary>
    public const string MinValidVersion = "SELECT CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(@table))";

    private const string ChangeAlias = "ct";

    /// <summary>
    /// The table's changes after <c>@after</c> up to <c>@to</c>: the version and operation from CHANGETABLE, the key
    /// from CHANGETABLE (so deletes carry it), then every column of the current row joined on the key (NULLs when the
    /// row is gone).
    /// </summary>
    /// <remarks>CHANGETABLE returns one row per changed key with its last change, so a version groups the rows a
    /// transaction changed last, and the joined row is the current one: replaying it over the target converges.</remarks>
    public static string Changes(TableSchema table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var t = SqlServerSnapshotQuery.Alias;
        var keys = table.KeyOrdinals.Select(o => table.Columns[o]).ToList();
        var sql = new StringBuilder("SELECT ")
            .Append(ChangeAlias).Append(".SYS_CHANGE_VERSION, ").Append(ChangeAlias).Append(".SYS_CHANGE_OPERATION, ")
            .AppendJoin(", ", keys.Select(k => SqlServerValues.SelectExpression(k, SqlServerSnapshotQuery.Column(ChangeAlias, k.Name))))
            .Append(", ").Append(SqlServerSnapshotQuery.SelectList(table, t));
        var qualified = SqlName.Qualified(table.Table);
        sql.Append(" FROM CHANGETABLE(CHANGES ").Append(qualified).Append(", @after) AS ").Append(ChangeAlias)
            .Append(" LEFT OUTER JOIN ").Append(qualified).Append(" AS ").Append(t).Append(" ON ")
            .AppendJoin(" AND ", keys.Select(k => $"{SqlServerSnapshotQuery.Column(t, k.Name)} = {SqlServerSnapshotQuery.Column(ChangeAlias, k.Name)}"));
        sql.Append(" WHERE ").Append(ChangeAlias).Append(".SYS_CHANGE_VERSION <= @to ORDER BY ").Append(ChangeAlias).Append(".SYS_CHANGE_VERSION, ")
            .AppendJoin(", ", keys.Select(k => SqlServerSnapshotQuery.Column(ChangeAlias, k.Name)));
        return sql.ToString();
    }
}
