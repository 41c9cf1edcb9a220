using Cdc.Core.Model;
using Cdc.Core.Targets.SqlServer;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

/// <summary>The exact T-SQL of the SCD 2 statements and of the exact-equality terms they compare values with.</summary>
public sealed class SqlScdType2ApplyTests
{
    private static readonly SqlTargetLayout Layout2 = Layout(Simple(), scd: 2);
    private static readonly SqlStageTable Stage = new(Layout2, [false, false, false]);

    private const string NameEqualsP =
        "((CAST(s.c1 AS varbinary(max)) = CAST(p.c1 AS varbinary(max)) AND DATALENGTH(CAST(s.c1 AS varbinary(max))) = DATALENGTH(CAST(p.c1 AS varbinary(max)))) OR (s.c1 IS NULL AND p.c1 IS NULL))";

    private const string NameEqualsT =
        "((CAST(s.c1 AS varbinary(max)) = CAST(t.[name] AS varbinary(max)) AND DATALENGTH(CAST(s.c1 AS varbinary(max))) = DATALENGTH(CAST(t.[name] AS varbinary(max)))) OR (s.c1 IS NULL AND t.[name] IS NULL))";

    [Fact]
    public void Stale_changes_are_those_older_than_any_version_of_the_key()
    {
        SqlScdType2Apply.DeleteStale(Layout2, Stage).Should().Be(
            "DELETE s FROM #ingest_stage AS s JOIN [dbo].[items] AS t ON t.[id] = s.c0 WHERE s.commit_at < COALESCE(t.[__END_AT], t.[__START_AT])");
    }

    [Fact]
    public void No_ops_compare_each_change_with_its_predecessor_or_the_current_version()
    {
        SqlScdType2Apply.DeleteNoOps(Layout2, Stage).Should().Be(
            "WITH links AS (SELECT s.seq, LAG(s.seq) OVER (PARTITION BY s.c0 ORDER BY s.seq) AS prev_seq FROM #ingest_stage AS s), " +
            "noop AS (SELECT s.seq FROM #ingest_stage AS s JOIN links AS l ON l.seq = s.seq " +
            "LEFT JOIN #ingest_stage AS p ON p.seq = l.prev_seq " +
            "LEFT JOIN [dbo].[items] AS t ON l.prev_seq IS NULL AND t.[id] = s.c0 AND t.[__END_AT] IS NULL " +
            "WHERE (l.prev_seq IS NOT NULL AND ((s.del = 1 AND p.del = 1) OR (s.del = 0 AND p.del = 0 AND (" + NameEqualsP + " AND ((s.c2 = p.c2) OR (s.c2 IS NULL AND p.c2 IS NULL)))))) " +
            "OR (l.prev_seq IS NULL AND ((s.del = 1 AND t.[__START_AT] IS NULL) OR (s.del = 0 AND t.[__START_AT] IS NOT NULL AND (" + NameEqualsT + " AND ((s.c2 = t.[amount]) OR (s.c2 IS NULL AND t.[amount] IS NULL))))))) " +
            "DELETE s FROM #ingest_stage AS s JOIN noop AS n ON n.seq = s.seq");
    }

    [Fact]
    public void The_chain_links_changes_per_key()
    {
        const string window = "OVER (PARTITION BY s.c0 ORDER BY s.seq)";
        SqlScdType2Apply.CreateChain(Layout2, Stage).Should().Be(
            "SELECT s.c0, s.c1, s.c2, s.del, s.commit_at, s.seq, " +
            $"CASE WHEN LAG(s.seq) {window} IS NULL THEN 1 ELSE 0 END AS is_first, " +
            $"LEAD(s.commit_at) {window} AS next_at, " +
            $"CASE WHEN LAG(s.seq) {window} IS NOT NULL THEN CASE WHEN LAG(s.del) {window} = 1 THEN 0 ELSE 1 END " +
            "WHEN EXISTS (SELECT 1 FROM [dbo].[items] AS t WHERE t.[id] = s.c0 AND t.[__END_AT] IS NULL) THEN 1 ELSE 0 END AS had_current " +
            "INTO #ingest_chain FROM #ingest_stage AS s");
    }

