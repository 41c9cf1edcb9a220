using Cdc.Core.Targets.SqlServer;

namespace Cdc.Core.Tests.Targets.SqlServer;

/// <summary>hierarchyid, spatial and sql_variant values as the SQL Server source hands them over, and the SQL that
/// rebuilds them.</summary>
public sealed class SqlSpecialValuesTests
{
    [Fact]
    public void Hierarchy_paths_are_checked_and_parsed_in_sql()
    {
        SqlSpecialValues.HierarchyPath("/1/2.5/").Should().Be("/1/2.5/");
        SqlSpecialValues.HierarchyPath("/").Should().Be("/");
        SqlSpecialValues.HierarchyExpression("s.r3").Should().Be("CASE WHEN s.r3 IS NULL THEN NULL ELSE hierarchyid::Parse(s.r3) END");

        var act = () => SqlSpecialValues.HierarchyPath("1/2");

        act.Should().Throw<ArgumentException>().WithMessage("'1/2' is not a hierarchyid path*");
    }

    [Fact]
    public void Spatial_values_split_into_wkt_and_srid()
    {
        SqlSpecialValues.Spatial("SRID=4326;POINT (1 2 3 4)", SqlColumnType.Geography).Should().Be(("POINT (1 2 3 4)", 4326));
        SqlSpecialValues.Spatial("srid=0;LINESTRING (0 0, 1 1)", SqlColumnType.Geometry).Should().Be(("LINESTRING (0 0, 1 1)", 0));
        SqlSpecialValues.Spatial("POINT (1 2)", SqlColumnType.Geography).Should().Be(("POINT (1 2)", 4326));
        SqlSpecialValues.Spatial("POINT (1 2)", SqlColumnType.Geometry).Should().Be(("POINT (1 2)", 0));
        SqlSpecialValues.SpatialExpression(SqlColumnType.Geography, "r1", "r1_srid").Should().Be("CASE WHEN r1 IS NULL THEN NULL ELSE geography::STGeomFromText(r1, r1_srid) END");
        SqlSpecialValues.SpatialExpression(SqlColumnType.Geometry, "s.r1", "s.r1_srid").Should().Be("CASE WHEN s.r1 IS NULL THEN NULL ELSE geometry::STGeomFromText(s.r1, s.r1_srid) END");

        var noSrid = () => SqlSpecialValues.Spatial("SRID=x;POINT (1 2)", SqlColumnType.Geography);
        var noWkt = () => SqlSpecialValues.Spatial("SRID=4326;", SqlColumnType.Geography);

        noSrid.Should().Throw<ArgumentException>().WithMessage("*not a geography value (expected SRID=<srid>;<WKT>*");
        noWkt.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("{\"type\":\"int\",\"value\":\"42\"}", "int", "42")]
    [InlineData("{\"type\":\"tinyint\",\"value\":\"255\"}", "tinyint", "255")]
    [InlineData("{\"type\":\"bit\",\"value\":\"1\"}", "bit", "1")]
    [InlineData("{\"type\":\"decimal(10,2)\",\"value\":\"12.50\"}", "decimal(10,2)", "12.50")]
    [InlineData("{\"type\":\"numeric(5,0)\",\"value\":\"-7\"}", "numeric(5,0)", "-7")]
    [InlineData("{\"type\":\"decimal\",\"value\":\"1.125\"}", "decimal(38,3)", "1.125")]
    [InlineData("{\"type\":\"money\",\"value\":\"12.3400\"}", "money", "12.3400")]
    [InlineData("{\"type\":\"float\",\"value\":\"1.5000000000000000e+000\"}", "float", "1.5")]
    [InlineData("{\"type\":\"real\",\"value\":\"2.5000000e+000\"}", "real", "2.5")]
    [InlineData("{\"type\":\"nvarchar(50)\",\"value\":\"héllo 'x'\"}", "nvarchar(50)", "héllo 'x'")]
    [InlineData("{\"type\":\"varchar(10)\",\"value\":\"abc\"}", "varchar(10)", "abc")]
    [InlineData("{\"type\":\"char(3)\",\"value\":\"ab \"}", "char(3)", "ab ")]
    [InlineData("{\"type\":\"varbinary(4)\",\"value\":\"0x0a0B\"}", "varbinary(4)", "0x0A0B")]
    [InlineData("{\"type\":\"date\",\"value\":\"2024-02-29\"}", "date", "2024-02-29")]
    [InlineData("{\"type\":\"time(3)\",\"value\":\"13:45:30.123\"}", "time(3)", "13:45:30.1230000")]
    [InlineData("{\"type\":\"datetime\",\"value\":\"2024-02-29 13:45:30.123\"}", "datetime", "2024-02-29T13:45:30.123")]
    [InlineData("{\"type\":\"smalldatetime\",\"value\":\"2024-02-29 13:45:00.000\"}", "smalldatetime", "2024-02-29T13:45:00.000")]
    [InlineData("{\"type\":\"datetime2(7)\",\"value\":\"2024-02-29 13:45:30.1234567\"}", "datetime2(7)", "2024-02-29T13:45:30.1234567")]
    [InlineData("{\"type\":\"datetimeoffset(7)\",\"value\":\"2024-02-29 13:45:30.1234567 +05:30\"}", "datetimeoffset(7)", "2024-02-29T13:45:30.1234567+05:30")]
    [InlineData("{\"type\":\"uniqueidentifier\",\"value\":\"0B0E7F53-3B7C-4D8E-9A61-5F2E0C7D9A11\"}", "uniqueidentifier", "0b0e7f53-3b7c-4d8e-9a61-5f2e0c7d9a11")]
    public void Variants_read_their_base_type_and_exact_text(string json, string type, string text)
    {
        SqlSpecialValues.Variant(json).Should().Be((type, text));
    }

