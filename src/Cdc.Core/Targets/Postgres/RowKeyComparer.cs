using System.Numerics;
using Cdc.Core.Model;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// Compares rows by their key values the way the target's primary key will: byte arrays by content, decimals by
/// value (1.0 = 1.00), and times after rounding to the microseconds PostgreSQL keeps, so that two keys PostgreSQL
/// would see as equal are merged here rather than colliding in one statement.
/// </summary>
internal sealed class RowKeyComparer(IReadOnlyList<int> keyOrdinals) : IEqualityComparer<object?[]>
{
    public bool Equals(object?[]? x, object?[]? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null) return false;
        foreach (var i in keyOrdinals)
            if (!ValueEquals(x[i], y[i])) return false;
        return true;
    }

    public int GetHashCode(object?[] obj)
    {
        var hash = new HashCode();
        foreach (var i in keyOrdinals) hash.Add(ValueHash(obj[i]));
        return hash.ToHashCode();
    }

    private static bool ValueEquals(object? a, object? b) => (a, b) switch
    {
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        (Numeric x, Numeric y) => x.CompareTo(y) == 0,
        (DateTime x, DateTime y) => PgTemporalBinary.Timestamp(x) == PgTemporalBinary.Timestamp(y),
        (DateTimeOffset x, DateTimeOffset y) => PgTemporalBinary.TimestampTz(x) == PgTemporalBinary.TimestampTz(y),
        (TimeOnly x, TimeOnly y) => PgTemporalBinary.Time(x) == PgTemporalBinary.Time(y),
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        _ => Equals(a, b),
    };

    private static int ValueHash(object? value) => value switch
    {
        null => 0,
        byte[] bytes => HashBytes(bytes),
        Numeric n => Normalize(n).GetHashCode(),
        DateTime d => PgTemporalBinary.Timestamp(d).GetHashCode(),
        DateTimeOffset d => PgTemporalBinary.TimestampTz(d).GetHashCode(),
        TimeOnly t => PgTemporalBinary.Time(t).GetHashCode(),
        string s => string.GetHashCode(s, StringComparison.Ordinal),
        _ => value.GetHashCode(),
    };

    private static int HashBytes(byte[] bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    /// <summary>Drops trailing fractional zeros so equal values hash alike.</summary>
    private static Numeric Normalize(Numeric value)
    {
        var unscaled = value.Unscaled;
        var scale = value.Scale;
        if (unscaled.IsZero) return new Numeric(BigInteger.Zero, 0);
        if (scale < 0)
        {
            unscaled *= BigInteger.Pow(10, -scale);
            scale = 0;
        }
        while (scale > 0)
        {
            var quotient = BigInteger.DivRem(unscaled, 10, out var remainder);
            if (!remainder.IsZero) break;
            unscaled = quotient;
            scale--;
        }
        return new Numeric(unscaled, scale);
    }
}
