using Cdc.Core.Model;
using Cdc.Core.Postgres;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// The set-wise statements that apply a staged batch to an SCD type 2 table, run in this order:
/// <list type="number">
/// <item><see cref="DeleteStale"/>: drops staged changes older than what the target already holds for the key (a
/// replay of changes the snapshot had already seen), so history is never rewritten backwards.</item>
/// <item><see cref="DeleteNoOps"/>: drops changes that would not change the key's state: an upsert whose values
/// equal the previous state (the key's previous staged change, or the current target version), a delete of a key
/// that is already absent. Each change is compared with its predecessor before any is dropped, which is right
/// because a dropped change always equals the state before it.</item>
/// <item><see cref="CreateChain"/>: links the remaining changes per key: the first one, the next one's commit time
/// (which ends each new version) and whether a current version exists before the change.</item>
/// <item><see cref="Counts"/>, then <see cref="CloseCurrent"/> and <see cref="ReplaceSameInstant"/> on the current
/// version, then <see cref="InsertVersions"/>.</item>
/// </list>
/// Versions chain: every closed version's <c>__END_AT</c> is the next version's <c>__START_AT</c>, and a delete only
/// closes. A change at exactly the current version's start replaces that version (the last operation of one commit
/// time wins).
/// </summary>
internal static class ScdType2Apply
{
    public const string ChainTable = "__ingest_chain";

    private static readonly string Chain = "pg_temp." + PgIdentifier.Quote(ChainTable);
    private static readonly string StartAt = PgIdentifier.Quote(PgNames.StartAt);
    private static readonly string EndAt = PgIdentifier.Quote(PgNames.EndAt);

    public static string DeleteStale(string schema, string table, StageTable stage) =>
        $"DELETE FROM {StageTable.QualifiedName} AS s USING {PgIdentifier.Qualified(schema, table)} AS t " +
        $"WHERE {PgTargetSql.KeyJoin(stage)} AND s.{StageTable.AtColumn} < COALESCE(t.{EndAt}, t.{StartAt})";

    public static string DeleteNoOps(string schema, string table, StageTable stage)
    {
        var partition = PartitionBy(stage, "s");
        return $"WITH links AS (SELECT s.{StageTable.SeqColumn}, lag(s.{StageTable.SeqColumn}) OVER (PARTITION BY {partition} ORDER BY s.{StageTable.SeqColumn}) AS prev_seq FROM {StageTable.QualifiedName} AS s), " +
               $"noop AS (SELECT s.{StageTable.SeqColumn} FROM {StageTable.QualifiedName} AS s " +
               $"JOIN links AS l ON l.{StageTable.SeqColumn} = s.{StageTable.SeqColumn} " +
               $"LEFT JOIN {StageTable.QualifiedName} AS p ON p.{StageTable.SeqColumn} = l.prev_seq " +
               $"LEFT JOIN {PgIdentifier.Qualified(schema, table)} AS t ON l.prev_seq IS NULL AND {PgTargetSql.KeyJoin(stage)} AND t.{EndAt} IS NULL " +
               "WHERE CASE WHEN l.prev_seq IS NOT NULL " +
               $"THEN (s.{StageTable.DeleteColumn} AND p.{StageTable.DeleteColumn}) OR (NOT s.{StageTable.DeleteColumn} AND NOT p.{StageTable.DeleteColumn} AND {ValuesEqual(stage, "p", targetSide: false)}) " +
               $"ELSE (s.{StageTable.DeleteColumn} AND t.{StartAt} IS NULL) OR (NOT s.{StageTable.DeleteColumn} AND t.{StartAt} IS NOT NULL AND {ValuesEqual(stage, "t", targetSide: true)}) END) " +
               $"DELETE FROM {StageTable.QualifiedName} AS s USING noop AS n WHERE s.{StageTable.SeqColumn} = n.{StageTable.SeqColumn}";
    }

