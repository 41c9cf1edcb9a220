using Cdc.Core.SqlServer;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// The set-wise statements that apply a staged batch to an SCD type 2 table, run in this order (the same steps as
/// the PostgreSQL target's):
/// <list type="number">
/// <item><see cref="DeleteStale"/>: drops staged changes older than what the target already holds for the key (a
/// replay of changes the snapshot had already seen), so history is never rewritten backwards.</item>
/// <item><see cref="DeleteNoOps"/>: drops changes that would not change the key's state: an upsert whose values
/// equal the previous state (the key's previous staged change, or the current target version), a delete of a key
/// that is already absent. A statement reads the table as it was before it changes anything, so each change is
/// compared with its predecessor before any is dropped; that is right because a dropped change always equals the
/// state before it.</item>
/// <item><see cref="CreateChain"/>: links the remaining changes per key into <c>#ingest_chain</c>: the first one,
/// the next one's commit time (which ends each new version) and whether a current version exists before it.</item>
/// <item><see cref="Counts"/>, then <see cref="CloseCurrent"/> and <see cref="ReplaceSameInstant"/> on the current
/// version, then <see cref="InsertVersions"/>.</item>
/// </list>
/// Versions chain: every closed version's <c>__END_AT</c> is the next version's <c>__START_AT</c>, and a delete only
/// closes. A change at exactly the current version's start replaces that version (the last operation of one commit
/// time wins).
/// </summary>
internal static class SqlScdType2Apply
{
    public const string Chain = SqlTargetNames.ChainTable;

    private static readonly string StartAt = SqlName.Quote(SqlTargetNames.StartAt);
    private static readonly string EndAt = SqlName.Quote(SqlTargetNames.EndAt);
    private const string Del = SqlStageTable.DeleteColumn;
    private const string At = SqlStageTable.AtColumn;
    private const string Seq = SqlStageTable.SeqColumn;

    public static string DeleteStale(SqlTargetLayout layout, SqlStageTable stage) =>
        $"DELETE s FROM {SqlStageTable.Name} AS s JOIN {layout.Table} AS t ON {stage.KeyJoin()} " +
        $"WHERE s.{At} < COALESCE(t.{EndAt}, t.{StartAt})";

    public static string DeleteNoOps(SqlTargetLayout layout, SqlStageTable stage)
    {
        var partition = PartitionBy(stage, "s");
        return $"WITH links AS (SELECT s.{Seq}, LAG(s.{Seq}) OVER (PARTITION BY {partition} ORDER BY s.{Seq}) AS prev_seq FROM {SqlStageTable.Name} AS s), " +
               $"noop AS (SELECT s.{Seq} FROM {SqlStageTable.Name} AS s " +
               $"JOIN links AS l ON l.{Seq} = s.{Seq} " +
               $"LEFT JOIN {SqlStageTable.Name} AS p ON p.{Seq} = l.prev_seq " +
               $"LEFT JOIN {layout.Table} AS t ON l.prev_seq IS NULL AND {stage.KeyJoin()} AND t.{EndAt} IS NULL " +
               $"WHERE (l.prev_seq IS NOT NULL AND ((s.{Del} = 1 AND p.{Del} = 1) OR (s.{Del} = 0 AND p.{Del} = 0 AND {ValuesEqual(stage, "p", targetSide: false)}))) " +
               $"OR (l.prev_seq IS NULL AND ((s.{Del} = 1 AND t.{StartAt} IS NULL) OR (s.{Del} = 0 AND t.{StartAt} IS NOT NULL AND {ValuesEqual(stage, "t", targetSide: true)})))) " +
               $"DELETE s FROM {SqlStageTable.Name} AS s JOIN noop AS n ON n.{Seq} = s.{Seq}";
    }

    public static string CreateChain(SqlTargetLayout layout, SqlStageTable stage)
    {
        var window = $"OVER (PARTITION BY {PartitionBy(stage, "s")} ORDER BY s.{Seq})";
        var values = string.Join(", ", Enumerable.Range(0, stage.Columns.Count).Select(i => "s." + SqlStageTable.ValueColumn(i)));
        return $"SELECT {values}, s.{Del}, s.{At}, s.{Seq}, " +
               $"CASE WHEN LAG(s.{Seq}) {window} IS NULL THEN 1 ELSE 0 END AS is_first, " +
               $"LEAD(s.{At}) {window} AS next_at, " +
               $"CASE WHEN LAG(s.{Seq}) {window} IS NOT NULL THEN CASE WHEN LAG(s.{Del}) {window} = 1 THEN 0 ELSE 1 END " +
               $"WHEN EXISTS (SELECT 1 FROM {layout.Table} AS t WHERE {stage.KeyJoin()} AND t.{EndAt} IS NULL) THEN 1 ELSE 0 END AS had_current " +
               $"INTO {Chain} FROM {SqlStageTable.Name} AS s";
    }