    [Theory]
    [InlineData("{\"type\":\"int\",\"value\":\"4.5\"}", "*not a int value*")]
    [InlineData("{\"type\":\"tinyint\",\"value\":\"256\"}", "*not a tinyint value*")]
    [InlineData("{\"type\":\"decimal(4,2)\",\"value\":\"1.234\"}", "*more digits after the point*")]
    [InlineData("{\"type\":\"nvarchar(2)\",\"value\":\"abc\"}", "*3 characters long; nvarchar(2)*")]
    [InlineData("{\"type\":\"varbinary(1)\",\"value\":\"0x0102\"}", "*2 bytes long; varbinary(1)*")]
    [InlineData("{\"type\":\"xml\",\"value\":\"<a/>\"}", "*not a base type a sql_variant can hold*")]
    [InlineData("{\"type\":\"int); DROP TABLE x; --\",\"value\":\"1\"}", "*not a base type a sql_variant can hold*")]
    [InlineData("{\"type\":\"int\"}", "*with both set*")]
    [InlineData("[1]", "*not a sql_variant*")]
    [InlineData("not json", "*not a sql_variant*")]
    public void Malformed_variants_are_refused_with_the_reason(string json, string message)
    {
        var act = () => SqlSpecialValues.Variant(json);

        act.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void The_variant_expression_has_one_exact_branch_per_base_type_present()
    {
        var sql = SqlSpecialValues.VariantExpression("s.r2_type", "s.r2", ["int", "decimal(10,2)", "datetime", "varbinary(4)", "int", "datetimeoffset(7)"]);

        sql.Should().Be("CASE s.r2_type " +
                        "WHEN N'datetime' THEN CAST(CONVERT(datetime, s.r2, 126) AS sql_variant) " +
                        "WHEN N'datetimeoffset(7)' THEN CAST(CAST(s.r2 AS datetimeoffset(7)) AS sql_variant) " +
                        "WHEN N'decimal(10,2)' THEN CAST(CAST(s.r2 AS decimal(10,2)) AS sql_variant) " +
                        "WHEN N'int' THEN CAST(CAST(s.r2 AS int) AS sql_variant) " +
                        "WHEN N'varbinary(4)' THEN CAST(CONVERT(varbinary(4), s.r2, 1) AS sql_variant) END");
        SqlSpecialValues.VariantExpression("t", "v", []).Should().Be("CAST(NULL AS sql_variant)");
    }
}
