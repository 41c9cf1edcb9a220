using System.Data.SqlTypes;
using System.Numerics;
using System.Text.Json;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Cdc.Core.Sources.SqlServer;
using static Cdc.Core.Tests.Sources.SqlServer.SqlServerTestSupport;

namespace Cdc.Core.Tests.Sources.SqlServer;

public sealed class SqlServerValuesTests
{
    [Theory]
    [InlineData("int", 4, "t.[c]")]
    [InlineData("nvarchar", -1, "t.[c]")]
    [InlineData("hierarchyid", 892, "CAST(t.[c] AS nvarchar(4000))")]
    [InlineData("geography", -1, "CASE WHEN t.[c] IS NULL THEN NULL ELSE CONCAT(N'SRID=', t.[c].STSrid, N';', t.[c].AsTextZM()) END")]
    [InlineData("geometry", -1, "CASE WHEN t.[c] IS NULL THEN NULL ELSE CONCAT(N'SRID=', t.[c].STSrid, N';', t.[c].AsTextZM()) END")]
    [InlineData("xml", -1, "CAST(t.[c] AS nvarchar(max))")]
    [InlineData("json", -1, "CAST(t.[c] AS nvarchar(max))")]
    public void Select_expressions_convert_what_the_client_cannot_read_faithfully(string type, int maxLength, string expected) =>
        SqlServerValues.SelectExpression(Column("c", type, maxLength), "t.[c]").Should().Be(expected);

    [Fact]
    public void A_sql_variant_is_selected_as_its_base_type_with_facets_and_invariant_text()
    {
        const string b = "CAST(SQL_VARIANT_PROPERTY(t.[v], 'BaseType') AS nvarchar(128))";
        const string p = "CAST(SQL_VARIANT_PROPERTY(t.[v], 'Precision') AS int)";
        const string s = "CAST(SQL_VARIANT_PROPERTY(t.[v], 'Scale') AS int)";
        const string m = "CAST(SQL_VARIANT_PROPERTY(t.[v], 'MaxLength') AS int)";
        var expected =
            $"CASE WHEN t.[v] IS NULL THEN NULL ELSE CONCAT({b}, " +
            $"CASE WHEN {b} IN (N'decimal', N'numeric') THEN CONCAT(N'(', {p}, N',', {s}, N')') " +
            $"WHEN {b} IN (N'time', N'datetime2', N'datetimeoffset') THEN CONCAT(N'(', {s}, N')') " +
            $"WHEN {b} IN (N'char', N'varchar', N'binary', N'varbinary') THEN CONCAT(N'(', {m}, N')') " +
            $"WHEN {b} IN (N'nchar', N'nvarchar') THEN CONCAT(N'(', {m} / 2, N')') ELSE N'' END, N'|', " +
            $"CASE WHEN {b} IN (N'float', N'real') THEN CONVERT(nvarchar(max), CAST(t.[v] AS float), 3) " +
            $"WHEN {b} IN (N'money', N'smallmoney') THEN CONVERT(nvarchar(max), CAST(t.[v] AS money), 2) " +
            $"WHEN {b} IN (N'datetime', N'smalldatetime') THEN CONVERT(nvarchar(max), CAST(t.[v] AS datetime), 121) " +
            $"WHEN {b} IN (N'binary', N'varbinary') THEN CONVERT(nvarchar(max), CAST(t.[v] AS varbinary(8000)), 1) " +
            "ELSE CONVERT(nvarchar(max), t.[v]) END) END";
        SqlServerValues.SelectExpression(Column("v", "sql_variant", 8016), "t.[v]").Should().Be(expected);
    }

