using System.Data;
using System.Data.SqlTypes;
using Cdc.Core.Model;
using Cdc.Core.Sources.SqlServer;
using static Cdc.Core.Tests.Sources.SqlServer.SqlServerTestSupport;

namespace Cdc.Core.Tests.Sources.SqlServer;

public sealed class SqlServerSnapshotQueryTests
{
    private static TableSchema Table(string schema, string name, IReadOnlyList<ColumnSchema> columns, params string[] keys) => new(new TableId(schema, name), columns, keys);

    private static readonly TableSchema One = Table("dbo", "t", [Column("id", "int", 4, 10, nullable: false), Column("name", "nvarchar", 100)], "id");

    private static readonly TableSchema Two = Table("dbo", "t",
        [Column("a", "varchar", 10, nullable: false), Column("b", "datetime2", 8, 27, 7, nullable: false), Column("v", "int", 4, 10)], "a", "b");

    private static readonly TableSchema Three = Table("dbo", "t",
        [Column("a", "int", 4, 10, nullable: false), Column("b", "nchar", 4, nullable: false), Column("c", "decimal", 17, 38, 10, nullable: false), Column("v", "geography", -1)],
        "a", "b", "c");

    [Fact]
    public void The_first_chunk_has_no_predicate()
    {
        var (sql, parameters) = SqlServerSnapshotQuery.Chunk(One, null, 500);
        sql.Should().Be("SELECT TOP (@n) t.[id], t.[name] FROM [dbo].[t] AS t ORDER BY t.[id]");
        parameters.Should().ContainSingle().Which.Should().BeEquivalentTo(new { ParameterName = "@n", SqlDbType = SqlDbType.Int, Value = 500 });
    }

    [Fact]
    public void One_key_column_pages_with_a_plain_comparison()
    {
        var (sql, parameters) = SqlServerSnapshotQuery.Chunk(One, [42], 500);
        sql.Should().Be("SELECT TOP (@n) t.[id], t.[name] FROM [dbo].[t] AS t WHERE t.[id] > @k0 ORDER BY t.[id]");
        parameters[1].Should().BeEquivalentTo(new { ParameterName = "@k0", SqlDbType = SqlDbType.Int, Value = 42 });
    }

    [Fact]
    public void Two_key_columns_page_lexicographically_with_parameters_typed_like_the_columns()
    {
        var after = new DateTime(2024, 1, 2, 3, 4, 5).AddTicks(6789);
        var (sql, parameters) = SqlServerSnapshotQuery.Chunk(Two, ["x", after], 10);
        sql.Should().Be(
            "SELECT TOP (@n) t.[a], t.[b], t.[v] FROM [dbo].[t] AS t " +
            "WHERE t.[a] >= @k0 AND (t.[a] > @k0 OR (t.[a] = @k0 AND t.[b] > @k1)) ORDER BY t.[a], t.[b]");
        parameters[1].Should().BeEquivalentTo(new { ParameterName = "@k0", SqlDbType = SqlDbType.VarChar, Size = 10, Value = "x" });
        parameters[2].Should().BeEquivalentTo(new { ParameterName = "@k1", SqlDbType = SqlDbType.DateTime2, Scale = (byte)7, Value = after });
    }

    [Fact]
    public void Three_key_columns_expand_every_prefix()
    {
        var (sql, parameters) = SqlServerSnapshotQuery.Chunk(Three, [1, "ab", Numeric.Parse("-1.5")], 10);
        sql.Should().Be(
            "SELECT TOP (@n) t.[a], t.[b], t.[c], CASE WHEN t.[v] IS NULL THEN NULL ELSE CONCAT(N'SRID=', t.[v].STSrid, N';', t.[v].AsTextZM()) END FROM [dbo].[t] AS t " +
            "WHERE t.[a] >= @k0 AND (t.[a] > @k0 OR (t.[a] = @k0 AND t.[b] > @k1) OR (t.[a] = @k0 AND t.[b] = @k1 AND t.[c] > @k2)) ORDER BY t.[a], t.[b], t.[c]");
        parameters[2].Should().BeEquivalentTo(new { SqlDbType = SqlDbType.NChar, Size = 2, Value = "ab" });
        parameters[3].SqlDbType.Should().Be(SqlDbType.Decimal);
        parameters[3].Precision.Should().Be(38);
        parameters[3].Scale.Should().Be(10);
        ((SqlDecimal)parameters[3].Value).ToString().Should().Be("-1.5000000000");
    }

    [Fact]
    public void Null_key_values_sort_first_as_SQL_Server_sorts_them()
    {
        var table = Table("dbo", "t", [Column("a", "int", 4, 10), Column("b", "int", 4, 10)], "a", "b");
        SqlServerSnapshotQuery.Chunk(table, [null, 5], 10).Sql.Should().EndWith(
            "WHERE t.[a] IS NOT NULL OR (t.[a] IS NULL AND t.[b] > @k1) ORDER BY t.[a], t.[b]");
        SqlServerSnapshotQuery.Chunk(table, [3, null], 10).Sql.Should().EndWith(
            "WHERE t.[a] >= @k0 AND (t.[a] > @k0 OR (t.[a] = @k0 AND t.[b] IS NOT NULL)) ORDER BY t.[a], t.[b]");
    }

    [Fact]
    public void Hostile_names_are_quoted_everywhere()
    {
        var table = Table("sch]ema", "it's a table", [Column("k]ey", "nvarchar", 20, nullable: false), Column("Ünïcode col", "int", 4, 10)], "k]ey");
        SqlServerSnapshotQuery.Chunk(table, ["v"], 1).Sql.Should().Be(
            "SELECT TOP (@n) t.[k]]ey], t.[Ünïcode col] FROM [sch]]ema].[it's a table] AS t WHERE t.[k]]ey] > @k0 ORDER BY t.[k]]ey]");
    }

    [Fact]
    public void A_hierarchyid_key_compares_as_a_hierarchyid()
    {
        var table = Table("dbo", "tree", [Column("node", "hierarchyid", 892, nullable: false)], "node");
        var (sql, parameters) = SqlServerSnapshotQuery.Chunk(table, ["/1/3/"], 5);
        sql.Should().Be("SELECT TOP (@n) CAST(t.[node] AS nvarchar(4000)) FROM [dbo].[tree] AS t WHERE t.[node] > hierarchyid::Parse(@k0) ORDER BY t.[node]");
        parameters[1].Should().BeEquivalentTo(new { SqlDbType = SqlDbType.NVarChar, Size = 4000, Value = "/1/3/" });
    }

    [Fact]
    public void A_column_the_table_no_longer_has_is_read_as_null() =>
        SqlServerSnapshotQuery.Chunk(One, null, 5, new HashSet<string> { "name" }).Sql.Should().Be("SELECT TOP (@n) t.[id], NULL FROM [dbo].[t] AS t ORDER BY t.[id]");

    [Fact]
    public void A_cursor_of_the_wrong_width_is_refused() =>
        FluentActions.Invoking(() => SqlServerSnapshotQuery.Chunk(Two, [1], 5)).Should().Throw<ArgumentException>().WithMessage("*has 1 values; its key has 2 columns*");
}
