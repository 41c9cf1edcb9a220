using System.Text;
using Cdc.Core.SqlServer;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// T-SQL text for target tables: DDL, the snapshot swap and the SCD 1 apply statements. Every identifier is quoted
/// through <see cref="SqlName"/>; values never appear in the text (they travel by bulk copy or as parameters).
/// </summary>
internal static class SqlTargetSql
{
    /// <summary>CREATE SCHEMA must be alone in its batch, hence the EXEC; nothing happens when the schema exists
    /// (so a login that may not create schemas can still use one made for it).</summary>
    public static string CreateSchema(string schema) =>
        $"IF SCHEMA_ID({SqlName.Literal(schema)}) IS NULL EXEC({SqlName.Literal("CREATE SCHEMA " + SqlName.Quote(schema))})";

    /// <summary>
    /// The table <paramref name="layout"/> describes, named <paramref name="table"/> in the flow's schema. Key
    /// columns and <c>__START_AT</c> are NOT NULL, every other column explicitly NULL (not left to the session's
    /// ANSI_NULL_DFLT setting). With <paramref name="primaryKey"/> the clustered primary key comes with it; a
    /// snapshot adds it after loading instead.
    /// </summary>
    public static string CreateTable(SqlTargetLayout layout, string table, bool primaryKey)
    {
        var sql = new StringBuilder("CREATE TABLE ").Append(SqlName.Qualified(layout.Flow.TargetSchema, table)).Append(" (");
        var first = true;
        foreach (var column in layout.AllColumns)
        {
            if (!first) sql.Append(", ");
            sql.Append(SqlName.Quote(column.Name)).Append(' ').Append(column.Type.Sql).Append(layout.IsRequired(column.Name) ? " NOT NULL" : " NULL");
            first = false;
        }
        if (primaryKey && layout.PrimaryKey.Count > 0)
            sql.Append(", CONSTRAINT ").Append(SqlName.Quote(SqlTargetNames.PrimaryKey(table))).Append(" PRIMARY KEY CLUSTERED (").Append(ColumnList(layout.PrimaryKey)).Append(')');
        return sql.Append(')').ToString();
    }

    public static string AddPrimaryKey(string schema, string table, string constraint, IEnumerable<string> columns) =>
        $"ALTER TABLE {SqlName.Qualified(schema, table)} ADD CONSTRAINT {SqlName.Quote(constraint)} PRIMARY KEY CLUSTERED ({ColumnList(columns)})";

    public static string DropTableIfExists(string schema, string table) =>
        $"IF OBJECT_ID({SqlName.Literal(SqlName.Qualified(schema, table))}, N'U') IS NOT NULL DROP TABLE {SqlName.Qualified(schema, table)}";

    /// <summary>Renames a table or a constraint within its schema. The new name is a plain name: sp_rename would
    /// keep brackets as part of it.</summary>
    public static string Rename(string schema, string name, string newName) =>
        $"EXEC sys.sp_rename @objname = {SqlName.Literal(SqlName.Qualified(schema, name))}, @newname = {SqlName.Literal(SqlTargetNames.Require(newName, "new"))}, @objtype = N'OBJECT'";

    /// <summary>The statements that swap a loaded table in, run in the load's transaction: the old table goes, the
    /// loaded one and its primary key take the old names. DROP TABLE and sp_rename take schema-modification locks
    /// and are undone by a rollback, so other sessions see the old table or the new one, never neither.</summary>
    public static IReadOnlyList<string> Swap(string schema, string table, bool hasPrimaryKey)
    {
        var load = SqlTargetNames.LoadTable(table);
        var statements = new List<string>
        {
            DropTableIfExists(schema, table),
            Rename(schema, load, table),
        };
        if (hasPrimaryKey) statements.Add(Rename(schema, SqlTargetNames.PrimaryKey(load), SqlTargetNames.PrimaryKey(table)));
        return statements;
    }

    public static string AddColumn(string schema, string table, SqlTargetColumn column) =>
        $"ALTER TABLE {SqlName.Qualified(schema, table)} ADD {SqlName.Quote(column.Name)} {column.Type.Sql} NULL";

    /// <summary>ALTER COLUMN restates nullability, which would otherwise follow the session's default.</summary>
    public static string AlterColumn(string schema, string table, string column, SqlColumnType type) =>
        $"ALTER TABLE {SqlName.Qualified(schema, table)} ALTER COLUMN {SqlName.Quote(column)} {type.Sql} NULL";

    public static string ColumnList(IEnumerable<string> columns) => string.Join(", ", columns.Select(SqlName.Quote));

