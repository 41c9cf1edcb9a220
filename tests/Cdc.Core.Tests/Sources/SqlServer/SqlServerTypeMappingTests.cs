using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;

namespace Cdc.Core.Tests.Sources.SqlServer;

public sealed class SqlServerTypeMappingTests
{
    /// <summary>Type name, max_length, precision and scale exactly as sys.columns reports them for each declaration.</summary>
    [Theory]
    [InlineData("bit", 1, 1, 0, LogicalType.Boolean, "bit", null, null, null)]
    [InlineData("tinyint", 1, 3, 0, LogicalType.Int16, "tinyint", null, null, null)]
    [InlineData("smallint", 2, 5, 0, LogicalType.Int16, "smallint", null, null, null)]
    [InlineData("int", 4, 10, 0, LogicalType.Int32, "int", null, null, null)]
    [InlineData("bigint", 8, 19, 0, LogicalType.Int64, "bigint", null, null, null)]
    [InlineData("decimal", 17, 38, 10, LogicalType.Decimal, "decimal(38,10)", null, 38, 10)]
    [InlineData("numeric", 5, 9, 0, LogicalType.Decimal, "numeric(9,0)", null, 9, 0)]
    [InlineData("money", 8, 19, 4, LogicalType.Decimal, "money", null, 19, 4)]
    [InlineData("smallmoney", 4, 10, 4, LogicalType.Decimal, "smallmoney", null, 10, 4)]
    [InlineData("float", 8, 53, 0, LogicalType.Float64, "float", null, null, null)]
    [InlineData("real", 4, 24, 0, LogicalType.Float32, "real", null, null, null)]
    [InlineData("date", 3, 10, 0, LogicalType.Date, "date", null, null, null)]
    [InlineData("time", 5, 16, 7, LogicalType.Time, "time(7)", null, 7, null)]
    [InlineData("time", 3, 8, 0, LogicalType.Time, "time(0)", null, 0, null)]
    [InlineData("datetime", 8, 23, 3, LogicalType.Timestamp, "datetime", null, 3, null)]
    [InlineData("smalldatetime", 4, 16, 0, LogicalType.Timestamp, "smalldatetime", null, 0, null)]
    [InlineData("datetime2", 8, 27, 7, LogicalType.Timestamp, "datetime2(7)", null, 7, null)]
    [InlineData("datetime2", 6, 19, 0, LogicalType.Timestamp, "datetime2(0)", null, 0, null)]
    [InlineData("datetimeoffset", 10, 34, 7, LogicalType.TimestampTz, "datetimeoffset(7)", null, 7, null)]
    [InlineData("datetimeoffset", 8, 28, 3, LogicalType.TimestampTz, "datetimeoffset(3)", null, 3, null)]
    [InlineData("char", 10, 0, 0, LogicalType.String, "char(10)", 10, null, null)]
    [InlineData("varchar", 50, 0, 0, LogicalType.String, "varchar(50)", 50, null, null)]
    [InlineData("varchar", -1, 0, 0, LogicalType.String, "varchar(max)", null, null, null)]
    [InlineData("nchar", 20, 0, 0, LogicalType.String, "nchar(10)", 10, null, null)]
    [InlineData("nvarchar", 100, 0, 0, LogicalType.String, "nvarchar(50)", 50, null, null)]
    [InlineData("nvarchar", -1, 0, 0, LogicalType.String, "nvarchar(max)", null, null, null)]
    [InlineData("sysname", 256, 0, 0, LogicalType.String, "nvarchar(128)", 128, null, null)]
    [InlineData("text", 16, 0, 0, LogicalType.String, "text", null, null, null)]
    [InlineData("ntext", 16, 0, 0, LogicalType.String, "ntext", null, null, null)]
    [InlineData("binary", 16, 0, 0, LogicalType.Binary, "binary(16)", 16, null, null)]
    [InlineData("varbinary", 8000, 0, 0, LogicalType.Binary, "varbinary(8000)", 8000, null, null)]
    [InlineData("varbinary", -1, 0, 0, LogicalType.Binary, "varbinary(max)", null, null, null)]
    [InlineData("image", 16, 0, 0, LogicalType.Binary, "image", null, null, null)]
    [InlineData("timestamp", 8, 0, 0, LogicalType.Binary, "rowversion", 8, null, null)]
    [InlineData("uniqueidentifier", 16, 0, 0, LogicalType.Uuid, "uniqueidentifier", null, null, null)]
    [InlineData("xml", -1, 0, 0, LogicalType.String, "xml", null, null, null)]
    [InlineData("json", -1, 0, 0, LogicalType.Json, "json", null, null, null)]
    [InlineData("hierarchyid", 892, 0, 0, LogicalType.String, "hierarchyid", null, null, null)]
    [InlineData("geography", -1, 0, 0, LogicalType.String, "geography", null, null, null)]
    [InlineData("geometry", -1, 0, 0, LogicalType.String, "geometry", null, null, null)]
    [InlineData("sql_variant", 8016, 0, 0, LogicalType.Json, "sql_variant", null, null, null)]
    public void Every_supported_type_maps_with_its_exact_declaration(
        string typeName, int maxLength, int precision, int scale, LogicalType logical, string sourceType, int? length, int? digits, int? decimals)
    {
        var column = SqlServerTypeMapping.Map("c", typeName, maxLength, precision, scale, nullable: false);
        column.Should().Be(new ColumnSchema("c", logical, false, length, digits, decimals, sourceType));
        SqlServerTypeMapping.BaseType(column).Should().Be(sourceType.Split('(')[0]);
    }

    [Fact]
    public void Type_names_match_whatever_their_case_and_nullability_is_kept()
    {
        var column = SqlServerTypeMapping.Map("Amount", "DECIMAL", 9, 18, 2, nullable: true);
        column.SourceType.Should().Be("decimal(18,2)");
        column.Nullable.Should().BeTrue();
    }

    [Theory]
    [InlineData("vector")]
    [InlineData("MyClrType")]
    public void A_type_Ingest_cannot_carry_is_refused_naming_table_column_and_type(string typeName)
    {
        FluentActions.Invoking(() => SqlServerTypeMapping.Map(new TableId("dbo", "Orders"), "Shape", typeName, 8000, 0, 0, true))
            .Should().Throw<SourceException>().WithMessage($"Column \"Shape\" of table dbo.Orders has type {typeName}, which cannot be captured*Exclude the table*");
        FluentActions.Invoking(() => SqlServerTypeMapping.Map("Shape", typeName, 8000, 0, 0, true))
            .Should().Throw<SourceException>().WithMessage($"Column \"Shape\" has type {typeName}*");
    }
}
