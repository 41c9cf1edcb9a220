using System.Data;
using System.Data.SqlTypes;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>
/// The SQL Server end-to-end suites' own machinery, checked without a server: the T-SQL the workload sends (every
/// identifier quoted, every value a parameter), the comparer's conversions, the generator's values (each one fits its
/// column exactly, so the source keeps what was generated), and the history check failing when it should.
/// </summary>
public sealed partial class SqlWorkloadSelfTests
{
    [Fact]
    public void Tables_and_schemas_are_created_with_every_name_quoted()
    {
        SqlWorkloadSql.CreateSchema("odd]schema").Should().Be("IF SCHEMA_ID(N'odd]schema') IS NULL EXEC(N'CREATE SCHEMA [odd]]schema]')");
        SqlWorkloadSql.CreateTable(SqlWorkloadTables.Hostile).Should().Be(
            "CREATE TABLE [odd]]schema].[a]]b \"c' d] ([id] uniqueidentifier NOT NULL, [Ünïcödé] nvarchar(100) NULL, [select] int NULL, " +
            "[col ]]x] decimal(18,4) NULL, [it's] datetimeoffset(3) NULL, [when'] datetime2(3) NULL, [at] time(0) NULL, " +
            "[\"quoted\"] nvarchar(max) NULL, [row version] rowversion NOT NULL, PRIMARY KEY ([id]))");
        SqlWorkloadSql.CreateTable(SqlWorkloadTables.EventsLog).Should().StartWith("CREATE TABLE [sales ops].[events log] ([event id] bigint NOT NULL, [source system] varchar(10) NOT NULL, [qty] bigint NULL,")
            .And.NotContain("PRIMARY KEY", "the heap has no primary key");
    }

    [Fact]
    public void Capture_is_enabled_with_the_documented_statements()
    {
        SqlWorkloadSql.EnableChangeTracking(SqlWorkloadTables.Hostile).Should().Be("ALTER TABLE [odd]]schema].[a]]b \"c' d] ENABLE CHANGE_TRACKING WITH (TRACK_COLUMNS_UPDATED = OFF)");
        SqlWorkloadSql.DisableChangeTracking(SqlWorkloadTables.Unicode).Should().Be("ALTER TABLE [Ünïcödé].[表 データ] DISABLE CHANGE_TRACKING");
        SqlWorkloadSql.EnableCdc(SqlWorkloadTables.EventsLog).Should().Be(
            "EXEC sys.sp_cdc_enable_table @source_schema = N'sales ops', @source_name = N'events log', @role_name = NULL, @supports_net_changes = 0");
        SqlWorkloadSql.EnableCdc(SqlWorkloadTables.Accounts).Should().EndWith("@supports_net_changes = 1");
        SqlWorkloadSql.AddColumn(SqlWorkloadTables.Unicode, new SqlWorkloadColumn("e-mail ✉", "nvarchar(100)"))
            .Should().Be("ALTER TABLE [Ünïcödé].[表 データ] ADD [e-mail ✉] nvarchar(100) NULL");
    }

