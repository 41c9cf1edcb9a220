using Cdc.Core.Model;
using Cdc.Core.Targets.SqlServer;

namespace Cdc.Core.Tests.Targets.SqlServer;

public sealed class SqlTypeMappingTests
{
    [Theory]
    [InlineData(LogicalType.Boolean, null, null, null, "bit")]
    [InlineData(LogicalType.Int16, null, null, null, "smallint")]
    [InlineData(LogicalType.Int32, null, null, null, "int")]
    [InlineData(LogicalType.Int64, null, null, null, "bigint")]
    [InlineData(LogicalType.Float32, null, null, null, "real")]
    [InlineData(LogicalType.Float64, null, null, null, "float")]
    [InlineData(LogicalType.Decimal, null, 12, 2, "decimal(12,2)")]
    [InlineData(LogicalType.Decimal, null, 38, 38, "decimal(38,38)")]
    [InlineData(LogicalType.Decimal, null, 50, 5, "decimal(38,5)")]
    [InlineData(LogicalType.Decimal, null, null, null, "decimal(38,10)")]
    [InlineData(LogicalType.Decimal, null, 10, 12, "decimal(38,10)")]
    [InlineData(LogicalType.Decimal, null, 10, -2, "decimal(38,10)")]
    [InlineData(LogicalType.String, null, null, null, "nvarchar(max)")]
    [InlineData(LogicalType.String, 20, null, null, "nvarchar(20)")]
    [InlineData(LogicalType.String, 4001, null, null, "nvarchar(max)")]
    [InlineData(LogicalType.Binary, null, null, null, "varbinary(max)")]
    [InlineData(LogicalType.Binary, 16, null, null, "varbinary(16)")]
    [InlineData(LogicalType.Uuid, null, null, null, "uniqueidentifier")]
    [InlineData(LogicalType.Json, null, null, null, "nvarchar(max)")]
    [InlineData(LogicalType.Date, null, null, null, "date")]
    [InlineData(LogicalType.Time, null, 6, null, "time(7)")]
    [InlineData(LogicalType.Timestamp, null, 6, null, "datetime2(7)")]
    [InlineData(LogicalType.TimestampTz, null, null, null, "datetimeoffset(7)")]
    public void Maps_every_logical_type(LogicalType type, int? maxLength, int? precision, int? scale, string expected)
    {
        SqlTypeMapping.ColumnTypeOf(new ColumnSchema("c", type, MaxLength: maxLength, Precision: precision, Scale: scale)).Sql.Should().Be(expected);
    }

    [Fact]
    public void Every_logical_type_has_a_mapping()
    {
        foreach (var type in Enum.GetValues<LogicalType>())
            SqlTypeMapping.ColumnTypeOf(new ColumnSchema("c", type)).Sql.Should().NotBeNullOrEmpty();
    }

