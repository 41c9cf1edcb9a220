using Cdc.Core.Model;

namespace Cdc.Core.Tests.Model;

public sealed class NumericTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("-12.3400", "-12.3400")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("12345678901234567890123456789012345678", "12345678901234567890123456789012345678")]
    [InlineData("1234567890123456789012345678.9012345678", "1234567890123456789012345678.9012345678")]
    [InlineData("1.5e3", "1500")]
    [InlineData("15e-3", "0.015")]
    public void Parse_then_format_keeps_every_digit_and_the_scale(string text, string expected)
    {
        Numeric.Parse(text).ToString().Should().Be(expected);
    }

    [Fact]
    public void Decimal_conversion_round_trips_and_refuses_to_lose_digits()
    {
        var value = -79228162514264337593543950335m;
        Numeric.FromDecimal(value).ToDecimal().Should().Be(value);
        Numeric.FromDecimal(1.2300m).ToString().Should().Be("1.2300");
        var act = () => Numeric.Parse("12345678901234567890123456789012345678").ToDecimal();
        act.Should().Throw<OverflowException>();
    }

    [Fact]
    public void Comparison_ignores_scale()
    {
        Numeric.Parse("1.50").CompareTo(Numeric.Parse("1.5")).Should().Be(0);
        Numeric.Parse("-2").CompareTo(Numeric.Parse("1.999")).Should().BeNegative();
    }

    [Fact]
    public void Garbage_is_refused()
    {
        var act = () => Numeric.Parse("12a");
        act.Should().Throw<FormatException>().WithMessage("*12a*");
    }
}
