using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Cdc.Core.Model;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// Encodes a <see cref="Numeric"/> in PostgreSQL's binary numeric format (what numeric_send produces and numeric_recv
/// reads): int16 ndigits, int16 weight, uint16 sign, uint16 dscale, then ndigits base-10000 digits, most significant
/// first, all big-endian. The value is <c>sum(digit[i] * 10000^(weight - i))</c>; dscale is the number of decimal
/// digits shown after the point.
/// </summary>
/// <remarks>
/// Npgsql writes numerics only from System.Decimal (28 digits) or BigInteger (no scale), so wider values go through
/// this encoder and are sent as raw field bytes: binary COPY carries no per-field type, and the server decodes the
/// bytes with the column's own receive function, which also applies the column's precision and scale.
/// </remarks>
internal static class PgNumericBinary
{
    /// <summary>numeric_recv refuses more base-10000 digits than NUMERIC_MAX_PRECISION + NUMERIC_MAX_RESULT_SCALE.</summary>
    public const int MaxDigitGroups = 3000;

    /// <summary>The display scale field keeps 14 bits.</summary>
    public const int MaxDisplayScale = 0x3FFF;

    private const ushort PositiveSign = 0x0000;
    private const ushort NegativeSign = 0x4000;
    private const int HeaderBytes = 8;

    /// <summary>
    /// Writes <paramref name="value"/> into <paramref name="buffer"/> (grown when too small) and returns the byte count.
    /// <paramref name="integerDigits"/> receives the number of decimal digits before the point, for precision checks.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is beyond what PostgreSQL's numeric accepts.</exception>
    public static int Encode(Numeric value, ref byte[] buffer, out int integerDigits)
    {
        var unscaled = value.Unscaled;
        var scale = value.Scale;
        if (scale < 0)
        {
            unscaled *= BigInteger.Pow(10, -scale);
            scale = 0;
        }
        if (scale > MaxDisplayScale)
            throw new ArgumentOutOfRangeException(nameof(value), $"Scale {scale} exceeds PostgreSQL's numeric limit of {MaxDisplayScale} digits after the point.");

        var negative = unscaled.Sign < 0;
        // Pad the fraction to whole base-10000 groups so that digit groups line up with the decimal point.
        var pad = (4 - (scale % 4)) % 4;
        var fractionGroups = (scale + pad) / 4;
        var magnitude = BigInteger.Abs(unscaled);

        Span<ushort> small = stackalloc ushort[6];
        ushort[]? large = null;
        int groups;
        if (magnitude.GetBitLength() <= 63 - 10)
        {
            // Fast path: fits a ulong even after padding (10^3 < 2^10).
            var rest = (ulong)magnitude * Pow10(pad);
            groups = 0;
            while (rest != 0)
            {
                small[groups++] = (ushort)(rest % 10000);
                rest /= 10000;
            }
            return Write(small[..groups], fractionGroups, negative, scale, ref buffer, out integerDigits);
        }

        var digits = (magnitude * BigInteger.Pow(10, pad)).ToString(CultureInfo.InvariantCulture);
        groups = (digits.Length + 3) / 4;
        if (groups > MaxDigitGroups)
            throw new ArgumentOutOfRangeException(nameof(value), $"{digits.Length} digits exceed what PostgreSQL's binary numeric format accepts.");
        large = new ushort[groups];
        for (var g = 0; g < groups; g++)
        {
            var end = digits.Length - (g * 4);
            var start = Math.Max(0, end - 4);
            large[g] = ushort.Parse(digits.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        return Write(large, fractionGroups, negative, scale, ref buffer, out integerDigits);
    }

    /// <param name="leastSignificantFirst">Base-10000 digits, least significant first, without leading zero groups.</param>
    private static int Write(ReadOnlySpan<ushort> leastSignificantFirst, int fractionGroups, bool negative, int scale, ref byte[] buffer, out int integerDigits)
    {
        var trailingZeros = 0;
        while (trailingZeros < leastSignificantFirst.Length && leastSignificantFirst[trailingZeros] == 0) trailingZeros++;
        var count = leastSignificantFirst.Length - trailingZeros;
        var weight = count == 0 ? 0 : leastSignificantFirst.Length - 1 - fractionGroups;
        if (weight > short.MaxValue || weight < short.MinValue)
            throw new ArgumentOutOfRangeException(nameof(leastSignificantFirst), "The value's magnitude is beyond PostgreSQL's numeric range.");

        integerDigits = count == 0 || weight < 0 ? 0 : (weight * 4) + DecimalDigits(leastSignificantFirst[^1]);

        var length = HeaderBytes + (count * 2);
        if (buffer.Length < length) buffer = new byte[Math.Max(length, buffer.Length * 2)];
        var span = buffer.AsSpan(0, length);
        BinaryPrimitives.WriteInt16BigEndian(span, (short)count);
        BinaryPrimitives.WriteInt16BigEndian(span[2..], (short)weight);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], count == 0 || !negative ? PositiveSign : NegativeSign);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], (ushort)scale);
        for (var i = 0; i < count; i++)
            BinaryPrimitives.WriteUInt16BigEndian(span[(HeaderBytes + (i * 2))..], leastSignificantFirst[^(i + 1)]);
        return length;
    }

    private static int DecimalDigits(ushort group) => group >= 1000 ? 4 : group >= 100 ? 3 : group >= 10 ? 2 : 1;

    private static ulong Pow10(int exponent) => exponent switch
    {
        0 => 1,
        1 => 10,
        2 => 100,
        _ => 1000,
    };
}