    [Fact]
    public void Changes_are_parameterized_and_guarded_by_their_keys()
    {
        var table = SqlWorkloadTables.Unicode;
        var insert = SqlWorkloadSql.Insert(table,
        [
            (table.Column("k"), SqlValue.Of(SqlDbType.NVarChar, "k1234567", 40)),
            (table.Column("v"), SqlValue.Of(SqlDbType.Int, 5)),
            (table.Column("b"), SqlValue.Null),
            (table.Column("t"), SqlValue.Of(SqlDbType.NVarChar, "x", -1)),
        ]);
        insert.Sql.Should().Be("IF NOT EXISTS (SELECT 1 FROM [Ünïcödé].[表 データ] WHERE [k] = @v0) INSERT INTO [Ünïcödé].[表 データ] ([k], [v], [b], [t]) VALUES (@v0, @v1, NULL, @v3)");
        insert.Parameters.Select(p => p.ParameterName).Should().Equal("@v0", "@v1", "@v3");

        var orders = SqlWorkloadTables.OrderDetails;
        SqlValue[] key = [SqlValue.Of(SqlDbType.Int, 1), SqlValue.Of(SqlDbType.SmallInt, (short)2)];
        var change = SqlWorkloadSql.ChangeKey(orders, key, SqlValue.Of(SqlDbType.Int, 9));
        change.Sql.Should().Be("UPDATE [select].[Order Details] SET [order_id] = @n WHERE [order_id] = @k0 AND [line no] = @k1 " +
                               "AND NOT EXISTS (SELECT 1 FROM [select].[Order Details] WHERE [order_id] = @n AND [line no] = @k1)");
        change.Parameters.Select(p => p.ParameterName).Should().Equal("@k0", "@k1", "@n");

        var place = SqlValue.Expression("geography::STGeomFromText({0}, {1})", new SqlArgument(SqlDbType.NVarChar, "POINT (1 2)", -1), new SqlArgument(SqlDbType.Int, 4326));
        var update = SqlWorkloadSql.Update(orders, [(orders.Column("place"), place), (orders.Column("note"), SqlValue.Null)], key);
        update.Sql.Should().Be("UPDATE [select].[Order Details] SET [place] = geography::STGeomFromText(@v0, @v0_1), [note] = NULL WHERE [order_id] = @k0 AND [line no] = @k1");
        update.Parameters.Select(p => p.ParameterName).Should().Equal("@v0", "@v0_1", "@k0", "@k1");
        SqlWorkloadSql.Delete(orders, key).Sql.Should().Be("DELETE FROM [select].[Order Details] WHERE [order_id] = @k0 AND [line no] = @k1");
    }

    [Fact]
    public void The_comparer_reads_types_without_an_exact_client_type_through_lossless_conversions()
    {
        var columns = new[] { new SqlWorkloadColumn("node", "hierarchyid"), new SqlWorkloadColumn("doc", "xml"), new SqlWorkloadColumn("k]", "int") };
        SqlTableReader.SelectSql("mirror", "a]b", columns, ["k]"], "t.[x] IS NULL", ["__START_AT"]).Should().Be(
            "SELECT CAST(t.[node] AS varbinary(max)), CAST(t.[doc] AS nvarchar(max)), t.[k]]], t.[__START_AT] FROM [mirror].[a]]b] AS t WHERE t.[x] IS NULL ORDER BY t.[k]]]");
        SqlTableReader.SelectExpression(new SqlWorkloadColumn("v", "sql_variant"), "t.[v]").Should()
            .Contain("SQL_VARIANT_PROPERTY(t.[v], 'BaseType')").And.Contain("'Precision'").And.Contain("'Scale'").And.Contain("'MaxLength'").And.Contain("'Collation'")
            .And.Contain("CONVERT(nvarchar(max), CAST(t.[v] AS varbinary(8000)), 1)");
    }

    [Fact]
    public void Column_types_are_parsed_with_their_facets()
    {
        new SqlWorkloadColumn("a", "decimal(38,10)").Should().Match<SqlWorkloadColumn>(c => c.BaseType == "decimal" && c.Precision == 38 && c.Scale == 10);
        new SqlWorkloadColumn("a", "nvarchar(max)").Length.Should().Be(-1);
        new SqlWorkloadColumn("a", "char(8)").Length.Should().Be(8);
        new SqlWorkloadColumn("a", "time(0)").Scale.Should().Be(0);
        new SqlWorkloadColumn("a", "datetimeoffset").Scale.Should().Be(7);
        new SqlWorkloadColumn("a", "rowversion").IsGenerated.Should().BeTrue();
    }

