using System.Globalization;
using System.Numerics;

namespace Cdc.Core.Model;

/// <summary>
/// An exact decimal number of any precision: <c>Unscaled × 10^-Scale</c>. System.Decimal holds only 28-29 digits,
/// while SQL Server carries 38 and PostgreSQL up to 131072, so staged decimals use this type instead.
/// </summary>
public readonly record struct Numeric(BigInteger Unscaled, int Scale) : IComparable<Numeric>
{
    public static Numeric Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParseSmall(text, out var small) ? small : ParseAny(text);
    }

    /// <summary>The common case, plain notation with at most 18 digits, without allocating.</summary>
    private static bool TryParseSmall(ReadOnlySpan<char> text, out Numeric value)
    {
        value = default;
        if (text.IsEmpty) return false;
        var negative = text[0] == '-';
        var i = negative || text[0] == '+' ? 1 : 0;
        long unscaled = 0;
        var digits = 0;
        var scale = -1;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.' && scale < 0)
            {
                scale = 0;
                continue;
            }
            if (!char.IsAsciiDigit(c) || ++digits > 18) return false;
            unscaled = unscaled * 10 + (c - '0');
            if (scale >= 0) scale++;
        }
        if (digits == 0) return false;
        value = new Numeric(negative ? -unscaled : unscaled, Math.Max(scale, 0));
        return true;
    }

    private static Numeric ParseAny(string text)
    {
        var span = text.AsSpan().Trim();
        if (span.IsEmpty) throw new FormatException("An empty string is not a number.");
        var negative = span[0] == '-';
        if (negative || span[0] == '+') span = span[1..];
        var exponent = 0;
        var e = span.IndexOfAny('e', 'E');
        if (e >= 0)
        {
            exponent = int.Parse(span[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            span = span[..e];
        }
        var dot = span.IndexOf('.');
        string digits;
        int scale;
        if (dot >= 0)
        {
            digits = string.Concat(span[..dot], span[(dot + 1)..]);
            scale = span.Length - dot - 1;
        }
        else
        {
            digits = span.ToString();
            scale = 0;
        }
        if (digits.Length == 0 || digits.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0) throw new FormatException($"'{text}' is not a decimal number.");
        var unscaled = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        scale -= exponent;
        if (scale < 0)
        {
            unscaled *= BigInteger.Pow(10, -scale);
            scale = 0;
        }
        return new Numeric(negative ? -unscaled : unscaled, scale);
    }

    public static Numeric FromDecimal(decimal value)
    {
        var bits = decimal.GetBits(value);
        var scale = (bits[3] >> 16) & 0xFF;
        var magnitude = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        return new Numeric(value < 0 || (bits[3] & int.MinValue) != 0 ? -magnitude : magnitude, scale);
    }

    /// <summary>Converts to System.Decimal, throwing <see cref="OverflowException"/> when precision would be lost.</summary>
    public decimal ToDecimal()
    {
        if (Scale > 28) throw new OverflowException($"{this} has scale {Scale}, beyond System.Decimal's 28.");
        var magnitude = BigInteger.Abs(Unscaled);
        if (magnitude.GetBitLength() > 96) throw new OverflowException($"{this} has more digits than System.Decimal holds.");
        var bytes = new byte[12];
        magnitude.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return new decimal(BitConverter.ToInt32(bytes, 0), BitConverter.ToInt32(bytes, 4), BitConverter.ToInt32(bytes, 8), Unscaled.Sign < 0, (byte)Scale);
    }

    public int CompareTo(Numeric other)
    {
        var common = Math.Max(Scale, other.Scale);
        return (Unscaled * BigInteger.Pow(10, common - Scale)).CompareTo(other.Unscaled * BigInteger.Pow(10, common - other.Scale));
    }

    /// <summary>Plain decimal notation that keeps the scale, e.g. <c>-12.3400</c>.</summary>
    public override string ToString()
    {
        var digits = BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture);
        if (Scale > 0)
        {
            if (digits.Length <= Scale) digits = new string('0', Scale - digits.Length + 1) + digits;
            digits = digits.Insert(digits.Length - Scale, ".");
        }
        return Unscaled.Sign < 0 ? "-" + digits : digits;
    }
}
