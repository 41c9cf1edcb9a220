using Cdc.Core.Model;
using Cdc.Core.Targets.Postgres;

namespace Cdc.Core.Tests.Targets.Postgres;

public sealed class PgTypeMappingTests
{
    [Theory]
    [InlineData(LogicalType.Boolean, "boolean")]
    [InlineData(LogicalType.Int16, "smallint")]
    [InlineData(LogicalType.Int32, "integer")]
    [InlineData(LogicalType.Int64, "bigint")]
    [InlineData(LogicalType.Float32, "real")]
    [InlineData(LogicalType.Float64, "double precision")]
    [InlineData(LogicalType.String, "text")]
    [InlineData(LogicalType.Binary, "bytea")]
    [InlineData(LogicalType.Uuid, "uuid")]
    [InlineData(LogicalType.Json, "json")]
    [InlineData(LogicalType.Date, "date")]
    [InlineData(LogicalType.Time, "time")]
    [InlineData(LogicalType.Timestamp, "timestamp")]
    [InlineData(LogicalType.TimestampTz, "timestamptz")]
    public void Maps_each_logical_type(LogicalType type, string sql)
    {
        PgTypeMapping.ColumnTypeOf(new ColumnSchema("c", type)).Sql.Should().Be(sql);
    }

    [Theory]
    [InlineData(38, 6, "numeric(38,6)")]
    [InlineData(10, null, "numeric(10,0)")]
    [InlineData(1000, 2, "numeric(1000,2)")]
    [InlineData(null, null, "numeric")]
    [InlineData(1001, 2, "numeric")]
    [InlineData(5, 7, "numeric")]
    [InlineData(5, -2, "numeric")]
    public void Maps_decimals_by_precision_and_scale(int? precision, int? scale, string sql)
    {
        PgTypeMapping.ColumnTypeOf(new ColumnSchema("c", LogicalType.Decimal, Precision: precision, Scale: scale)).Sql.Should().Be(sql);
    }

    [Theory]
    [InlineData("int2", "int4")]
    [InlineData("int2", "int8")]
    [InlineData("int4", "int8")]
    [InlineData("float4", "float8")]
    [InlineData("int2", "float4")]
    [InlineData("int4", "float8")]
    [InlineData("int8", "numeric")]
    public void Widens(string from, string to)
    {
        PgTypeMapping.Classify(new PgColumnType(from), new PgColumnType(to)).Should().Be(PgTypeChange.Widening);
    }

    [Theory]
    [InlineData("int8", "int4")]
    [InlineData("int4", "int2")]
    [InlineData("float8", "float4")]
    [InlineData("int4", "float4")]
    [InlineData("int8", "float8")]
    [InlineData("timestamp", "timestamptz")]
    [InlineData("timestamptz", "timestamp")]
    [InlineData("text", "int4")]
    [InlineData("int4", "text")]
    [InlineData("date", "timestamp")]
    [InlineData("json", "text")]
    [InlineData("numeric", "int8")]
    public void Refuses_narrowing_and_unrelated_types(string from, string to)
    {
        PgTypeMapping.Classify(new PgColumnType(from), new PgColumnType(to)).Should().Be(PgTypeChange.Incompatible);
    }

    [Theory]
    [InlineData(10, 2, 12, 2, "Widening")]
    [InlineData(10, 2, 12, 4, "Widening")]
    [InlineData(10, 2, 11, 3, "Widening")]
    [InlineData(10, 2, 11, 4, "Incompatible")]
    [InlineData(10, 2, 10, 1, "Incompatible")]
    [InlineData(10, 2, 9, 2, "Incompatible")]
    [InlineData(10, 2, null, null, "Widening")]
    [InlineData(null, null, 38, 6, "Incompatible")]
    [InlineData(10, 2, 10, 2, "Same")]
    public void Numeric_widens_when_scale_and_integer_digits_do_not_shrink(int? p, int? s, int? p2, int? s2, string expected)
    {
        var from = p is null ? PgColumnType.UnboundedNumeric : PgColumnType.Numeric(p.Value, s!.Value);
        var to = p2 is null ? PgColumnType.UnboundedNumeric : PgColumnType.Numeric(p2.Value, s2!.Value);

        PgTypeMapping.Classify(from, to).ToString().Should().Be(expected);
    }

    [Theory]
    [InlineData("int2", 5, 0, "Widening")]
    [InlineData("int2", 6, 2, "Incompatible")]
    [InlineData("int4", 10, 0, "Widening")]
    [InlineData("int4", 12, 3, "Incompatible")]
    [InlineData("int8", 19, 0, "Widening")]
    [InlineData("int8", 20, 0, "Widening")]
    [InlineData("int8", 18, 0, "Incompatible")]
    public void Integers_widen_to_numerics_with_enough_integer_digits(string from, int precision, int scale, string expected)
    {
        PgTypeMapping.Classify(new PgColumnType(from), PgColumnType.Numeric(precision, scale)).ToString().Should().Be(expected);
    }

    [Theory]
    [InlineData("numeric", -1, "numeric")]
    [InlineData("numeric", ((38 << 16) | 6) + 4, "numeric(38,6)")]
    [InlineData("int4", -1, "integer")]
    [InlineData("timestamptz", -1, "timestamptz")]
    public void Decodes_catalog_type_modifiers(string typeName, int typmod, string sql)
    {
        PgColumnType.FromCatalog(typeName, typmod).Sql.Should().Be(sql);
    }
}