    [Fact]
    public void Counts_close_replace_and_insert_read_the_chain()
    {
        SqlScdType2Apply.Counts().Should().Be(
            "SELECT COUNT_BIG(CASE WHEN del = 0 AND had_current = 0 THEN 1 END), COUNT_BIG(CASE WHEN del = 0 AND had_current = 1 THEN 1 END), " +
            "COUNT_BIG(CASE WHEN del = 1 THEN 1 END) FROM #ingest_chain");
        SqlScdType2Apply.CloseCurrent(Layout2, Stage).Should().Be(
            "UPDATE t SET [__END_AT] = c.commit_at FROM [dbo].[items] AS t JOIN #ingest_chain AS c ON t.[id] = c.c0 " +
            "WHERE c.is_first = 1 AND t.[__END_AT] IS NULL AND t.[__START_AT] < c.commit_at");
        SqlScdType2Apply.ReplaceSameInstant(Layout2, Stage).Should().Be(
            "DELETE t FROM [dbo].[items] AS t JOIN #ingest_chain AS c ON t.[id] = c.c0 " +
            "WHERE c.is_first = 1 AND t.[__END_AT] IS NULL AND t.[__START_AT] = c.commit_at");
        SqlScdType2Apply.InsertVersions(Layout2, Stage).Should().Be(
            "INSERT INTO [dbo].[items] ([id], [name], [amount], [__START_AT], [__END_AT]) SELECT c.c0, c.c1, c.c2, c.commit_at, c.next_at FROM #ingest_chain AS c WHERE c.del = 0");
        SqlScdType2Apply.DropChain().Should().Be("DROP TABLE #ingest_chain");
    }

    [Fact]
    public void Equality_is_exact_for_every_kind_of_type()
    {
        SqlScdType2Apply.Equal(SqlColumnType.Int, "a", "b").Should().Be("((a = b) OR (a IS NULL AND b IS NULL))");
        SqlScdType2Apply.Equal(SqlColumnType.VarBinary(16), "a", "b").Should().Be("((a = b AND DATALENGTH(a) = DATALENGTH(b)) OR (a IS NULL AND b IS NULL))");
        SqlScdType2Apply.Equal(SqlColumnType.Xml, "a", "b").Should().Be(
            "((CAST(CAST(a AS nvarchar(max)) AS varbinary(max)) = CAST(CAST(b AS nvarchar(max)) AS varbinary(max)) " +
            "AND DATALENGTH(CAST(CAST(a AS nvarchar(max)) AS varbinary(max))) = DATALENGTH(CAST(CAST(b AS nvarchar(max)) AS varbinary(max)))) OR (a IS NULL AND b IS NULL))");
        SqlScdType2Apply.Equal(SqlColumnType.Geography, "a", "b").Should().Be(
            "((CAST(a AS varbinary(max)) = CAST(b AS varbinary(max)) AND DATALENGTH(CAST(a AS varbinary(max))) = DATALENGTH(CAST(b AS varbinary(max)))) OR (a IS NULL AND b IS NULL))");
        SqlScdType2Apply.Equal(SqlColumnType.Variant, "a", "b").Should().Be(
            "((a = b AND SQL_VARIANT_PROPERTY(a, 'BaseType') = SQL_VARIANT_PROPERTY(b, 'BaseType') AND DATALENGTH(a) = DATALENGTH(b) " +
            "AND CAST(CAST(a AS nvarchar(4000)) AS varbinary(8000)) = CAST(CAST(b AS nvarchar(4000)) AS varbinary(8000))) OR (a IS NULL AND b IS NULL))");
        SqlScdType2Apply.Equal(SqlColumnType.DateTimeOffset(7), "a", "b").Should().Be(
            "((a = b AND DATEPART(TZOFFSET, a) = DATEPART(TZOFFSET, b)) OR (a IS NULL AND b IS NULL))");
    }

    [Fact]
    public void A_table_of_keys_only_has_nothing_to_compare()
    {
        var keys = Schema("pairs", [new("a", LogicalType.Int32), new("b", LogicalType.Int32)], "a", "b");
        var layout = Layout(keys, scd: 2);

        SqlScdType2Apply.DeleteNoOps(layout, new SqlStageTable(layout, [false, false])).Should().Contain("p.del = 0 AND 1 = 1)))");
    }
}
