using System.Data;
using System.Data.SqlTypes;
using System.Globalization;
using System.Security;
using System.Text;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>
/// Random values for SQL Server columns, biased towards edges: NULL, empty strings and bytes, the extremes of every
/// range (datetime2 9999-12-31 23:59:59.9999999, datetimeoffset at ±14:00, money's limits, 38-digit decimals),
/// astral-plane Unicode, large (off-row) values, spatial values with several SRIDs, sql_variant of many base types.
/// Every value fits its column exactly (no rounding or truncation by the server), so the source holds what was
/// generated; seeded, so a failure reproduces.
/// </summary>
public sealed class SqlValueGenerator(Random random)
{
    private static readonly string[] UnicodePieces = ["a", "Z", " ", "'", "\"", "\\", "]", "[", "ü", "ß", "€", "😀", "𝄞", "e\u0301", "中文", "\t", "\n", ",", ";", "NULL", "%", "_", "--"];

    /// <summary>Characters of code page 1252 (the default collation's), so varchar and char keep them.</summary>
    private static readonly string[] AnsiPieces = ["a", "Z", " ", "'", "\"", "\\", "]", "ü", "ß", "€", "é", "\t", ",", ";", "NULL", "%", "_", "--"];

    /// <summary>Suffixes of text keys: distinct under any case- and accent-insensitive collation.</summary>
    private static readonly string[] KeySuffixes = ["", " 中文", "-é", "_ü", "ñ", "·x"];

    private static readonly string[] Codes = ["web", "app", "pos", "edi"];

    private static readonly int[] GeographySrids = [4326, 4269];
    private static readonly int[] GeometrySrids = [0, 3857, 27700];

    private static readonly DateTime SmallDateTimeMin = new(1900, 1, 1);
    private static readonly DateTime SmallDateTimeMax = new(2079, 6, 6, 23, 59, 0);
    private static readonly DateTime DateTimeMin = new(1753, 1, 1);
    private static readonly DateTime DateTimeMax = new(9999, 12, 31, 23, 59, 59, 997);