    /// <summary>Replaces values the source did not send (flagged in the stage) with what the target row holds.
    /// Rows without a target row keep NULL there.</summary>
    public static string ResolveUnchanged(SqlTargetLayout layout, SqlStageTable stage, bool currentVersionOnly)
    {
        var flagged = stage.FlaggedOrdinals;
        var sets = string.Join(", ", flagged.Select(i =>
            $"{SqlStageTable.ValueColumn(i)} = CASE WHEN s.{SqlStageTable.FlagColumn(i)} = 1 THEN t.{SqlName.Quote(stage.Columns[i].Name)} ELSE s.{SqlStageTable.ValueColumn(i)} END"));
        var any = string.Join(" OR ", flagged.Select(i => $"s.{SqlStageTable.FlagColumn(i)} = 1"));
        var current = currentVersionOnly ? $" AND t.{SqlName.Quote(SqlTargetNames.EndAt)} IS NULL" : "";
        return $"UPDATE s SET {sets} FROM {SqlStageTable.Name} AS s JOIN {layout.Table} AS t ON {stage.KeyJoin()} " +
               $"WHERE s.{SqlStageTable.DeleteColumn} = 0 AND ({any}){current}";
    }

    public static string Scd1Delete(SqlTargetLayout layout, SqlStageTable stage) =>
        $"DELETE t FROM {layout.Table} AS t JOIN {SqlStageTable.Name} AS s ON {stage.KeyJoin()} WHERE s.{SqlStageTable.DeleteColumn} = 1";

    /// <summary>Marks deleted rows instead of removing them; rows already marked keep their first deletion time.</summary>
    public static string Scd1SoftDelete(SqlTargetLayout layout, SqlStageTable stage)
    {
        var deletedAt = SqlName.Quote(SqlTargetNames.DeletedAt);
        return $"UPDATE t SET {deletedAt} = s.{SqlStageTable.AtColumn} FROM {layout.Table} AS t JOIN {SqlStageTable.Name} AS s ON {stage.KeyJoin()} " +
               $"WHERE s.{SqlStageTable.DeleteColumn} = 1 AND t.{deletedAt} IS NULL";
    }

    /// <summary>
    /// Updates the rows of staged upserts whose key exists; a re-inserted soft-deleted row counts as updated and its
    /// <c>__DELETED_AT</c> is cleared. A table of key columns only has nothing to set; setting a key to itself still
    /// counts the row.
    /// </summary>
    /// <remarks>
    /// UPDATE, then INSERT of the keys still missing, rather than one MERGE: the flow's application lock already
    /// keeps every other applier of this table out until commit (what MERGE would need HOLDLOCK for), the two
    /// statements report inserted and updated rows directly without an OUTPUT clause, and a target row that two
    /// staged rows match (possible when keys differ only in case under a case-insensitive collation) is updated
    /// rather than failing the statement as MERGE does.
    /// </remarks>
    public static string Scd1Update(SqlTargetLayout layout, SqlStageTable stage)
    {
        var keys = new HashSet<int>(stage.KeyOrdinals);
        var sets = Enumerable.Range(0, stage.Columns.Count).Where(i => !keys.Contains(i))
            .Select(i => $"{SqlName.Quote(stage.Columns[i].Name)} = s.{SqlStageTable.ValueColumn(i)}").ToList();
        if (layout.SoftDeletes) sets.Add($"{SqlName.Quote(SqlTargetNames.DeletedAt)} = NULL");
        if (sets.Count == 0)
        {
            var key = SqlName.Quote(stage.Columns[stage.KeyOrdinals[0]].Name);
            sets.Add($"{key} = t.{key}");
        }
        return $"UPDATE t SET {string.Join(", ", sets)} FROM {layout.Table} AS t JOIN {SqlStageTable.Name} AS s ON {stage.KeyJoin()} " +
               $"WHERE s.{SqlStageTable.DeleteColumn} = 0";
    }

    /// <summary>Inserts the staged upserts whose key the target does not hold (run after <see cref="Scd1Update"/>).</summary>
    public static string Scd1Insert(SqlTargetLayout layout, SqlStageTable stage)
    {
        var columns = ColumnList(stage.Columns.Select(c => c.Name));
        var values = string.Join(", ", Enumerable.Range(0, stage.Columns.Count).Select(i => $"s.{SqlStageTable.ValueColumn(i)}"));
        return $"INSERT INTO {layout.Table} ({columns}) SELECT {values} FROM {SqlStageTable.Name} AS s " +
               $"WHERE s.{SqlStageTable.DeleteColumn} = 0 AND NOT EXISTS (SELECT 1 FROM {layout.Table} AS t WHERE {stage.KeyJoin()})";
    }
}