    public static TheoryData<string, int, int, int, Type, object, object> ClientValues() => new()
    {
        // type, max_length, precision, scale, CLR type SqlClient returns, the value it returns, the logical value.
        { "bit", 1, 1, 0, typeof(bool), true, true },
        { "tinyint", 1, 3, 0, typeof(byte), (byte)255, (short)255 },
        { "smallint", 2, 5, 0, typeof(short), (short)-32768, (short)-32768 },
        { "int", 4, 10, 0, typeof(int), int.MinValue, int.MinValue },
        { "bigint", 8, 19, 0, typeof(long), long.MaxValue, long.MaxValue },
        { "decimal", 9, 18, 2, typeof(decimal), 12.5m, new Numeric(1250, 2) },
        { "money", 8, 19, 4, typeof(decimal), -922337203685477.5808m, new Numeric(-9223372036854775808, 4) },
        { "smallmoney", 4, 10, 4, typeof(decimal), 1.5m, new Numeric(15000, 4) },
        { "float", 8, 53, 0, typeof(double), 0.1 + 0.2, 0.1 + 0.2 },
        { "real", 4, 24, 0, typeof(float), 3.4028235E+38f, 3.4028235E+38f },
        { "date", 3, 10, 0, typeof(DateTime), new DateTime(1, 1, 1), new DateOnly(1, 1, 1) },
        { "time", 5, 16, 7, typeof(TimeSpan), new TimeSpan(863999999999), new TimeOnly(863999999999) },
        { "datetime", 8, 23, 3, typeof(DateTime), new DateTime(1753, 1, 1, 0, 0, 0, 3), new DateTime(1753, 1, 1, 0, 0, 0, 3) },
        { "smalldatetime", 4, 16, 0, typeof(DateTime), new DateTime(2079, 6, 6, 23, 59, 0), new DateTime(2079, 6, 6, 23, 59, 0) },
        { "datetime2", 8, 27, 7, typeof(DateTime), DateTime.MaxValue, DateTime.MaxValue },
        { "datetimeoffset", 10, 34, 7, typeof(DateTimeOffset), new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromMinutes(-570)).AddTicks(1234567), new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromMinutes(-570)).AddTicks(1234567) },
        { "char", 3, 0, 0, typeof(string), "ab ", "ab " },
        { "varchar", 50, 0, 0, typeof(string), "plain", "plain" },
        { "nchar", 4, 0, 0, typeof(string), "ü€", "ü€" },
        { "nvarchar", -1, 0, 0, typeof(string), "日本語 😀 ]'\"", "日本語 😀 ]'\"" },
        { "text", 16, 0, 0, typeof(string), "old text", "old text" },
        { "ntext", 16, 0, 0, typeof(string), "old ntext", "old ntext" },
        { "binary", 4, 0, 0, typeof(byte[]), new byte[] { 0, 1, 2, 255 }, new byte[] { 0, 1, 2, 255 } },
        { "varbinary", -1, 0, 0, typeof(byte[]), new byte[] { 9 }, new byte[] { 9 } },
        { "image", 16, 0, 0, typeof(byte[]), new byte[] { 7, 7 }, new byte[] { 7, 7 } },
        { "timestamp", 8, 0, 0, typeof(byte[]), new byte[] { 0, 0, 0, 0, 0, 0, 7, 209 }, new byte[] { 0, 0, 0, 0, 0, 0, 7, 209 } },
        { "uniqueidentifier", 16, 0, 0, typeof(Guid), Guid.Parse("6F9619FF-8B86-D011-B42D-00C04FC964FF"), Guid.Parse("6F9619FF-8B86-D011-B42D-00C04FC964FF") },
        { "xml", -1, 0, 0, typeof(string), "<a b=\"1\"/>", "<a b=\"1\"/>" },
        { "json", -1, 0, 0, typeof(string), "{\"a\":1}", "{\"a\":1}" },
        { "hierarchyid", 892, 0, 0, typeof(string), "/1/2.5/", "/1/2.5/" },
        { "geography", -1, 0, 0, typeof(string), "SRID=4326;POINT (-122.35 47.65 10 5)", "SRID=4326;POINT (-122.35 47.65 10 5)" },
        { "geometry", -1, 0, 0, typeof(string), "SRID=0;LINESTRING (1 1, 2 4)", "SRID=0;LINESTRING (1 1, 2 4)" },
        { "sql_variant", 8016, 0, 0, typeof(string), "decimal(10,2)|12.50", "{\"type\":\"decimal(10,2)\",\"value\":\"12.50\"}" },
    };

    [Theory]
    [MemberData(nameof(ClientValues))]
    public void Every_type_reads_as_its_logical_clr_value(string type, int maxLength, int precision, int scale, Type clrType, object client, object expected)
    {
        var column = Column("c", type, maxLength, precision, scale);
        using var reader = Single(clrType, client);
        var value = SqlServerValues.Read(reader, 0, column);
        value.Should().BeOfType(LogicalTypeClr.ClrTypeOf(column.Type));
        value.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
        if (value is DateTime dt) dt.Kind.Should().Be(DateTimeKind.Unspecified);
        if (value is DateTimeOffset dto) dto.Offset.Should().Be(((DateTimeOffset)expected).Offset);
    }

    [Fact]
    public void Null_reads_as_null()
    {
        using var reader = Single(typeof(int), null);
        SqlServerValues.Read(reader, 0, Column("c", "int", 4, 10)).Should().BeNull();
    }

    [Fact]
    public void Decimal_38_digits_read_from_SqlDecimal_exactly()
    {
        var column = Column("c", "decimal", 17, 38, 10);
        var big = SqlDecimal.Parse("-9999999999999999999999999999.9999999999");
        using var reader = Single(typeof(SqlDecimal), big);
        var value = (Numeric)SqlServerValues.Read(reader, 0, column)!;
        value.ToString().Should().Be("-9999999999999999999999999999.9999999999");
        value.Scale.Should().Be(10);
    }

    [Fact]
    public void Decimals_keep_the_column_scale_even_when_the_client_trims_it()
    {
        using var reader = Single(typeof(decimal), 12m);
        SqlServerValues.Read(reader, 0, Column("c", "numeric", 9, 12, 3)).Should().Be(new Numeric(12000, 3));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("-0.0000000001")]
    [InlineData("99999999999999999999999999999999999999")]
    [InlineData("-9999999999999999999999999999.9999999999")]
    public void SqlDecimal_round_trips_through_Numeric(string text)
    {
        var numeric = SqlDecimals.FromSqlDecimal(SqlDecimal.Parse(text));
        numeric.ToString().Should().Be(text);
        var back = SqlDecimals.ToSqlDecimal(numeric, 38, numeric.Scale);
        back.ToString().Should().Be(text);
        back.Scale.Should().Be((byte)numeric.Scale);
    }

    [Fact]
    public void Rescaling_never_drops_a_digit()
    {
        SqlServerValues.Rescale(new Numeric(15, 1), 4).Should().Be(new Numeric(15000, 4));
        SqlServerValues.Rescale(new Numeric(15000, 4), 1).Should().Be(new Numeric(15, 1));
        FluentActions.Invoking(() => SqlServerValues.Rescale(new Numeric(15001, 4), 1)).Should().Throw<OverflowException>();
    }

    [Theory]
    [InlineData("int|42", "int", "42")]
    [InlineData("nvarchar(5)|a|b\"c", "nvarchar(5)", "a|b\"c")]
    [InlineData("datetimeoffset(7)|2024-01-01 10:00:00.1234567 +02:00", "datetimeoffset(7)", "2024-01-01 10:00:00.1234567 +02:00")]
    [InlineData("varbinary(3)|0x0001FF", "varbinary(3)", "0x0001FF")]
    [InlineData("nvarchar(0)|", "nvarchar(0)", "")]
    public void A_variant_becomes_JSON_with_its_type_and_value(string text, string type, string value)
    {
        using var json = JsonDocument.Parse(SqlServerValues.VariantJson(text));
        json.RootElement.GetProperty("type").GetString().Should().Be(type);
        json.RootElement.GetProperty("value").GetString().Should().Be(value);
        json.RootElement.EnumerateObject().Should().HaveCount(2);
    }

    [Fact]
    public void A_bigger_than_decimal_value_reads_exactly()
    {
        var bits = new BigInteger(decimal.MaxValue) * 1000 + 7;
        var sql = SqlDecimals.ToSqlDecimal(new Numeric(bits, 3), 38, 3);
        SqlDecimals.FromSqlDecimal(sql).Should().Be(new Numeric(bits, 3));
    }
}