    [Fact]
    public void Every_generated_value_fits_its_column_exactly()
    {
        var generator = new SqlValueGenerator(new Random(5));
        SqlWorkloadTable[] tables = [SqlWorkloadTables.OrderDetails, SqlWorkloadTables.Hostile, SqlWorkloadTables.Unicode, SqlWorkloadTables.EventsLog, SqlWorkloadTables.Accounts];
        var nulls = 0;
        foreach (var table in tables)
        {
            foreach (var column in table.WritableColumns)
            {
                for (var i = 0; i < 400; i++)
                {
                    var key = table.IsKey(column.Name);
                    var value = generator.Next(column, nullable: true, key);
                    if (value.IsNull)
                    {
                        key.Should().BeFalse($"key column {column.Name} of {table.Id} is never NULL");
                        nulls++;
                        continue;
                    }
                    var problem = Problem(column, value, key);
                    problem.Should().BeNull($"{column.Name} ({column.SqlType}) of {table.Id} got {value}");
                }
            }
        }
        nulls.Should().BeGreaterThan(0, "nullable columns get NULLs too");
    }

    [Fact]
    public void The_history_check_fails_on_overlapping_and_repeated_versions()
    {
        var t0 = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        HistoryRow[] chained = [new(["1", "a"], t0, t0.AddSeconds(1)), new(["1", "b"], t0.AddSeconds(1), null), new(["2", "a"], t0, null)];
        chained.ShouldChain(1, "a chain");

        HistoryRow[] overlapping = [new(["1", "a"], t0, t0.AddSeconds(2)), new(["1", "b"], t0.AddSeconds(1), null)];
        FluentActions.Invoking(() => overlapping.ShouldChain(1, "overlap")).Should().Throw<Exception>().WithMessage("*overlap*");
        HistoryRow[] repeated = [new(["1", "a"], t0, t0.AddSeconds(1)), new(["1", "a"], t0.AddSeconds(1), null)];
        FluentActions.Invoking(() => repeated.ShouldChain(1, "repeat")).Should().Throw<Exception>().WithMessage("*duplicate*");
        HistoryRow[] open = [new(["1", "a"], t0, null), new(["1", "b"], t0.AddSeconds(1), null)];
        FluentActions.Invoking(() => open.ShouldChain(1, "open")).Should().Throw<Exception>().WithMessage("*still open*");
    }