    /// <summary>Each SQL Server type as the SQL Server source describes it (its logical type, limits and SourceType).</summary>
    [Theory]
    [InlineData("bit", LogicalType.Boolean, null, null, null, "bit")]
    [InlineData("tinyint", LogicalType.Int16, null, null, null, "tinyint")]
    [InlineData("smallint", LogicalType.Int16, null, null, null, "smallint")]
    [InlineData("int", LogicalType.Int32, null, null, null, "int")]
    [InlineData("bigint", LogicalType.Int64, null, null, null, "bigint")]
    [InlineData("decimal(38,10)", LogicalType.Decimal, null, 38, 10, "decimal(38,10)")]
    [InlineData("numeric(5,0)", LogicalType.Decimal, null, 5, 0, "numeric(5,0)")]
    [InlineData("money", LogicalType.Decimal, null, 19, 4, "money")]
    [InlineData("smallmoney", LogicalType.Decimal, null, 10, 4, "smallmoney")]
    [InlineData("float", LogicalType.Float64, null, null, null, "float")]
    [InlineData("real", LogicalType.Float32, null, null, null, "real")]
    [InlineData("date", LogicalType.Date, null, null, null, "date")]
    [InlineData("time(3)", LogicalType.Time, null, 3, null, "time(3)")]
    [InlineData("datetime", LogicalType.Timestamp, null, 3, null, "datetime")]
    [InlineData("smalldatetime", LogicalType.Timestamp, null, 0, null, "smalldatetime")]
    [InlineData("datetime2(7)", LogicalType.Timestamp, null, 7, null, "datetime2(7)")]
    [InlineData("datetime2(0)", LogicalType.Timestamp, null, 0, null, "datetime2(0)")]
    [InlineData("datetimeoffset(7)", LogicalType.TimestampTz, null, 7, null, "datetimeoffset(7)")]
    [InlineData("char(10)", LogicalType.String, 10, null, null, "char(10)")]
    [InlineData("varchar(max)", LogicalType.String, null, null, null, "varchar(max)")]
    [InlineData("varchar(8000)", LogicalType.String, 8000, null, null, "varchar(8000)")]
    [InlineData("nchar(5)", LogicalType.String, 5, null, null, "nchar(5)")]
    [InlineData("nvarchar(max)", LogicalType.String, null, null, null, "nvarchar(max)")]
    [InlineData("nvarchar(50)", LogicalType.String, 50, null, null, "nvarchar(50)")]
    [InlineData("nvarchar(128)", LogicalType.String, 128, null, null, "nvarchar(128)")]
    [InlineData("text", LogicalType.String, null, null, null, "nvarchar(max)")]
    [InlineData("ntext", LogicalType.String, null, null, null, "nvarchar(max)")]
    [InlineData("binary(16)", LogicalType.Binary, 16, null, null, "binary(16)")]
    [InlineData("varbinary(max)", LogicalType.Binary, null, null, null, "varbinary(max)")]
    [InlineData("image", LogicalType.Binary, null, null, null, "varbinary(max)")]
    [InlineData("rowversion", LogicalType.Binary, 8, null, null, "binary(8)")]
    [InlineData("timestamp", LogicalType.Binary, 8, null, null, "binary(8)")]
    [InlineData("uniqueidentifier", LogicalType.Uuid, null, null, null, "uniqueidentifier")]
    [InlineData("xml", LogicalType.String, null, null, null, "xml")]
    [InlineData("json", LogicalType.Json, null, null, null, "nvarchar(max)")]
    [InlineData("hierarchyid", LogicalType.String, null, null, null, "hierarchyid")]
    [InlineData("geography", LogicalType.String, null, null, null, "geography")]
    [InlineData("geometry", LogicalType.String, null, null, null, "geometry")]
    [InlineData("sql_variant", LogicalType.Json, null, null, null, "sql_variant")]
    public void Recreates_sql_server_source_types_faithfully(string sourceType, LogicalType type, int? maxLength, int? precision, int? scale, string expected)
    {
        var column = new ColumnSchema("c", type, MaxLength: maxLength, Precision: precision, Scale: scale, SourceType: sourceType);

        SqlTypeMapping.ColumnTypeOf(column).Sql.Should().Be(expected);
    }

    [Fact]
    public void Agrees_with_the_sql_server_sources_own_descriptions()
    {
        // (type name, max_length, precision, scale) as sys.columns reports them, through the source's mapping.
        var columns = new (string Type, int MaxLength, int Precision, int Scale, string Expected)[]
        {
            ("decimal", 17, 38, 10, "decimal(38,10)"), ("datetime2", 8, 27, 7, "datetime2(7)"), ("datetimeoffset", 10, 34, 7, "datetimeoffset(7)"),
            ("nvarchar", -1, 0, 0, "nvarchar(max)"), ("nvarchar", 100, 0, 0, "nvarchar(50)"), ("varchar", 30, 0, 0, "varchar(30)"), ("time", 5, 16, 7, "time(7)"),
            ("money", 8, 19, 4, "money"), ("rowversion", 8, 0, 0, "binary(8)"), ("sql_variant", 8016, 0, 0, "sql_variant"), ("sysname", 256, 0, 0, "nvarchar(128)"),
            ("hierarchyid", 892, 0, 0, "hierarchyid"), ("geography", -1, 0, 0, "geography"), ("xml", -1, 0, 0, "xml"), ("tinyint", 1, 3, 0, "tinyint"),
        };
        foreach (var (type, maxLength, precision, scale, expected) in columns)
        {
            var column = Cdc.Core.Sources.SqlServer.SqlServerTypeMapping.Map("c", type, maxLength, precision, scale, nullable: true);
            SqlTypeMapping.ColumnTypeOf(column).Sql.Should().Be(expected, $"{type} round-trips");
        }
    }