    /// <summary>(inserted, updated, deleted): a new version of an absent key is an insert, of a present key an
    /// update; every remaining delete closes a current version.</summary>
    public static string Counts() =>
        $"SELECT COUNT_BIG(CASE WHEN {Del} = 0 AND had_current = 0 THEN 1 END), " +
        $"COUNT_BIG(CASE WHEN {Del} = 0 AND had_current = 1 THEN 1 END), " +
        $"COUNT_BIG(CASE WHEN {Del} = 1 THEN 1 END) FROM {Chain}";

    public static string CloseCurrent(SqlTargetLayout layout, SqlStageTable stage) =>
        $"UPDATE t SET {EndAt} = c.{At} FROM {layout.Table} AS t JOIN {Chain} AS c ON {stage.KeyJoin("t", "c")} " +
        $"WHERE c.is_first = 1 AND t.{EndAt} IS NULL AND t.{StartAt} < c.{At}";

    public static string ReplaceSameInstant(SqlTargetLayout layout, SqlStageTable stage) =>
        $"DELETE t FROM {layout.Table} AS t JOIN {Chain} AS c ON {stage.KeyJoin("t", "c")} " +
        $"WHERE c.is_first = 1 AND t.{EndAt} IS NULL AND t.{StartAt} = c.{At}";

    public static string InsertVersions(SqlTargetLayout layout, SqlStageTable stage)
    {
        var columns = SqlTargetSql.ColumnList(stage.Columns.Select(c => c.Name).Append(SqlTargetNames.StartAt).Append(SqlTargetNames.EndAt));
        var values = string.Join(", ", Enumerable.Range(0, stage.Columns.Count).Select(i => "c." + SqlStageTable.ValueColumn(i)));
        return $"INSERT INTO {layout.Table} ({columns}) SELECT {values}, c.{At}, c.next_at FROM {Chain} AS c WHERE c.{Del} = 0";
    }

    public static string DropChain() => $"DROP TABLE {Chain}";

    private static string PartitionBy(SqlStageTable stage, string alias) =>
        string.Join(", ", stage.KeyOrdinals.Select(i => $"{alias}.{SqlStageTable.ValueColumn(i)}"));

    /// <summary>Every non-key column of the batch equal, NULLs equal, between the staged change <c>s</c> and
    /// <paramref name="other"/>: a previous staged change (<c>p</c>) or the current target version (<c>t</c>).</summary>
    private static string ValuesEqual(SqlStageTable stage, string other, bool targetSide)
    {
        var keys = new HashSet<int>(stage.KeyOrdinals);
        var terms = new List<string>();
        for (var i = 0; i < stage.Columns.Count; i++)
        {
            if (keys.Contains(i)) continue;
            var right = targetSide ? $"{other}.{SqlName.Quote(stage.Columns[i].Name)}" : $"{other}.{SqlStageTable.ValueColumn(i)}";
            terms.Add(Equal(stage.Columns[i].Type, $"s.{SqlStageTable.ValueColumn(i)}", right));
        }
        return terms.Count == 0 ? "1 = 1" : "(" + string.Join(" AND ", terms) + ")";
    }

    /// <summary>
    /// NULL-safe, exact equality of two values of <paramref name="type"/>. Strings compare as bytes, because the
    /// collation's = ignores case (in most databases) and trailing spaces, and a change of either is still a change;
    /// xml has no = at all and compares as its text; spatial and hierarchyid values compare as their serialized bytes;
    /// a sql_variant must also keep its base type; a datetimeoffset its offset (= compares instants).
    /// </summary>
    public static string Equal(SqlColumnType type, string left, string right)
    {
        string same;
        if (type.ComparesAsBytes)
        {
            var (l, r) = (Bytes(type, left), Bytes(type, right));
            same = $"{l} = {r} AND DATALENGTH({l}) = DATALENGTH({r})";
        }
        else if (type.Name == "sql_variant")
        {
            // = alone compares within the base type's family (1 = 1.0) and strings by collation; the base type and
            // the text's bytes make it exact.
            same = $"{left} = {right} AND SQL_VARIANT_PROPERTY({left}, 'BaseType') = SQL_VARIANT_PROPERTY({right}, 'BaseType') " +
                   $"AND DATALENGTH({left}) = DATALENGTH({right}) " +
                   $"AND CAST(CAST({left} AS nvarchar(4000)) AS varbinary(8000)) = CAST(CAST({right} AS nvarchar(4000)) AS varbinary(8000))";
        }
        else if (type.Name == "datetimeoffset")
        {
            same = $"{left} = {right} AND DATEPART(TZOFFSET, {left}) = DATEPART(TZOFFSET, {right})";
        }
        else
        {
            same = $"{left} = {right}";
        }
        return $"(({same}) OR ({left} IS NULL AND {right} IS NULL))";
    }

    private static string Bytes(SqlColumnType type, string value) => type.Name switch
    {
        "binary" or "varbinary" or "image" => value,
        "xml" => $"CAST(CAST({value} AS nvarchar(max)) AS varbinary(max))",
        _ => $"CAST({value} AS varbinary(max))",
    };
}
