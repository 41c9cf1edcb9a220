using System.Data.SqlTypes;
using System.Globalization;
using System.Numerics;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// Turns a staged value (in its <see cref="LogicalTypeClr"/> representation) into the CLR value SqlBulkCopy writes
/// into a column of a given SQL Server type, checking first that the column can hold it exactly: the driver would
/// otherwise truncate decimals and fractional seconds silently, or fail with a message that names neither the
/// column nor the row.
/// </summary>
/// <remarks>
/// Decimals become <see cref="SqlDecimal"/> at exactly the column's precision and scale (38 digits; System.Decimal
/// holds only 28-29). A value with more digits after the point than the column keeps is refused, not rounded.
/// Times are rounded to the column's fractional digits the way SQL Server's own conversions round; a datetimeoffset
/// keeps its offset.
/// </remarks>
internal static class SqlValueConverter
{
    private static readonly DateTime SmallDateTimeMin = new(1900, 1, 1);
    private static readonly DateTime SmallDateTimeMax = new(2079, 6, 6, 23, 59, 29, 998);
    private static readonly decimal MoneyMin = -922_337_203_685_477.5808m;
    private static readonly decimal MoneyMax = 922_337_203_685_477.5807m;
    private static readonly decimal SmallMoneyMin = -214_748.3648m;
    private static readonly decimal SmallMoneyMax = 214_748.3647m;

