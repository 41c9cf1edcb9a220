using System.Text;
using Cdc.Core.Postgres;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// SQL text for target tables: DDL, COPY and the SCD 1 apply statements. Every identifier is quoted through
/// <see cref="PgIdentifier"/>; values never appear in the text (they travel as parameters or COPY data).
/// </summary>
internal static class PgTargetSql
{
    public static string CreateSchema(string schema) => $"CREATE SCHEMA IF NOT EXISTS {PgIdentifier.Quote(schema)}";

    public static string CreateTable(string schema, string table, IEnumerable<TargetColumn> columns)
    {
        var sql = new StringBuilder("CREATE TABLE ").Append(PgIdentifier.Qualified(schema, table)).Append(" (");
        var first = true;
        foreach (var column in columns)
        {
            if (!first) sql.Append(", ");
            sql.Append(PgIdentifier.Quote(column.Name)).Append(' ').Append(column.Type.Sql);
            if (column.Name == PgNames.StartAt) sql.Append(" NOT NULL");
            first = false;
        }
        return sql.Append(')').ToString();
    }

    public static string AddPrimaryKey(string schema, string table, string constraint, IEnumerable<string> columns) =>
        $"ALTER TABLE {PgIdentifier.Qualified(schema, table)} ADD CONSTRAINT {PgIdentifier.Quote(constraint)} PRIMARY KEY ({ColumnList(columns)})";

    /// <summary>One key value that occurs more than once, as text, or no row.</summary>
    public static string FirstDuplicateKey(string schema, string table, IReadOnlyList<string> keys)
    {
        var columns = ColumnList(keys);
        var text = string.Join(" || ', ' || ", keys.Select(k => $"coalesce({PgIdentifier.Quote(k)}::text, 'NULL')"));
        return $"SELECT {text} FROM {PgIdentifier.Qualified(schema, table)} GROUP BY {columns} HAVING count(*) > 1 LIMIT 1";
    }

    public static string DropTableIfExists(string schema, string table) => $"DROP TABLE IF EXISTS {PgIdentifier.Qualified(schema, table)}";

    public static string RenameTable(string schema, string table, string newName) =>
        $"ALTER TABLE {PgIdentifier.Qualified(schema, table)} RENAME TO {PgIdentifier.Quote(newName)}";

    public static string RenameConstraint(string schema, string table, string constraint, string newName) =>
        $"ALTER TABLE {PgIdentifier.Qualified(schema, table)} RENAME CONSTRAINT {PgIdentifier.Quote(constraint)} TO {PgIdentifier.Quote(newName)}";

    public static string AddColumn(string schema, string table, TargetColumn column) =>
        $"ALTER TABLE {PgIdentifier.Qualified(schema, table)} ADD COLUMN {PgIdentifier.Quote(column.Name)} {column.Type.Sql}";

    public static string AlterColumnType(string schema, string table, string column, PgColumnType type) =>
        $"ALTER TABLE {PgIdentifier.Qualified(schema, table)} ALTER COLUMN {PgIdentifier.Quote(column)} TYPE {type.Sql}";

    /// <summary>Binary COPY into the listed columns. FREEZE is allowed (and saves a later rewrite of hint bits and a
    /// freeze pass) only when the table was created in the same transaction, as a snapshot's shadow table is.</summary>
    public static string CopyBinary(string schema, string table, IEnumerable<string> columns, bool freeze) =>
        $"COPY {PgIdentifier.Qualified(schema, table)} ({ColumnList(columns)}) FROM STDIN (FORMAT BINARY{(freeze ? ", FREEZE" : "")})";

    public static string ColumnList(IEnumerable<string> columns) => string.Join(", ", columns.Select(PgIdentifier.Quote));

    /// <summary><c>t."k1" = s.c0 AND t."k2" = s.c3</c>: target key columns against their stage columns.</summary>
    public static string KeyJoin(StageTable stage, string target = "t", string staged = "s") =>
        string.Join(" AND ", stage.KeyOrdinals.Select(i => $"{target}.{PgIdentifier.Quote(stage.Columns[i].Name)} = {staged}.{StageTable.ValueColumn(i)}"));