    public static string CreateChain(string schema, string table, StageTable stage) =>
        $"CREATE TEMP TABLE {PgIdentifier.Quote(ChainTable)} ON COMMIT DROP AS " +
        $"SELECT s.*, lag(s.{StageTable.SeqColumn}) OVER w IS NULL AS is_first, lead(s.{StageTable.AtColumn}) OVER w AS next_at, " +
        $"CASE WHEN lag(s.{StageTable.SeqColumn}) OVER w IS NULL " +
        $"THEN EXISTS (SELECT 1 FROM {PgIdentifier.Qualified(schema, table)} AS t WHERE {PgTargetSql.KeyJoin(stage)} AND t.{EndAt} IS NULL) " +
        $"ELSE NOT lag(s.{StageTable.DeleteColumn}) OVER w END AS had_current " +
        $"FROM {StageTable.QualifiedName} AS s WINDOW w AS (PARTITION BY {PartitionBy(stage, "s")} ORDER BY s.{StageTable.SeqColumn})";

    /// <summary>(inserted, updated, deleted): a new version of an absent key is an insert, of a present key an
    /// update; every remaining delete closes a current version.</summary>
    public static string Counts() =>
        $"SELECT count(*) FILTER (WHERE NOT {StageTable.DeleteColumn} AND NOT had_current), " +
        $"count(*) FILTER (WHERE NOT {StageTable.DeleteColumn} AND had_current), " +
        $"count(*) FILTER (WHERE {StageTable.DeleteColumn}) FROM {Chain}";

    public static string CloseCurrent(string schema, string table, StageTable stage) =>
        $"UPDATE {PgIdentifier.Qualified(schema, table)} AS t SET {EndAt} = c.{StageTable.AtColumn} FROM {Chain} AS c " +
        $"WHERE c.is_first AND {PgTargetSql.KeyJoin(stage, "t", "c")} AND t.{EndAt} IS NULL AND t.{StartAt} < c.{StageTable.AtColumn}";

    public static string ReplaceSameInstant(string schema, string table, StageTable stage) =>
        $"DELETE FROM {PgIdentifier.Qualified(schema, table)} AS t USING {Chain} AS c " +
        $"WHERE c.is_first AND {PgTargetSql.KeyJoin(stage, "t", "c")} AND t.{EndAt} IS NULL AND t.{StartAt} = c.{StageTable.AtColumn}";

    public static string InsertVersions(string schema, string table, StageTable stage)
    {
        var columns = PgTargetSql.ColumnList(stage.Columns.Select(c => c.Name).Append(PgNames.StartAt).Append(PgNames.EndAt));
        var values = string.Join(", ", Enumerable.Range(0, stage.Columns.Count).Select(i => "c." + StageTable.ValueColumn(i)));
        return $"INSERT INTO {PgIdentifier.Qualified(schema, table)} ({columns}) " +
               $"SELECT {values}, c.{StageTable.AtColumn}, c.next_at FROM {Chain} AS c WHERE NOT c.{StageTable.DeleteColumn}";
    }

    private static string PartitionBy(StageTable stage, string alias) =>
        string.Join(", ", stage.KeyOrdinals.Select(i => $"{alias}.{StageTable.ValueColumn(i)}"));

    /// <summary>Every non-key column of the batch equal (NULLs equal) between the staged change <c>s</c> and
    /// <paramref name="other"/>. json has no equality operator, so it compares as text (it keeps its text verbatim).</summary>
    private static string ValuesEqual(StageTable stage, string other, bool targetSide)
    {
        var keys = new HashSet<int>(stage.KeyOrdinals);
        var terms = new List<string>();
        for (var i = 0; i < stage.Columns.Count; i++)
        {
            if (keys.Contains(i)) continue;
            var right = targetSide ? $"{other}.{PgIdentifier.Quote(stage.Columns[i].Name)}" : $"{other}.{StageTable.ValueColumn(i)}";
            var left = $"s.{StageTable.ValueColumn(i)}";
            if (stage.Layout.Schema.Columns[i].Type == LogicalType.Json)
            {
                left += "::text";
                right += "::text";
            }
            terms.Add($"{left} IS NOT DISTINCT FROM {right}");
        }
        return terms.Count == 0 ? "true" : "(" + string.Join(" AND ", terms) + ")";
    }
}
