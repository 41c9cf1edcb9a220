using System.Data.SqlTypes;
using Cdc.Core.Model;
using Cdc.Core.Targets.SqlServer;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

public sealed class SqlValueConverterTests
{
    [Theory]
    [InlineData("99999999999999999999999999999999999999", 38, 0)]
    [InlineData("-99999999999999999999999999999999999999", 38, 0)]
    [InlineData("1234567890123456789012345678.9012345678", 38, 10)]
    [InlineData("-0.00000000000000000000000000000000000001", 38, 38)]
    [InlineData("0", 38, 10)]
    [InlineData("12.5", 12, 2)]
    public void Decimals_become_exact_sql_decimals_of_the_columns_precision_and_scale(string text, int precision, int scale)
    {
        var value = SqlValueConverter.ToSqlDecimal(Dec(text), precision, scale);

        value.Precision.Should().Be((byte)precision);
        value.Scale.Should().Be((byte)scale);
        Numeric.Parse(value.ToString()).CompareTo(Dec(text)).Should().Be(0);
        value.ToString().Should().Be(Dec(text).Scale <= scale ? Pad(text, scale) : text);
    }

    [Fact]
    public void Trailing_zeros_beyond_the_scale_are_dropped_but_other_digits_are_refused()
    {
        SqlValueConverter.ToSqlDecimal(Dec("1.2300000"), 10, 2).ToString().Should().Be("1.23");

        var act = () => SqlValueConverter.ToSqlDecimal(Dec("1.235"), 10, 2);

        act.Should().Throw<ArgumentException>().WithMessage("1.235 has more digits after the point than decimal(10,2) keeps (2)*rounded*");
    }

    [Fact]
    public void A_decimal_wider_than_38_digits_is_refused()
    {
        var act = () => SqlValueConverter.ToSqlDecimal(Dec("100000000000000000000000000000000000000"), 38, 0);
        var small = () => SqlValueConverter.ToSqlDecimal(Dec("1234.5"), 5, 2);

        act.Should().Throw<ArgumentException>().WithMessage("*39 digits before the point; decimal(38,0) holds at most 38*");
        small.Should().Throw<ArgumentException>().WithMessage("1234.5 has 4 digits before the point; decimal(5,2) holds at most 3.");
    }

    [Fact]
    public void Money_keeps_four_decimals_and_its_range()
    {
        SqlValueConverter.ToSqlValue(LogicalType.Decimal, SqlColumnType.Money, Dec("922337203685477.5807")).Should().Be(922337203685477.5807m);
        SqlValueConverter.ToSqlValue(LogicalType.Decimal, SqlColumnType.SmallMoney, Dec("-214748.3648")).Should().Be(-214748.3648m);

        var tooBig = () => SqlValueConverter.ToSqlValue(LogicalType.Decimal, SqlColumnType.SmallMoney, Dec("214748.3648"));
        var tooFine = () => SqlValueConverter.ToSqlValue(LogicalType.Decimal, SqlColumnType.Money, Dec("1.00001"));

        tooBig.Should().Throw<ArgumentException>().WithMessage("*outside the range of smallmoney*");
        tooFine.Should().Throw<ArgumentException>().WithMessage("*more digits after the point than money keeps (4)*");
    }

    [Fact]
    public void Datetimeoffsets_keep_their_offset_and_round_to_the_columns_digits()
    {
        var value = new DateTimeOffset(2024, 2, 29, 13, 45, 30, TimeSpan.FromHours(5.5)).AddTicks(1_234_567);

        var exact = (DateTimeOffset)SqlValueConverter.ToSqlValue(LogicalType.TimestampTz, SqlColumnType.DateTimeOffset(7), value);
        var rounded = (DateTimeOffset)SqlValueConverter.ToSqlValue(LogicalType.TimestampTz, SqlColumnType.DateTimeOffset(3), value);
        var west = (DateTimeOffset)SqlValueConverter.ToSqlValue(LogicalType.TimestampTz, SqlColumnType.DateTimeOffset(7), new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.FromHours(-8)));