    /// <exception cref="InvalidCastException">The value's CLR type is not the logical type's representation.</exception>
    /// <exception cref="ArgumentException">The column cannot hold the value (described in the message).</exception>
    public static object ToSqlValue(LogicalType logical, SqlColumnType column, object value)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(value);
        switch (column.Name)
        {
            case "bit": return (bool)value;
            case "tinyint": return (byte)Integer(logical, value, byte.MinValue, byte.MaxValue, column);
            case "smallint": return (short)Integer(logical, value, short.MinValue, short.MaxValue, column);
            case "int": return (int)Integer(logical, value, int.MinValue, int.MaxValue, column);
            case "bigint": return Integer(logical, value, long.MinValue, long.MaxValue, column);
            case "real": return Finite(logical == LogicalType.Float64 ? (float)(double)value : (float)value, column);
            case "float": return Finite(logical == LogicalType.Float32 ? (float)value : (double)value, column);
            case "decimal" or "numeric": return ToSqlDecimal((Numeric)value, column.Precision ?? 18, column.Scale ?? 0);
            case "money": return ToMoney((Numeric)value, MoneyMin, MoneyMax, column);
            case "smallmoney": return ToMoney((Numeric)value, SmallMoneyMin, SmallMoneyMax, column);
            case "char" or "varchar" or "nchar" or "nvarchar" or "text" or "ntext": return Text((string)value, column);
            case "xml": return (string)value;
            case "binary" or "varbinary" or "image": return Bytes((byte[])value, column);
            case "uniqueidentifier": return (Guid)value;
            case "date": return ((DateOnly)value).ToDateTime(TimeOnly.MinValue);
            case "time": return ToTime((TimeOnly)value, column);
            case "datetime2": return ToDateTime2((DateTime)value, column);
            case "datetimeoffset": return ToDateTimeOffset((DateTimeOffset)value, column);
            case "datetime": return ToLegacyDateTime((DateTime)value, column);
            case "smalldatetime": return ToSmallDateTime((DateTime)value, column);
            default:
                throw new ArgumentException($"values for {column.Sql} columns are built in SQL from their text, not written directly");
        }
    }

    /// <summary>The exact <see cref="SqlDecimal"/> of <paramref name="value"/> at decimal(precision, scale)
    /// (<see cref="SqlDecimals.ToSqlDecimal"/>).</summary>
    public static SqlDecimal ToSqlDecimal(Numeric value, int precision, int scale) => SqlDecimals.ToSqlDecimal(value, precision, scale);

    private static decimal ToMoney(Numeric value, decimal min, decimal max, SqlColumnType column)
    {
        var unscaled = SqlDecimals.Unscaled(value, 4, column.Sql);
        var fourDecimals = new Numeric(unscaled, 4);
        decimal amount;
        try
        {
            amount = fourDecimals.ToDecimal();
        }
        catch (OverflowException)
        {
            throw new ArgumentException($"{value} is outside the range of {column.Sql} ({min} to {max}).");
        }
        if (amount < min || amount > max) throw new ArgumentException($"{value} is outside the range of {column.Sql} ({min} to {max}).");
        return amount;
    }

    private static long Integer(LogicalType logical, object value, long min, long max, SqlColumnType column)
    {
        long number = logical switch
        {
            LogicalType.Int16 => (short)value,
            LogicalType.Int32 => (int)value,
            LogicalType.Int64 => (long)value,
            _ => throw new InvalidCastException($"A {logical} value cannot be written into a {column.Sql} column."),
        };
        if (number < min || number > max) throw new ArgumentException($"{number} is outside the range of {column.Sql} ({min} to {max}).");
        return number;
    }

    private static object Finite(double value, SqlColumnType column)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"{value.ToString(CultureInfo.InvariantCulture)} cannot be stored: SQL Server {column.Sql} holds only finite numbers.");
        return column.Name == "real" ? (float)value : value;
    }

    private static string Text(string value, SqlColumnType column)
    {
        // For varchar this counts characters, a lower bound of the bytes the column's code page needs; the server
        // checks the rest.
        if (!column.IsMax && column.Length is { } length && value.Length > length)
            throw new ArgumentException($"the text is {value.Length} characters long; {column.Sql} holds at most {length}.");
        return value;
    }

    private static byte[] Bytes(byte[] value, SqlColumnType column)
    {
        if (!column.IsMax && column.Length is { } length && value.Length > length)
            throw new ArgumentException($"the value is {value.Length} bytes long; {column.Sql} holds at most {length}.");
        return value;
    }

    private static TimeSpan ToTime(TimeOnly value, SqlColumnType column)
    {
        var ticks = RoundTicks(value.Ticks, column.Scale ?? 7);
        if (ticks >= TimeSpan.TicksPerDay) throw new ArgumentException($"{value:HH:mm:ss.fffffff} rounds to 24:00:00 at {column.Sql}, which is not a time of day.");
        return TimeSpan.FromTicks(ticks);
    }

    private static DateTime ToDateTime2(DateTime value, SqlColumnType column)
    {
        var ticks = RoundTicks(value.Ticks, column.Scale ?? 7);
        if (ticks > DateTime.MaxValue.Ticks) throw new ArgumentException($"{Format(value)} rounds past 9999-12-31 at {column.Sql}.");
        return new DateTime(ticks, DateTimeKind.Unspecified);
    }

    private static DateTimeOffset ToDateTimeOffset(DateTimeOffset value, SqlColumnType column)
    {
        var ticks = RoundTicks(value.Ticks, column.Scale ?? 7);
        try
        {
            return new DateTimeOffset(ticks, value.Offset);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new ArgumentException($"{value.ToString("O", CultureInfo.InvariantCulture)} rounds past 9999-12-31 at {column.Sql}.");
        }
    }

    private static DateTime ToLegacyDateTime(DateTime value, SqlColumnType column)
    {
        try
        {
            // datetime keeps 1/300 s; SqlDateTime rounds the same way the driver will, and refuses what falls outside.
            _ = new SqlDateTime(value);
        }
        catch (SqlTypeException)
        {
            throw new ArgumentException($"{Format(value)} is outside the range of {column.Sql} (1753-01-01 to 9999-12-31 23:59:59.997).");
        }
        return DateTime.SpecifyKind(value, DateTimeKind.Unspecified);
    }

    private static DateTime ToSmallDateTime(DateTime value, SqlColumnType column)
    {
        if (value < SmallDateTimeMin || value > SmallDateTimeMax)
            throw new ArgumentException($"{Format(value)} is outside the range of {column.Sql} (1900-01-01 to 2079-06-06 23:59).");
        return DateTime.SpecifyKind(value, DateTimeKind.Unspecified);
    }

    /// <summary>Rounds 100 ns ticks to <paramref name="scale"/> fractional-second digits, half away from zero.</summary>
    public static long RoundTicks(long ticks, int scale)
    {
        if (scale >= 7) return ticks;
        var unit = (long)Math.Pow(10, 7 - scale);
        var remainder = ticks % unit;
        var down = ticks - remainder;
        return remainder * 2 >= unit ? down + unit : down;
    }

    private static string Format(DateTime value) => value.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture);
}
