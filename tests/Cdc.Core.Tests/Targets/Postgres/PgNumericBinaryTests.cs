using System.Buffers.Binary;
using System.Numerics;
using Cdc.Core.Model;
using Cdc.Core.Targets.Postgres;

namespace Cdc.Core.Tests.Targets.Postgres;

public sealed class PgNumericBinaryTests
{
    [Theory]
    [InlineData("0", 0, 0, 0x0000, 0, new int[0])]
    [InlineData("0.00", 0, 0, 0x0000, 2, new int[0])]
    [InlineData("1", 1, 0, 0x0000, 0, new[] { 1 })]
    [InlineData("-12.3400", 2, 0, 0x4000, 4, new[] { 12, 3400 })]
    [InlineData("10000", 1, 1, 0x0000, 0, new[] { 1 })]
    [InlineData("0.0001", 1, -1, 0x0000, 4, new[] { 1 })]
    [InlineData("0.5", 1, -1, 0x0000, 1, new[] { 5000 })]
    [InlineData("-123456789.00001", 5, 2, 0x4000, 5, new[] { 1, 2345, 6789, 0, 1000 })]
    public void Encodes_the_documented_layout(string text, int ndigits, int weight, int sign, int dscale, int[] digits)
    {
        var bytes = Encode(Numeric.Parse(text), out _);

        BinaryPrimitives.ReadInt16BigEndian(bytes).Should().Be((short)ndigits);
        BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(2)).Should().Be((short)weight);
        BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(4)).Should().Be((ushort)sign);
        BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(6)).Should().Be((ushort)dscale);
        var actualDigits = Enumerable.Range(0, ndigits).Select(i => (int)BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(8 + (2 * i)))).ToArray();
        actualDigits.Should().Equal(digits);
        bytes.Should().HaveCount(8 + (2 * ndigits));
    }

    [Fact]
    public void A_negative_scale_is_multiplied_out()
    {
        var bytes = Encode(new Numeric(123, -2), out var integerDigits);

        Decode(bytes).ToString().Should().Be("12300");
        integerDigits.Should().Be(5);
    }

    [Theory]
    [InlineData("12345678901234567890123456789012345678")]
    [InlineData("-1234567890123456789012345678.9012345678")]
    [InlineData("123456789012345678901234567890123456789012345678901234567890")]
    [InlineData("-0.000000000000000000000000000000000000000000000000000000000001")]
    [InlineData("9999999999999999.9999")]
    [InlineData("-12.3400")]
    [InlineData("0.000")]
    [InlineData("4503599627370496")]
    [InlineData("9007199254740993.123")]
    public void Round_trips_every_digit_and_the_scale(string text)
    {
        var value = Numeric.Parse(text);

        Decode(Encode(value, out _)).ToString().Should().Be(value.ToString());
    }

    [Fact]
    public void Random_values_round_trip()
    {
        var random = new Random(42);
        for (var n = 0; n < 2000; n++)
        {
            var digits = random.Next(1, 80);
            var text = string.Concat(Enumerable.Range(0, digits).Select(_ => (char)('0' + random.Next(10))));
            var value = new Numeric(BigInteger.Parse(text, System.Globalization.CultureInfo.InvariantCulture) * (random.Next(2) == 0 ? 1 : -1), random.Next(0, 40));
            Decode(Encode(value, out _)).ToString().Should().Be(value.ToString());
        }
    }

    [Theory]
    [InlineData("12345.678", 5)]
    [InlineData("0.5", 0)]
    [InlineData("10000", 5)]
    [InlineData("-999", 3)]
    [InlineData("0", 0)]
    public void Reports_the_digits_before_the_point(string text, int expected)
    {
        Encode(Numeric.Parse(text), out var integerDigits);

        integerDigits.Should().Be(expected);
    }

    [Fact]
    public void Refuses_a_scale_beyond_what_postgres_can_display()
    {
        var act = () => Encode(new Numeric(1, PgNumericBinary.MaxDisplayScale + 1), out _);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*scale 16384*");
    }

    [Fact]
    public void Grows_a_buffer_that_is_too_small()
    {
        var buffer = new byte[2];
        var length = PgNumericBinary.Encode(Numeric.Parse("123456789012345678901234567890"), ref buffer, out _);

        buffer.Length.Should().BeGreaterThanOrEqualTo(length);
        Decode(buffer.AsSpan(0, length).ToArray()).ToString().Should().Be("123456789012345678901234567890");
    }

    private static byte[] Encode(Numeric value, out int integerDigits)
    {
        var buffer = new byte[16];
        var length = PgNumericBinary.Encode(value, ref buffer, out integerDigits);
        return buffer.AsSpan(0, length).ToArray();
    }

    /// <summary>An independent reading of the format: value = sum(digit[i] * 10000^(weight - i)), shown with dscale digits.</summary>
    private static Numeric Decode(byte[] bytes)
    {
        int ndigits = BinaryPrimitives.ReadInt16BigEndian(bytes);
        int weight = BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(2));
        var sign = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(4));
        int dscale = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(6));
        var unscaled = BigInteger.Zero;
        for (var i = 0; i < ndigits; i++)
        {
            var digit = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(8 + (2 * i)));
            digit.Should().BeLessThan(10000);
            var exponent = (4 * (weight - i)) + dscale;
            if (exponent >= 0)
            {
                unscaled += digit * BigInteger.Pow(10, exponent);
                continue;
            }
            // The last group may extend past the display scale, but only with zeros (0.5 is the digit 5000).
            var divisor = (int)Math.Pow(10, -exponent);
            (digit % divisor).Should().Be(0, "no significant digit may lie beyond the display scale");
            unscaled += digit / divisor;
        }
        return new Numeric(sign == 0x4000 ? -unscaled : unscaled, dscale);
    }
}
