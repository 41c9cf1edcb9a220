using System.Data.SqlTypes;
using System.Globalization;
using System.Numerics;
using Cdc.Core.Model;

namespace Cdc.Core.SqlServer;

/// <summary>
/// Exact conversions between <see cref="Numeric"/> and <see cref="SqlDecimal"/> (38 digits; System.Decimal holds only
/// 28-29), shared by the SQL Server source (key parameters) and target (bulk-copied values). A value is never
/// rounded: one with more digits than the column keeps is refused.
/// </summary>
internal static class SqlDecimals
{
    public const int MaxPrecision = 38;

    private static readonly long[] PowersOfTen = Enumerable.Range(0, 19).Select(e => (long)Math.Pow(10, e)).ToArray();

    public static Numeric FromSqlDecimal(SqlDecimal value)
    {
        var data = value.Data;
        var magnitude = BigInteger.Zero;
        for (var i = data.Length - 1; i >= 0; i--) magnitude = (magnitude << 32) | (uint)data[i];
        return new Numeric(value.IsPositive ? magnitude : -magnitude, value.Scale);
    }

    /// <summary>The exact <see cref="SqlDecimal"/> of <paramref name="value"/> at decimal(precision, scale).</summary>
    /// <exception cref="ArgumentException">The value has more digits after the point than <paramref name="scale"/>
    /// (it would be rounded), or more before the point than precision - scale.</exception>
    public static SqlDecimal ToSqlDecimal(Numeric value, int precision, int scale)
    {
        if (precision is < 1 or > MaxPrecision || scale < 0 || scale > precision)
            throw new ArgumentOutOfRangeException(nameof(precision), $"decimal({precision},{scale}) is not a SQL Server decimal type.");
        if (TrySmall(value, precision, scale, out var small)) return small;
        var unscaled = Unscaled(value, scale, $"decimal({precision},{scale})");
        var magnitude = BigInteger.Abs(unscaled);
        if (magnitude >= BigInteger.Pow(10, precision))
        {
            var integerDigits = BigInteger.Divide(magnitude, BigInteger.Pow(10, scale)).ToString(CultureInfo.InvariantCulture).Length;
            throw new ArgumentException($"{value} has {integerDigits} digits before the point; decimal({precision},{scale}) holds at most {precision - scale}.");
        }
        var data = new int[4];
        for (var i = 0; i < 4; i++) data[i] = unchecked((int)(uint)((magnitude >> (32 * i)) & uint.MaxValue));
        return new SqlDecimal((byte)precision, (byte)scale, unscaled.Sign >= 0, data);
    }

    /// <summary>The unscaled integer of <paramref name="value"/> at <paramref name="scale"/> digits after the point;
    /// trailing zeros beyond it are dropped, any other digit there is refused (naming <paramref name="type"/>).</summary>
    public static BigInteger Unscaled(Numeric value, int scale, string type)
    {
        if (value.Scale <= scale) return value.Unscaled * BigInteger.Pow(10, scale - value.Scale);
        var quotient = BigInteger.DivRem(value.Unscaled, BigInteger.Pow(10, value.Scale - scale), out var remainder);
        if (!remainder.IsZero)
            throw new ArgumentException($"{value} has more digits after the point than {type} keeps ({scale}); it would be rounded. Declare a larger scale at the source.");
        return quotient;
    }

    /// <summary>The common case without big-integer arithmetic: an unscaled value and result that fit 63 bits.</summary>
    private static bool TrySmall(Numeric value, int precision, int scale, out SqlDecimal result)
    {
        result = default;
        var shift = scale - value.Scale;
        if (value.Scale < 0 || shift < 0 || shift > 18 || value.Unscaled < long.MinValue + 1 || value.Unscaled > long.MaxValue) return false;
        var magnitude = Math.Abs((long)value.Unscaled);
        if (magnitude > long.MaxValue / PowersOfTen[shift]) return false;
        magnitude *= PowersOfTen[shift];
        if (precision <= 18 && magnitude >= PowersOfTen[precision]) return false;
        result = new SqlDecimal((byte)precision, (byte)scale, value.Unscaled.Sign >= 0, unchecked((int)(uint)magnitude), (int)(magnitude >> 32), 0, 0);
        return true;
    }
}
