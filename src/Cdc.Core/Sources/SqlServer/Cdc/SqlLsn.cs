using System.Buffers.Binary;
using System.Globalization;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// A SQL Server log sequence number as CDC hands it out: <c>binary(10)</c>, ordered the way SQL Server orders binary
/// values (byte by byte, as an unsigned big-endian number). As a position it is written <c>lsn:</c> followed by the
/// 20 uppercase hex digits of the ten bytes, e.g. <c>lsn:0000002A000001F40003</c>.
/// </summary>
public readonly record struct SqlLsn : IComparable<SqlLsn>
{
    public const string Prefix = "lsn:";
    public const int ByteLength = 10;

    public static readonly SqlLsn Zero;

    public static readonly SqlLsn MaxValue = new(ulong.MaxValue, ushort.MaxValue);

    private readonly ulong _high;
    private readonly ushort _low;

    private SqlLsn(ulong high, ushort low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>CDC answers "nothing" (no such capture instance, no permission, nothing captured yet) with all zeros.</summary>
    public bool IsZero => _high == 0 && _low == 0;

    /// <summary>The ten bytes as SqlClient returns a <c>binary(10)</c> value.</summary>
    public static SqlLsn FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != ByteLength)
            throw new FormatException($"A SQL Server LSN is {ByteLength} bytes long; got {bytes.Length}.");
        return new SqlLsn(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt16BigEndian(bytes[8..]));
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[ByteLength];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _high);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(8), _low);
        return bytes;
    }

    /// <summary>Parses a position (<c>lsn:</c> and 20 hex digits).</summary>
    public static SqlLsn Parse(string position)
    {
        ArgumentNullException.ThrowIfNull(position);
        return TryParse(position, out var lsn)
            ? lsn
            : throw new FormatException($"'{position}' is not a SQL Server CDC position (expected '{Prefix}' and 20 hex digits, e.g. {Prefix}0000002A000001F40003).");
    }

    public static bool TryParse(string? position, out SqlLsn lsn)
    {
        lsn = default;
        if (position is null || position.Length != Prefix.Length + 2 * ByteLength || !position.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var digits = position.AsSpan(Prefix.Length);
        if (!ulong.TryParse(digits[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)) return false;
        if (!ushort.TryParse(digits[16..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low)) return false;
        lsn = new SqlLsn(high, low);
        return true;
    }

    /// <summary>The smallest value above this one (the ten bytes read as one 80-bit number, plus one). No LSN lies
    /// between the two, so comparing it with real LSNs answers what comparing <c>sys.fn_cdc_increment_lsn</c> would.</summary>
    public SqlLsn Increment()
    {
        if (this == MaxValue) throw new OverflowException("The largest LSN has no successor.");
        return _low == ushort.MaxValue ? new SqlLsn(_high + 1, 0) : new SqlLsn(_high, (ushort)(_low + 1));
    }

    /// <summary>The largest value below this one; the counterpart of <see cref="Increment"/>.</summary>
    public SqlLsn Decrement()
    {
        if (IsZero) throw new OverflowException("The zero LSN has no predecessor.");
        return _low == 0 ? new SqlLsn(_high - 1, ushort.MaxValue) : new SqlLsn(_high, (ushort)(_low - 1));
    }

    public int CompareTo(SqlLsn other)
    {
        var high = _high.CompareTo(other._high);
        return high != 0 ? high : _low.CompareTo(other._low);
    }

    public static bool operator <(SqlLsn left, SqlLsn right) => left.CompareTo(right) < 0;

    public static bool operator >(SqlLsn left, SqlLsn right) => left.CompareTo(right) > 0;

    public static bool operator <=(SqlLsn left, SqlLsn right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SqlLsn left, SqlLsn right) => left.CompareTo(right) >= 0;

    public static SqlLsn Max(SqlLsn left, SqlLsn right) => left >= right ? left : right;

    public static SqlLsn Min(SqlLsn left, SqlLsn right) => left <= right ? left : right;

    /// <summary>Orders two positions written by <see cref="ToString"/>.</summary>
    public static int ComparePositions(string left, string right) => Parse(left).CompareTo(Parse(right));

    /// <summary>The 20 uppercase hex digits without the prefix, as SQL Server shows the value after <c>0x</c>.</summary>
    public string ToHex() => _high.ToString("X16", CultureInfo.InvariantCulture) + _low.ToString("X4", CultureInfo.InvariantCulture);

    /// <summary>The position form: <c>lsn:</c> and 20 uppercase hex digits.</summary>
    public override string ToString() => Prefix + ToHex();
}
