using Cdc.Core.Model;
using Cdc.Core.Sources.Postgres;

namespace Cdc.Core.Tests.Sources.Postgres;

public sealed class PgTextValueParserTests
{
    [Fact]
    public void Booleans_are_t_and_f()
    {
        PgTextValueParser.Parse(LogicalType.Boolean, "t").Should().Be(true);
        PgTextValueParser.Parse(LogicalType.Boolean, "f").Should().Be(false);
        FluentActions.Invoking(() => PgTextValueParser.Parse(LogicalType.Boolean, "yes")).Should().Throw<FormatException>();
    }

    [Fact]
    public void Integers_cover_their_full_range()
    {
        PgTextValueParser.Parse(LogicalType.Int16, "-32768").Should().Be(short.MinValue);
        PgTextValueParser.Parse(LogicalType.Int32, "2147483647").Should().Be(int.MaxValue);
        PgTextValueParser.Parse(LogicalType.Int64, "-9223372036854775808").Should().Be(long.MinValue);
    }

    [Fact]
    public void Floats_round_trip_including_special_values()
    {
        PgTextValueParser.Parse(LogicalType.Float64, "0.1").Should().Be(0.1);
        PgTextValueParser.Parse(LogicalType.Float64, "1.7976931348623157e+308").Should().Be(double.MaxValue);
        PgTextValueParser.Parse(LogicalType.Float64, "5e-324").Should().Be(double.Epsilon);
        PgTextValueParser.Parse(LogicalType.Float64, "-Infinity").Should().Be(double.NegativeInfinity);
        ((double)PgTextValueParser.Parse(LogicalType.Float64, "NaN")).Should().Be(double.NaN);
        PgTextValueParser.Parse(LogicalType.Float32, "3.4028235e+38").Should().Be(float.MaxValue);
        PgTextValueParser.Parse(LogicalType.Float32, "Infinity").Should().Be(float.PositiveInfinity);
    }

    [Fact]
    public void Numerics_are_exact_and_keep_their_scale()
    {
        PgTextValueParser.Parse(LogicalType.Decimal, "-12345678901234567890123456789012345678.123456")
            .Should().Be(Numeric.Parse("-12345678901234567890123456789012345678.123456"));
        ((Numeric)PgTextValueParser.Parse(LogicalType.Decimal, "1.500")).Scale.Should().Be(3);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void Numeric_specials_are_refused(string text)
    {
        FluentActions.Invoking(() => PgTextValueParser.Parse(LogicalType.Decimal, text)).Should().Throw<FormatException>().WithMessage($"*{text}*");
    }

    [Fact]
    public void Bytea_hex_and_escape_formats_are_understood()
    {
        PgTextValueParser.Parse(LogicalType.Binary, "\\x00ff7f").Should().BeEquivalentTo(new byte[] { 0, 255, 127 });
        PgTextValueParser.Parse(LogicalType.Binary, "\\x").Should().BeEquivalentTo(Array.Empty<byte>());
        PgTextValueParser.Parse(LogicalType.Binary, "ab\\\\c\\000\\377").Should().BeEquivalentTo(new byte[] { (byte)'a', (byte)'b', (byte)'\\', (byte)'c', 0, 255 });
    }

    [Fact]
    public void Strings_json_and_uuids_pass_through()
    {
        PgTextValueParser.Parse(LogicalType.String, "  padded  ").Should().Be("  padded  ");
        PgTextValueParser.Parse(LogicalType.Json, "{\"a\": [1, 2]}").Should().Be("{\"a\": [1, 2]}");
        PgTextValueParser.Parse(LogicalType.Uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").Should().Be(Guid.Parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    }

    [Fact]
    public void Dates_and_times_parse_to_their_clr_types()
    {
        PgTextValueParser.Parse(LogicalType.Date, "0001-01-01").Should().Be(new DateOnly(1, 1, 1));
        PgTextValueParser.Parse(LogicalType.Date, "9999-12-31").Should().Be(new DateOnly(9999, 12, 31));
        PgTextValueParser.Parse(LogicalType.Time, "23:59:59.999999").Should().Be(new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9_999_990)));
        PgTextValueParser.Parse(LogicalType.Time, "00:00:00").Should().Be(TimeOnly.MinValue);
        PgTextValueParser.Parse(LogicalType.Time, "12:30:00.5").Should().Be(new TimeOnly(12, 30, 0, 500));
    }

    [Fact]
    public void Timestamps_keep_microseconds_and_are_unspecified()
    {
        var value = (DateTime)PgTextValueParser.Parse(LogicalType.Timestamp, "2024-02-29 13:45:10.123456");
        value.Should().Be(new DateTime(2024, 2, 29, 13, 45, 10).AddTicks(1_234_560));
        value.Kind.Should().Be(DateTimeKind.Unspecified);
        PgTextValueParser.Parse(LogicalType.Timestamp, "1999-12-31 23:59:59").Should().Be(new DateTime(1999, 12, 31, 23, 59, 59));
    }

    [Theory]
    [InlineData("2024-01-01 12:00:00+00", "2024-01-01T12:00:00Z")]
    [InlineData("2024-01-01 12:00:00.25+02", "2024-01-01T10:00:00.25Z")]
    [InlineData("2024-01-01 12:00:00+05:30", "2024-01-01T06:30:00Z")]
    [InlineData("2024-01-01 00:10:00-01:02:03", "2024-01-01T01:12:03Z")]
    [InlineData("9999-12-31 23:59:59.999999+00", "9999-12-31T23:59:59.999999Z")]
    public void Timestamps_with_offsets_become_utc(string text, string expected)
    {
        var value = (DateTimeOffset)PgTextValueParser.Parse(LogicalType.TimestampTz, text);
        value.Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        value.Offset.Should().Be(TimeSpan.Zero);
    }

    [Theory]
    [InlineData(LogicalType.Timestamp, "infinity")]
    [InlineData(LogicalType.TimestampTz, "-infinity")]
    [InlineData(LogicalType.Date, "infinity")]
    [InlineData(LogicalType.Date, "0044-03-15 BC")]
    [InlineData(LogicalType.Timestamp, "0001-01-01 00:00:00 BC")]
    [InlineData(LogicalType.Date, "10000-01-01")]
    [InlineData(LogicalType.Time, "24:00:00")]
    [InlineData(LogicalType.TimestampTz, "0001-01-01 00:00:00+01")]
    [InlineData(LogicalType.Timestamp, "2024-13-01 00:00:00")]
    [InlineData(LogicalType.Time, "12:00")]
    public void Values_without_a_clr_counterpart_are_refused(LogicalType type, string text)
    {
        FluentActions.Invoking(() => PgTextValueParser.Parse(type, text)).Should().Throw<FormatException>().WithMessage($"*{text}*");
    }
}