    [Theory]
    [InlineData("text", LogicalType.String, "nvarchar(max)")]
    [InlineData("timestamp without time zone", LogicalType.Timestamp, "datetime2(7)")]
    [InlineData("timestamp", LogicalType.Timestamp, "datetime2(7)")]
    [InlineData("numeric", LogicalType.Decimal, "decimal(38,10)")]
    [InlineData("json", LogicalType.Json, "nvarchar(max)")]
    [InlineData("bit(1)", LogicalType.String, "nvarchar(max)")]
    [InlineData("int", LogicalType.String, "nvarchar(max)")]
    [InlineData("character varying(20)", LogicalType.String, "nvarchar(max)")]
    [InlineData("varchar(9000)", LogicalType.String, "nvarchar(max)")]
    [InlineData("decimal(39,2)", LogicalType.Decimal, "decimal(38,10)")]
    [InlineData("datetime2(9)", LogicalType.Timestamp, "datetime2(7)")]
    [InlineData("varchar(10); DROP TABLE x", LogicalType.String, "nvarchar(max)")]
    public void A_source_type_that_is_not_a_matching_sql_server_type_falls_back_to_the_logical_type(string sourceType, LogicalType type, string expected)
    {
        SqlTypeMapping.ColumnTypeOf(new ColumnSchema("c", type, SourceType: sourceType)).Sql.Should().Be(expected);
    }

    [Theory]
    [InlineData("tinyint", "smallint")]
    [InlineData("smallint", "int")]
    [InlineData("int", "bigint")]
    [InlineData("int", "decimal(10,0)")]
    [InlineData("bigint", "decimal(38,19)")]
    [InlineData("smallint", "real")]
    [InlineData("int", "float")]
    [InlineData("real", "float")]
    [InlineData("decimal(10,2)", "decimal(12,4)")]
    [InlineData("numeric(10,2)", "decimal(10,2)")]
    [InlineData("smallmoney", "money")]
    [InlineData("money", "decimal(19,4)")]
    [InlineData("varchar(10)", "varchar(20)")]
    [InlineData("varchar(10)", "nvarchar(10)")]
    [InlineData("varchar(10)", "varchar(max)")]
    [InlineData("nvarchar(10)", "nvarchar(max)")]
    [InlineData("varbinary(8)", "varbinary(max)")]
    [InlineData("datetime2(3)", "datetime2(7)")]
    [InlineData("time(0)", "time(7)")]
    [InlineData("datetimeoffset(3)", "datetimeoffset(7)")]
    [InlineData("smalldatetime", "datetime")]
    [InlineData("datetime", "datetime2(7)")]
    public void Widening_changes_are_followed(string from, string to)
    {
        var change = SqlTypeMapping.Classify(Parse(from), Parse(to));

        change.Should().Be(from == "numeric(10,2)" ? SqlTypeChange.Same : SqlTypeChange.Widening);
    }

    [Theory]
    [InlineData("bigint", "int")]
    [InlineData("int", "real")]
    [InlineData("bigint", "float")]
    [InlineData("int", "decimal(9,0)")]
    [InlineData("decimal(10,2)", "decimal(10,3)")]
    [InlineData("decimal(10,2)", "decimal(12,1)")]
    [InlineData("float", "real")]
    [InlineData("nvarchar(10)", "varchar(20)")]
    [InlineData("nvarchar(max)", "nvarchar(4000)")]
    [InlineData("varchar(20)", "varchar(10)")]
    [InlineData("datetime2(7)", "datetime2(3)")]
    [InlineData("datetime", "datetime2(2)")]
    [InlineData("datetime2(7)", "datetimeoffset(7)")]
    [InlineData("bit", "int")]
    [InlineData("int", "nvarchar(max)")]
    [InlineData("xml", "nvarchar(max)")]
    [InlineData("money", "decimal(18,4)")]
    public void Narrowing_or_unrelated_changes_are_incompatible(string from, string to)
    {
        SqlTypeMapping.Classify(Parse(from), Parse(to)).Should().Be(SqlTypeChange.Incompatible);
    }

    /// <summary>A type as DDL spells it, through the source-type parser.</summary>
    private static SqlColumnType Parse(string sql)
    {
        var logical = sql switch
        {
            _ when sql.StartsWith("decimal", StringComparison.Ordinal) || sql.StartsWith("numeric", StringComparison.Ordinal) || sql.Contains("money", StringComparison.Ordinal) => LogicalType.Decimal,
            "tinyint" or "smallint" or "int" or "bigint" => LogicalType.Int64,
            "real" or "float" => LogicalType.Float64,
            "bit" => LogicalType.Boolean,
            _ when sql.Contains("binary", StringComparison.Ordinal) => LogicalType.Binary,
            _ when sql.StartsWith("datetimeoffset", StringComparison.Ordinal) => LogicalType.TimestampTz,
            _ when sql.StartsWith("time(", StringComparison.Ordinal) => LogicalType.Time,
            _ when sql.Contains("datetime", StringComparison.Ordinal) => LogicalType.Timestamp,
            _ => LogicalType.String,
        };
        return SqlTypeMapping.FromSourceType(new ColumnSchema("c", logical, SourceType: sql)) ?? throw new ArgumentException(sql);
    }
}
