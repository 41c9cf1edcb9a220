using Cdc.Core.Sources.SqlServer.Cdc;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

public sealed class SqlLsnTests
{
    [Fact]
    public void Position_is_lsn_and_twenty_uppercase_hex_digits_and_round_trips()
    {
        var lsn = SqlLsn.Parse("lsn:0000002a000001f40003");
        lsn.ToString().Should().Be("lsn:0000002A000001F40003");
        lsn.ToHex().Should().Be("0000002A000001F40003");
        SqlLsn.Parse(lsn.ToString()).Should().Be(lsn);
    }

    [Fact]
    public void Bytes_are_the_binary_10_value_big_endian()
    {
        byte[] bytes = [0x00, 0x00, 0x00, 0x2A, 0x00, 0x00, 0x01, 0xF4, 0x00, 0x03];
        var lsn = SqlLsn.FromBytes(bytes);
        lsn.ToString().Should().Be("lsn:0000002A000001F40003");
        lsn.ToBytes().Should().Equal(bytes);
    }

    [Theory]
    [InlineData("0000002A000001F40003")]
    [InlineData("lsn:0000002A000001F4003")]
    [InlineData("lsn:0000002A000001F400033")]
    [InlineData("LSN:0000002A000001F40003")]
    [InlineData("lsn:0000002A000001F4000G")]
    [InlineData("lsn: 000002A000001F40003")]
    [InlineData("ct:00000000000000001234")]
    public void Anything_else_is_refused_with_the_expected_form(string text)
    {
        SqlLsn.TryParse(text, out _).Should().BeFalse();
        FluentActions.Invoking(() => SqlLsn.Parse(text)).Should().Throw<FormatException>().WithMessage($"*'{text}'*lsn:*20 hex digits*");
    }

    [Fact]
    public void Bytes_of_another_length_are_refused()
    {
        FluentActions.Invoking(() => SqlLsn.FromBytes(new byte[9])).Should().Throw<FormatException>().WithMessage("*10 bytes*got 9*");
    }

    [Fact]
    public void Order_is_unsigned_byte_by_byte_like_binary_comparison_in_sql_server()
    {
        var values = new[]
        {
            "lsn:80000000000000000000", "lsn:00000000000000000001", "lsn:7FFFFFFFFFFFFFFFFFFF", "lsn:00000000000000010000",
            "lsn:0000000000000000FFFF", "lsn:00000000000000000000", "lsn:FFFFFFFFFFFFFFFFFFFF", "lsn:00000001000000000000",
        }.Select(SqlLsn.Parse).ToList();
        values.Order().Select(v => v.ToString()).Should().Equal(
            "lsn:00000000000000000000", "lsn:00000000000000000001", "lsn:0000000000000000FFFF", "lsn:00000000000000010000",
            "lsn:00000001000000000000", "lsn:7FFFFFFFFFFFFFFFFFFF", "lsn:80000000000000000000", "lsn:FFFFFFFFFFFFFFFFFFFF");
        SqlLsn.Parse("lsn:0000002A000001F40003").Should().BeGreaterThan(SqlLsn.Parse("lsn:0000002A000001F40002"));
        (SqlLsn.Parse("lsn:0000002B000000000000") > SqlLsn.Parse("lsn:0000002AFFFFFFFFFFFF")).Should().BeTrue();
    }

    [Fact]
    public void Comparing_positions_compares_the_lsns()
    {
        SqlLsn.ComparePositions("lsn:0000002A000001F40003", "lsn:0000002A000001F40004").Should().BeNegative();
        SqlLsn.ComparePositions("lsn:0000002A000001F40003", "lsn:0000002a000001f40003").Should().Be(0);
        SqlLsn.ComparePositions("lsn:00000100000000000000", "lsn:000000FF000000000000").Should().BePositive();
        SqlLsn.ComparePositions("lsn:00000100000000000000", "lsn:000000FF000000000000").Should().BePositive();
    }

    [Fact]
    public void Increment_and_decrement_step_by_one_and_carry_across_all_ten_bytes()
    {
        SqlLsn.Parse("lsn:0000002A000001F40003").Increment().ToString().Should().Be("lsn:0000002A000001F40004");
        SqlLsn.Parse("lsn:0000002A000001F4FFFF").Increment().ToString().Should().Be("lsn:0000002A000001F50000");
        SqlLsn.Parse("lsn:0000002AFFFFFFFFFFFF").Increment().ToString().Should().Be("lsn:0000002B000000000000");
        SqlLsn.Parse("lsn:0000002B000000000000").Decrement().ToString().Should().Be("lsn:0000002AFFFFFFFFFFFF");
        SqlLsn.Parse("lsn:0000002A000001F50000").Decrement().ToString().Should().Be("lsn:0000002A000001F4FFFF");
        var lsn = SqlLsn.Parse("lsn:0000002A000001F40003");
        lsn.Increment().Decrement().Should().Be(lsn);
        FluentActions.Invoking(() => SqlLsn.MaxValue.Increment()).Should().Throw<OverflowException>();
        FluentActions.Invoking(() => SqlLsn.Zero.Decrement()).Should().Throw<OverflowException>();
    }

    [Fact]
    public void Zero_is_what_cdc_answers_for_nothing()
    {
        SqlLsn.FromBytes(new byte[10]).IsZero.Should().BeTrue();
        SqlLsn.Parse("lsn:00000000000000000001").IsZero.Should().BeFalse();
        SqlLsn.Zero.ToString().Should().Be("lsn:00000000000000000000");
    }
}