    /// <summary>Why <paramref name="value"/> would not be stored exactly as generated in <paramref name="column"/>, or
    /// null when it would.</summary>
    private static string? Problem(SqlWorkloadColumn column, SqlValue value, bool key)
    {
        var raw = value.Arguments[0].Value;
        var sql = value.Sql("@p");
        switch (column.BaseType)
        {
            case "char" or "varchar":
                var ansi = (string)raw;
                if (key) return Codes().IsMatch(ansi) ? null : "not a code";
                if (column.Length != -1 && ansi.Length > column.Length) return "too long";
                return ansi.All(c => c < 0x80 || "üßé€".Contains(c, StringComparison.Ordinal)) ? null : "a character outside code page 1252";
            case "nchar" or "nvarchar":
                var text = (string)raw;
                if (key) return KeyText().IsMatch(text) ? null : "not a key text";
                if (column.Length != -1 && text.Length > column.Length) return "too long";
                for (var i = 0; i < text.Length; i++)
                {
                    if (char.IsHighSurrogate(text[i]) && (i + 1 == text.Length || !char.IsLowSurrogate(text[++i]))) return "a lone surrogate";
                    if (char.IsLowSurrogate(text[i]) && (i == 0 || !char.IsHighSurrogate(text[i - 1]))) return "a lone surrogate";
                }
                return null;
            case "binary" or "varbinary":
                return column.Length == -1 || ((byte[])raw).Length <= column.Length ? null : "too long";
            case "decimal" or "numeric":
                var number = ((SqlDecimal)raw).ToString().TrimStart('-').Split('.');
                if (number[0].TrimStart('0').Length > column.Precision - column.Scale) return "too many digits before the point";
                return (number.Length == 2 ? number[1].Length : 0) == column.Scale ? null : "a scale other than the column's";
            case "money":
                var money = (decimal)raw;
                return money is >= -922_337_203_685_477.5808m and <= 922_337_203_685_477.5807m && decimal.Round(money, 4) == money ? null : "outside money";
            case "float":
                var d = (double)raw;
                return double.IsFinite(d) && (d == 0 || Math.Abs(d) >= 2.2250738585072014E-308) ? null : "not a finite normal float";
            case "real":
                var f = (float)raw;
                return float.IsFinite(f) && (f == 0 || Math.Abs(f) >= 1.17549435E-38f) ? null : "not a finite normal real";
            case "time":
                var time = (TimeSpan)raw;
                return time >= TimeSpan.Zero && time.Ticks < TimeSpan.TicksPerDay && time.Ticks % Unit(column.Scale) == 0 ? null : "outside time or finer than its scale";
            case "datetime2":
                return ((DateTime)raw).Ticks % Unit(column.Scale) == 0 ? null : "finer than its scale";
            case "datetime":
                var legacy = (DateTime)raw;
                return legacy >= new DateTime(1753, 1, 1) && legacy <= new DateTime(9999, 12, 31, 23, 59, 59, 997) ? null : "outside datetime";
            case "smalldatetime":
                var small = (DateTime)raw;
                return small >= new DateTime(1900, 1, 1) && small <= new DateTime(2079, 6, 6, 23, 59, 0) && small.Ticks % TimeSpan.TicksPerMinute == 0 ? null : "outside smalldatetime";
            case "datetimeoffset":
                var offset = (DateTimeOffset)raw;
                return offset.Ticks % Unit(column.Scale) == 0 && Math.Abs(offset.Offset.TotalHours) <= 14 && offset.Offset.Ticks % TimeSpan.TicksPerMinute == 0 ? null : "finer than its scale or a bad offset";
            case "xml":
                try
                {
                    XElement.Parse("<root>" + (string)raw + "</root>");
                    return null;
                }
                catch (System.Xml.XmlException ex)
                {
                    return "not well-formed: " + ex.Message;
                }
            case "hierarchyid":
                return HierarchyPath().IsMatch((string)raw) && sql == "hierarchyid::Parse(@p)" ? null : "not a hierarchyid path";
            case "geography":
                return SpatialText().IsMatch((string)raw) && (int)value.Arguments[1].Value is 4326 or 4269 && sql == "geography::STGeomFromText(@p, @p_1)" ? null : "not a geography";
            case "geometry":
                return SpatialText().IsMatch((string)raw) && (int)value.Arguments[1].Value is 0 or 3857 or 27700 && sql == "geometry::STGeomFromText(@p, @p_1)" ? null : "not a geometry";
            case "sql_variant":
                return sql.StartsWith("CAST(", StringComparison.Ordinal) && sql.EndsWith(" AS sql_variant)", StringComparison.Ordinal) && raw is string ? null : "not a typed variant";
            case "bit" or "tinyint" or "smallint" or "int" or "bigint" or "date" or "uniqueidentifier":
                return sql == "@p" ? null : "not a plain parameter";
            default:
                return $"a type the check does not know ({column.SqlType})";
        }
    }

    private static long Unit(int scale) => (long)Math.Pow(10, 7 - scale);

    [GeneratedRegex(@"^(web|app|pos|edi)$")]
    private static partial Regex Codes();

    [GeneratedRegex(@"^k[0-9]{7}( 中文|-é|_ü|ñ|·x)?$")]
    private static partial Regex KeyText();

    [GeneratedRegex(@"^/(?:-?[0-9]+(?:\.[0-9]+)?/)*$")]
    private static partial Regex HierarchyPath();

    [GeneratedRegex(@"^(POINT|LINESTRING|POLYGON) \(\(?-?[0-9]+(\.[0-9]+)?( -?[0-9]+(\.[0-9]+)?){1,3}(, -?[0-9]+(\.[0-9]+)?( -?[0-9]+(\.[0-9]+)?){1,3})*\)?\)$")]
    private static partial Regex SpatialText();
}