    /// <summary>Replaces values the source did not send (flagged in the stage) with what the target row holds.
    /// Rows without a target row keep NULL there.</summary>
    public static string ResolveUnchanged(string schema, string table, StageTable stage, bool currentVersionOnly)
    {
        var flagged = stage.FlaggedOrdinals;
        var sets = string.Join(", ", flagged.Select(i =>
            $"{StageTable.ValueColumn(i)} = CASE WHEN s.{StageTable.FlagColumn(i)} THEN t.{PgIdentifier.Quote(stage.Columns[i].Name)} ELSE s.{StageTable.ValueColumn(i)} END"));
        var any = string.Join(" OR ", flagged.Select(i => $"s.{StageTable.FlagColumn(i)}"));
        var current = currentVersionOnly ? $" AND t.{PgIdentifier.Quote(PgNames.EndAt)} IS NULL" : "";
        return $"UPDATE {StageTable.QualifiedName} AS s SET {sets} FROM {PgIdentifier.Qualified(schema, table)} AS t " +
               $"WHERE NOT s.{StageTable.DeleteColumn} AND ({any}) AND {KeyJoin(stage)}{current}";
    }

    public static string Scd1Delete(string schema, string table, StageTable stage) =>
        $"DELETE FROM {PgIdentifier.Qualified(schema, table)} AS t USING {StageTable.QualifiedName} AS s WHERE s.{StageTable.DeleteColumn} AND {KeyJoin(stage)}";

    /// <summary>Marks deleted rows instead of removing them; rows already marked keep their first deletion time.</summary>
    public static string Scd1SoftDelete(string schema, string table, StageTable stage)
    {
        var deletedAt = PgIdentifier.Quote(PgNames.DeletedAt);
        return $"UPDATE {PgIdentifier.Qualified(schema, table)} AS t SET {deletedAt} = s.{StageTable.AtColumn} FROM {StageTable.QualifiedName} AS s " +
               $"WHERE s.{StageTable.DeleteColumn} AND {KeyJoin(stage)} AND t.{deletedAt} IS NULL";
    }

    /// <summary>
    /// Inserts or updates every staged upsert and returns (inserted, updated). A row inserted by ON CONFLICT has
    /// xmax = 0, an updated one carries the updating transaction's id: the usual way to tell them apart in RETURNING.
    /// A re-inserted soft-deleted row counts as updated, and its <c>__DELETED_AT</c> is cleared.
    /// </summary>
    public static string Scd1Upsert(string schema, string table, StageTable stage, bool softDeletes)
    {
        var targetColumns = stage.Columns.Select(c => PgIdentifier.Quote(c.Name)).ToList();
        var values = Enumerable.Range(0, stage.Columns.Count).Select(i => $"s.{StageTable.ValueColumn(i)}").ToList();
        var keys = new HashSet<int>(stage.KeyOrdinals);
        var updates = Enumerable.Range(0, stage.Columns.Count).Where(i => !keys.Contains(i))
            .Select(i => $"{targetColumns[i]} = EXCLUDED.{targetColumns[i]}").ToList();
        if (softDeletes) updates.Add($"{PgIdentifier.Quote(PgNames.DeletedAt)} = NULL");
        // A table of key columns only has nothing to update; setting a key to itself still reports the row.
        if (updates.Count == 0) updates.Add($"{targetColumns[stage.KeyOrdinals[0]]} = EXCLUDED.{targetColumns[stage.KeyOrdinals[0]]}");
        return $"WITH applied AS (INSERT INTO {PgIdentifier.Qualified(schema, table)} AS t ({string.Join(", ", targetColumns)}) " +
               $"SELECT {string.Join(", ", values)} FROM {StageTable.QualifiedName} AS s WHERE NOT s.{StageTable.DeleteColumn} " +
               $"ON CONFLICT ({ColumnList(stage.KeyOrdinals.Select(i => stage.Columns[i].Name))}) DO UPDATE SET {string.Join(", ", updates)} " +
               "RETURNING (t.xmax = 0) AS inserted) " +
               "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM applied";
    }
}