    /// <param name="key">The value is for a key column: never NULL, and text keys keep to shapes no collation folds
    /// together.</param>
    public SqlValue Next(SqlWorkloadColumn column, bool nullable, bool key = false)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (nullable && !key && random.Next(8) == 0) return SqlValue.Null;
        return column.BaseType switch
        {
            "bit" => SqlValue.Of(SqlDbType.Bit, random.Next(2) == 1),
            "tinyint" => SqlValue.Of(SqlDbType.TinyInt, (byte)Pick(() => random.Next(0, 256), 0, 255)),
            "smallint" => SqlValue.Of(SqlDbType.SmallInt, (short)Pick(() => random.Next(short.MinValue, short.MaxValue + 1), short.MinValue, short.MaxValue, 0)),
            "int" => SqlValue.Of(SqlDbType.Int, Pick(() => random.Next(int.MinValue, int.MaxValue), int.MinValue, int.MaxValue, 0)),
            "bigint" => SqlValue.Of(SqlDbType.BigInt, Pick(() => random.NextInt64(long.MinValue, long.MaxValue), long.MinValue, long.MaxValue, 0L)),
            "decimal" or "numeric" => Decimal(column.Precision, column.Scale),
            "money" => SqlValue.Of(SqlDbType.Money, Pick(() => random.NextInt64(-10_000_000_000_000_000, 10_000_000_000_000_000), long.MinValue, long.MaxValue, 0L) / 10_000m),
            "float" => SqlValue.Of(SqlDbType.Float, Pick(() => Sign() * (1 + random.NextDouble()) * Math.Pow(10, random.Next(-300, 301)), double.MaxValue, -double.MaxValue, 2.3E-308, Math.PI, 0.1, 0d)),
            "real" => SqlValue.Of(SqlDbType.Real, Pick(() => (float)(Sign() * (1 + random.NextDouble()) * Math.Pow(10, random.Next(-37, 38))), float.MaxValue, -float.MaxValue, 1.2E-38f, 0.1f, 0f)),
            "date" => SqlValue.Of(SqlDbType.Date, Pick(() => DateOnly.FromDayNumber(random.Next(DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber + 1)), DateOnly.MinValue, DateOnly.MaxValue).ToDateTime(TimeOnly.MinValue)),
            "time" => Time(column.Scale),
            "datetime2" => DateTime2(column.Scale),
            "datetime" => SqlValue.Of(SqlDbType.DateTime, Pick(() => Truncate(Between(DateTimeMin, DateTimeMax), TimeSpan.TicksPerMillisecond), DateTimeMin, DateTimeMax)),
            "smalldatetime" => SqlValue.Of(SqlDbType.SmallDateTime, Pick(() => Truncate(Between(SmallDateTimeMin, SmallDateTimeMax), TimeSpan.TicksPerMinute), SmallDateTimeMin, SmallDateTimeMax)),
            "datetimeoffset" => DateTimeOffsetValue(column.Scale),
            "char" or "varchar" => Ansi(column, key),
            "nchar" or "nvarchar" => Unicode(column, key),
            "binary" or "varbinary" => SqlValue.Of(SqlDbType.VarBinary, Binary(column.Length), -1),
            "uniqueidentifier" => SqlValue.Of(SqlDbType.UniqueIdentifier, new Guid(Bytes(16))),
            "xml" => SqlValue.Of(SqlDbType.NVarChar, Xml(), -1),
            "hierarchyid" => SqlValue.Expression("hierarchyid::Parse({0})", new SqlArgument(SqlDbType.NVarChar, HierarchyPath(), 4000)),
            "geography" => Spatial("geography", Geography(), GeographySrids),
            "geometry" => Spatial("geometry", Geometry(), GeometrySrids),
            "sql_variant" => Variant(),
            _ => throw new ArgumentException($"The workload cannot generate values for column '{column.Name}' ({column.SqlType}).", nameof(column)),
        };
    }

    private T Pick<T>(Func<T> usual, params T[] edges) => random.Next(6) == 0 ? edges[random.Next(edges.Length)] : usual();

    private int Sign() => random.Next(2) == 0 ? -1 : 1;

    private static SqlArgument Text(string value) => new(SqlDbType.NVarChar, value, -1);

    private SqlValue Decimal(int precision, int scale)
    {
        var integerDigits = precision - scale;
        var whole = random.Next(6) == 0 ? new string('9', integerDigits) : Digits(random.Next(0, integerDigits + 1)).TrimStart('0');
        var fraction = Digits(scale);
        var text = (whole.Length == 0 ? "0" : whole) + (scale > 0 ? "." + fraction : "");
        // A negative zero is not a value a column can hold distinctly: keep zero positive.
        if (text.Any(c => c is >= '1' and <= '9') && random.Next(2) == 0) text = "-" + text;
        return SqlValue.Of(SqlDbType.Decimal, SqlDecimal.Parse(text), precision: (byte)precision, scale: (byte)scale);
    }

    private string Digits(int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++) chars[i] = (char)('0' + random.Next(10));
        return new string(chars);
    }

    /// <summary>Up to <paramref name="count"/> digits without leading zeros; "0" when there are none.</summary>
    private string WholeDigits(int count) => Digits(random.Next(0, count + 1)).TrimStart('0') is { Length: > 0 } digits ? digits : "0";

    /// <summary>Whole units of the column's scale, so the server stores the value as generated.</summary>
    private static long Unit(int scale) => (long)Math.Pow(10, 7 - scale);

    private SqlValue Time(int scale)
    {
        var unit = Unit(scale);
        var ticks = Pick(() => random.NextInt64(0, TimeSpan.TicksPerDay), 0, TimeSpan.TicksPerDay - 1);
        return SqlValue.Of(SqlDbType.Time, new TimeSpan(ticks / unit * unit), scale: (byte)scale);
    }

    private SqlValue DateTime2(int scale)
    {
        var unit = Unit(scale);
        var value = Pick(() => Between(new DateTime(1900, 1, 1), new DateTime(2100, 1, 1)), DateTime.MinValue, DateTime.MaxValue);
        return SqlValue.Of(SqlDbType.DateTime2, Truncate(value, unit), scale: (byte)scale);
    }

    private SqlValue DateTimeOffsetValue(int scale)
    {
        var unit = Unit(scale);
        var edges = new[]
        {
            new DateTimeOffset(DateTime.MinValue, TimeSpan.FromHours(-14)),
            new DateTimeOffset(Truncate(DateTime.MaxValue, unit), TimeSpan.FromHours(14)),
            new DateTimeOffset(new DateTime(2000, 1, 1), TimeSpan.Zero),
            new DateTimeOffset(Truncate(new DateTime(2024, 2, 29, 12, 34, 56).AddTicks(1_234_567), unit), new TimeSpan(5, 45, 0)),
        };
        var value = Pick(() => new DateTimeOffset(Truncate(Between(new DateTime(1900, 1, 1), new DateTime(2100, 1, 1)), unit), TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1))), edges);
        return SqlValue.Of(SqlDbType.DateTimeOffset, value, scale: (byte)scale);
    }

    private DateTime Between(DateTime from, DateTime to) => new(random.NextInt64(from.Ticks, to.Ticks + 1));

    private static DateTime Truncate(DateTime value, long unit) => new(value.Ticks / unit * unit);

    private SqlValue Ansi(SqlWorkloadColumn column, bool key)
    {
        if (key) return SqlValue.Of(SqlDbType.VarChar, Codes[random.Next(Codes.Length)], column.Length);
        var text = column.Length == -1 ? LargeAnsi() : Pieces(AnsiPieces, column.Length, 12);
        return SqlValue.Of(SqlDbType.NVarChar, text, -1);
    }

    private SqlValue Unicode(SqlWorkloadColumn column, bool key)
    {
        if (key) return SqlValue.Of(SqlDbType.NVarChar, KeyText(), column.Length);
        var text = column.Length == -1 ? LargeUnicode() : Pieces(UnicodePieces, column.Length, 12);
        return SqlValue.Of(SqlDbType.NVarChar, text, -1);
    }

    /// <summary><c>k</c>, seven digits and a suffix: never two keys that differ only in case, accents or trailing
    /// spaces, which a case-insensitive primary key would take for one.</summary>
    public string KeyText() => "k" + Digits(7) + KeySuffixes[random.Next(KeySuffixes.Length)];

    /// <summary>Up to <paramref name="maxPieces"/> pieces, never longer than <paramref name="maxLength"/> UTF-16 units
    /// (a piece never splits a surrogate pair).</summary>
    private string Pieces(string[] pieces, int maxLength, int maxPieces)
    {
        var builder = new StringBuilder();
        var count = random.Next(0, maxPieces + 1);
        for (var i = 0; i < count; i++)
        {
            var piece = pieces[random.Next(pieces.Length)];
            if (builder.Length + piece.Length > maxLength) break;
            builder.Append(piece);
        }
        return builder.ToString();
    }

    /// <summary>Often short; sometimes over 8,000 bytes, so the server stores it off-row.</summary>
    private string LargeUnicode()
    {
        if (random.Next(4) != 0) return Pieces(UnicodePieces, 400, 30);
        var length = random.Next(4500, 6000);
        var builder = new StringBuilder(length + 4);
        while (builder.Length < length) builder.Append(UnicodePieces[random.Next(UnicodePieces.Length)]);
        return builder.ToString();
    }

    private string LargeAnsi()
    {
        if (random.Next(4) != 0) return Pieces(AnsiPieces, 400, 30);
        var chars = new char[random.Next(8100, 9000)];
        for (var i = 0; i < chars.Length; i++) chars[i] = (char)random.Next(0x21, 0x7f);
        return new string(chars);
    }

    /// <summary>Up to the column's length (binary(n) pads a shorter value with zeros); for max, sometimes over
    /// 8,000 bytes.</summary>
    private byte[] Binary(int length)
    {
        if (length == -1) return Bytes(random.Next(6) == 0 ? random.Next(8100, 9000) : random.Next(0, 41));
        return Bytes(random.Next(0, Math.Min(length, 40) + 1));
    }

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Documents and fragments (untyped xml takes both), with escaped text.</summary>
    private string Xml()
    {
        var text = SecurityElement.Escape(Pieces(UnicodePieces, 60, 8));
        return random.Next(5) switch
        {
            0 => "<r/>",
            1 => $"<r a=\"{text}\">{text}</r>",
            2 => $"<order id=\"{random.Next()}\"><line no=\"1\">{text}</line><line no=\"2\"/></order>",
            3 => text,
            _ => "<a>1</a><b>ü 😀</b>",
        };
    }

    private string HierarchyPath() => random.Next(4) switch
    {
        0 => "/",
        1 => $"/{random.Next(-5, 21)}/",
        2 => $"/{random.Next(0, 21)}/{random.Next(0, 21)}/",
        _ => $"/{random.Next(0, 21)}.{random.Next(1, 10)}/{random.Next(-3, 21)}/",
    };

    private SqlValue Spatial(string type, string wkt, int[] srids) =>
        SqlValue.Expression(type + "::STGeomFromText({0}, {1})", Text(wkt), new SqlArgument(SqlDbType.Int, srids[random.Next(srids.Length)]));

    /// <summary>A point, a point with Z and M, a line or a counter-clockwise triangle (a polygon's interior is on the
    /// left of its ring in geography), with coordinates of up to six decimals.</summary>
    private string Geography()
    {
        var lon = Coordinate(-170, 170);
        var lat = Coordinate(-80, 80);
        return random.Next(4) switch
        {
            0 => $"POINT ({lon} {lat})",
            1 => $"POINT ({lon} {lat} {Coordinate(-100, 100)} {Coordinate(0, 1000)})",
            2 => $"LINESTRING ({lon} {lat}, {Shift(lon, 1)} {Shift(lat, 0.5m)})",
            _ => $"POLYGON (({lon} {lat}, {Shift(lon, 1)} {lat}, {Shift(lon, 1)} {Shift(lat, 1)}, {lon} {lat}))",
        };
    }

    private string Geometry()
    {
        var x = Coordinate(-100000, 100000);
        var y = Coordinate(-100000, 100000);
        return random.Next(4) switch
        {
            0 => $"POINT ({x} {y})",
            1 => $"POINT ({x} {y} {Coordinate(-100, 100)} {Coordinate(0, 1000)})",
            2 => $"LINESTRING ({x} {y}, {Shift(x, 10)} {Shift(y, -5)}, {Shift(x, 20)} {y})",
            _ => $"POLYGON (({x} {y}, {Shift(x, 10)} {y}, {Shift(x, 10)} {Shift(y, 10)}, {x} {Shift(y, 10)}, {x} {y}))",
        };
    }

    private string Coordinate(int from, int to) =>
        (random.NextInt64(from * 1_000_000L, to * 1_000_000L + 1) / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture);

    private static string Shift(string coordinate, decimal by) =>
        (decimal.Parse(coordinate, NumberStyles.Float, CultureInfo.InvariantCulture) + by).ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>A sql_variant of a chosen base type, converted by the server from invariant text (ISO 8601 for dates,
    /// 0x hex for binary), so its base type and facets are exactly the ones named here.</summary>
    private SqlValue Variant()
    {
        var (type, text) = random.Next(23) switch
        {
            0 => ("int", random.Next(int.MinValue, int.MaxValue).ToString(CultureInfo.InvariantCulture)),
            1 => ("bigint", random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture)),
            2 => ("smallint", random.Next(short.MinValue, short.MaxValue + 1).ToString(CultureInfo.InvariantCulture)),
            3 => ("tinyint", random.Next(0, 256).ToString(CultureInfo.InvariantCulture)),
            4 => ("bit", random.Next(2).ToString(CultureInfo.InvariantCulture)),
            5 => ("decimal(10,2)", (Sign() * random.NextInt64(0, 10_000_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture)),
            6 => ("numeric(38,10)", (random.Next(2) == 0 ? "-" : "") + WholeDigits(28) + "." + Digits(10)),
            7 => ("float", (Sign() * (1 + random.NextDouble()) * Math.Pow(10, random.Next(-300, 301))).ToString("R", CultureInfo.InvariantCulture)),
            8 => ("real", ((float)(Sign() * (1 + random.NextDouble()) * Math.Pow(10, random.Next(-37, 38)))).ToString("R", CultureInfo.InvariantCulture)),
            9 => ("money", (random.NextInt64(-10_000_000_000_000_000, 10_000_000_000_000_000) / 10_000m).ToString("0.0000", CultureInfo.InvariantCulture)),
            10 => ("date", DateOnly.FromDayNumber(random.Next(DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber + 1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            11 => ("time(3)", new TimeSpan(random.NextInt64(0, TimeSpan.TicksPerDay) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture)),
            12 => ("datetime", Truncate(Between(DateTimeMin, DateTimeMax), TimeSpan.TicksPerMillisecond).ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture)),
            13 => ("datetime2(7)", Between(DateTime.MinValue, DateTime.MaxValue).ToString("yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture)),
            14 => ("datetimeoffset(7)", new DateTimeOffset(Between(new DateTime(1900, 1, 1), new DateTime(2100, 1, 1)), TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1))).ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture)),
            15 => ("smalldatetime", Truncate(Between(SmallDateTimeMin, SmallDateTimeMax), TimeSpan.TicksPerMinute).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            16 => ("char(5)", Pieces(AnsiPieces, 5, 4)),
            17 => ("varchar(12)", Pieces(AnsiPieces, 12, 6)),
            18 => ("nchar(4)", Pieces(UnicodePieces, 4, 3)),
            19 => ("nvarchar(30)", Pieces(UnicodePieces, 30, 8)),
            20 => ("binary(4)", "0x" + Convert.ToHexString(Bytes(random.Next(1, 5)))),
            21 => ("varbinary(16)", "0x" + Convert.ToHexString(Bytes(random.Next(1, 17)))),
            _ => ("uniqueidentifier", new Guid(Bytes(16)).ToString("D")),
        };
        var typed = type switch
        {
            "datetime" or "smalldatetime" => $"CONVERT({type}, {{0}}, 126)",
            "binary(4)" or "varbinary(16)" => $"CONVERT({type}, {{0}}, 1)",
            _ => $"CAST({{0}} AS {type})",
        };
        return SqlValue.Expression($"CAST({typed} AS sql_variant)", Text(text));
    }
}