        exact.Should().Be(value);
        exact.Offset.Should().Be(TimeSpan.FromHours(5.5));
        rounded.Ticks.Should().Be(value.Ticks - 1_234_567 + 1_230_000);
        rounded.Offset.Should().Be(TimeSpan.FromHours(5.5));
        west.Offset.Should().Be(TimeSpan.FromHours(-8));
    }

    [Fact]
    public void The_last_instant_of_9999_is_kept_at_seven_digits_and_refused_where_it_would_round_up()
    {
        var last = new DateTime(9999, 12, 31, 23, 59, 59).AddTicks(9_999_999);

        SqlValueConverter.ToSqlValue(LogicalType.Timestamp, SqlColumnType.DateTime2(7), last).Should().Be(DateTime.MaxValue);
        SqlValueConverter.ToSqlValue(LogicalType.TimestampTz, SqlColumnType.DateTimeOffset(7), DateTimeOffset.MaxValue).Should().Be(DateTimeOffset.MaxValue);
        SqlValueConverter.ToSqlValue(LogicalType.Time, SqlColumnType.Time(7), TimeOnly.MaxValue).Should().Be(TimeOnly.MaxValue.ToTimeSpan());

        var datetime2 = () => SqlValueConverter.ToSqlValue(LogicalType.Timestamp, SqlColumnType.DateTime2(3), last);
        var time = () => SqlValueConverter.ToSqlValue(LogicalType.Time, SqlColumnType.Time(0), TimeOnly.MaxValue);

        datetime2.Should().Throw<ArgumentException>().WithMessage("9999-12-31 23:59:59.9999999 rounds past 9999-12-31 at datetime2(3).");
        time.Should().Throw<ArgumentException>().WithMessage("*rounds to 24:00:00 at time(0)*");
    }

    [Fact]
    public void Dates_and_times_become_the_types_the_driver_writes()
    {
        SqlValueConverter.ToSqlValue(LogicalType.Date, SqlColumnType.Date, new DateOnly(2024, 2, 29)).Should().Be(new DateTime(2024, 2, 29));
        SqlValueConverter.ToSqlValue(LogicalType.Time, SqlColumnType.Time(7), new TimeOnly(13, 45, 30).Add(TimeSpan.FromTicks(1))).Should().Be(new TimeSpan(0, 13, 45, 30).Add(TimeSpan.FromTicks(1)));
        SqlValueConverter.ToSqlValue(LogicalType.Timestamp, SqlColumnType.DateTime2(0), new DateTime(2024, 1, 1, 0, 0, 0, 500)).Should().Be(new DateTime(2024, 1, 1, 0, 0, 1));
        SqlValueConverter.ToSqlValue(LogicalType.Date, SqlColumnType.Date, DateOnly.MinValue).Should().Be(DateTime.MinValue);
    }

    [Fact]
    public void Legacy_date_types_are_checked_against_their_ranges()
    {
        SqlValueConverter.ToSqlValue(LogicalType.Timestamp, SqlColumnType.DateTime, new DateTime(1753, 1, 1)).Should().Be(new DateTime(1753, 1, 1));

        var datetime = () => SqlValueConverter.ToSqlValue(LogicalType.Timestamp, SqlColumnType.DateTime, new DateTime(1752, 12, 31));
        var small = () => SqlValueConverter.ToSqlValue(LogicalType.Timestamp, SqlColumnType.SmallDateTime, new DateTime(2080, 1, 1));

        datetime.Should().Throw<ArgumentException>().WithMessage("*outside the range of datetime*");
        small.Should().Throw<ArgumentException>().WithMessage("*outside the range of smalldatetime*");
    }

    [Fact]
    public void Integers_fit_narrower_source_declared_columns_or_are_refused()
    {
        SqlValueConverter.ToSqlValue(LogicalType.Int16, SqlColumnType.TinyInt, (short)255).Should().Be((byte)255);
        SqlValueConverter.ToSqlValue(LogicalType.Int64, SqlColumnType.BigInt, long.MinValue).Should().Be(long.MinValue);

        var act = () => SqlValueConverter.ToSqlValue(LogicalType.Int16, SqlColumnType.TinyInt, (short)-1);

        act.Should().Throw<ArgumentException>().WithMessage("-1 is outside the range of tinyint (0 to 255).");
    }

    [Fact]
    public void Floats_must_be_finite()
    {
        SqlValueConverter.ToSqlValue(LogicalType.Float32, SqlColumnType.Real, 1.5f).Should().Be(1.5f);
        SqlValueConverter.ToSqlValue(LogicalType.Float64, SqlColumnType.Float, Math.PI).Should().Be(Math.PI);

        var nan = () => SqlValueConverter.ToSqlValue(LogicalType.Float64, SqlColumnType.Float, double.NaN);
        var infinity = () => SqlValueConverter.ToSqlValue(LogicalType.Float32, SqlColumnType.Real, float.PositiveInfinity);

        nan.Should().Throw<ArgumentException>().WithMessage("NaN cannot be stored*finite*");
        infinity.Should().Throw<ArgumentException>().WithMessage("*finite*");
    }

    [Fact]
    public void Lengths_are_checked_for_bounded_columns()
    {
        SqlValueConverter.ToSqlValue(LogicalType.String, SqlColumnType.NVarChar(3), "abc").Should().Be("abc");
        SqlValueConverter.ToSqlValue(LogicalType.Binary, new SqlColumnType("binary", 8), new byte[8]).Should().BeEquivalentTo(new byte[8]);

        var text = () => SqlValueConverter.ToSqlValue(LogicalType.String, SqlColumnType.NVarChar(3), "abcd");
        var bytes = () => SqlValueConverter.ToSqlValue(LogicalType.Binary, SqlColumnType.VarBinary(2), new byte[3]);

        text.Should().Throw<ArgumentException>().WithMessage("the text is 4 characters long; nvarchar(3) holds at most 3.");
        bytes.Should().Throw<ArgumentException>().WithMessage("the value is 3 bytes long; varbinary(2) holds at most 2.");
    }

    [Fact]
    public void A_value_of_the_wrong_clr_type_is_an_invalid_cast()
    {
        var act = () => SqlValueConverter.ToSqlValue(LogicalType.Decimal, SqlColumnType.Decimal(12, 2), 1.5m);

        act.Should().Throw<InvalidCastException>();
    }

    [Theory]
    [InlineData(1_234_567L, 7, 1_234_567L)]
    [InlineData(1_234_567L, 6, 1_234_570L)]
    [InlineData(1_234_567L, 3, 1_230_000L)]
    [InlineData(1_235_000L, 3, 1_240_000L)]
    [InlineData(4_999_999L, 0, 0L)]
    [InlineData(5_000_000L, 0, 10_000_000L)]
    public void Ticks_round_half_up_to_the_scale(long ticks, int scale, long expected)
    {
        SqlValueConverter.RoundTicks(ticks, scale).Should().Be(expected);
    }

    private static string Pad(string text, int scale)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var decimals = dot < 0 ? 0 : text.Length - dot - 1;
        if (decimals == scale) return text;
        return (dot < 0 ? text + "." : text) + new string('0', scale - decimals);
    }
}
