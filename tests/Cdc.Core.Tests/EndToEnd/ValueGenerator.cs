using System.Globalization;
using System.Text;

namespace Cdc.Core.Tests.EndToEnd;

/// <summary>
/// Random values as SQL literal text (cast by the statement to the column type), biased towards edge values: NULL,
/// empty strings and bytes, extremes of every range, full-precision decimals and timestamps, astral-plane Unicode.
/// </summary>
public sealed class ValueGenerator(Random random)
{
    private static readonly string[] TextPieces = ["a", "Z", " ", "'", "\"", "\\", "ü", "ß", "€", "😀", "𝄞", "e\u0301", "中文", "\t", "\n", ",", ";", "NULL", "%", "_"];

    /// <summary>A value as text for a parameter cast to the column type, or null for SQL NULL.</summary>
    public string? Next(ValueKind kind, bool nullable)
    {
        if (nullable && random.Next(8) == 0) return null;
        return kind switch
        {
            ValueKind.Int16 => PickText(() => random.Next(short.MinValue, short.MaxValue + 1), short.MinValue, short.MaxValue, 0),
            ValueKind.Int32 => PickText(() => random.Next(int.MinValue, int.MaxValue), int.MinValue, int.MaxValue, 0),
            ValueKind.Int64 => PickText(() => random.NextInt64(long.MinValue, long.MaxValue), long.MinValue, long.MaxValue, 0L),
            ValueKind.Numeric38 => Numeric(28, 10),
            ValueKind.NumericAny => Numeric(random.Next(1, 60), random.Next(0, 30)),
            ValueKind.Float32 => PickText(() => (float)(random.NextDouble() * 2e6 - 1e6), float.MaxValue, float.Epsilon, float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f),
            ValueKind.Float64 => PickText(() => random.NextDouble() * 2e12 - 1e12, double.MaxValue, double.Epsilon, double.NaN, double.NegativeInfinity, Math.PI),
            ValueKind.Text => Text(random.Next(0, 40)),
            ValueKind.KeyText => "k" + Text(random.Next(0, 12)),
            ValueKind.ShortText => ShortText(),
            ValueKind.LargeText => LargeText(),
            ValueKind.Boolean => random.Next(2) == 0 ? "true" : "false",
            ValueKind.Uuid => new Guid(Bytes(16)).ToString(),
            ValueKind.Bytes => "\\x" + Convert.ToHexString(Bytes(random.Next(0, 40))),
            ValueKind.Json => Json(),
            ValueKind.Date => Pick(() => DateOnly.FromDayNumber(random.Next(DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber)), DateOnly.MinValue, DateOnly.MaxValue)
                .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ValueKind.Time => new TimeOnly(random.NextInt64(0, TimeOnly.MaxValue.Ticks / 10) * 10).ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            ValueKind.Timestamp => Timestamp().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            ValueKind.TimestampTz => Timestamp().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + Offset(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private string PickText<T>(Func<T> usual, params T[] edges)
        where T : IFormattable =>
        Pick(usual, edges).ToString(null, CultureInfo.InvariantCulture);

    private T Pick<T>(Func<T> usual, params T[] edges) => random.Next(6) == 0 ? edges[random.Next(edges.Length)] : usual();

    private string Numeric(int integerDigits, int scale)
    {
        var builder = new StringBuilder();
        if (random.Next(2) == 0) builder.Append('-');
        builder.Append(random.Next(6) == 0 ? new string('9', integerDigits) : Digits(integerDigits).TrimStart('0') is { Length: > 0 } d ? d : "0");
        if (scale > 0) builder.Append('.').Append(Digits(scale));
        return builder.ToString();
    }

    private string Digits(int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++) chars[i] = (char)('0' + random.Next(10));
        return new string(chars);
    }

    private string Text(int pieces)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < pieces; i++) builder.Append(TextPieces[random.Next(TextPieces.Length)]);
        return builder.ToString();
    }

    private string ShortText()
    {
        var text = Text(random.Next(0, 8));
        return text.Length <= 20 ? text : text[..20].TrimEnd('\ud83d', '\ud834');
    }

    /// <summary>Over 8 kB of hard-to-compress text, so PostgreSQL stores it out of line (TOAST).</summary>
    private string LargeText()
    {
        var chars = new char[random.Next(9000, 12000)];
        for (var i = 0; i < chars.Length; i++) chars[i] = (char)random.Next(0x21, 0x7e);
        return new string(chars);
    }

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private string Json() => random.Next(4) switch
    {
        0 => "{}",
        1 => $"{{\"name\": {System.Text.Json.JsonSerializer.Serialize(Text(random.Next(0, 6)))}, \"n\": {random.Next()}, \"nested\": {{\"list\": [1, 2.5, null, true]}}}}",
        2 => "[\"ü\", \"😀\", {\"k\": \"v\"}]",
        _ => $"{random.Next()}",
    };

    private DateTime Timestamp()
    {
        if (random.Next(8) == 0) return random.Next(2) == 0 ? new DateTime(1, 1, 2) : new DateTime(9999, 12, 30, 23, 59, 59).AddTicks(9_999_990);
        var ticks = random.NextInt64(new DateTime(1900, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks);
        return new DateTime(ticks / 10 * 10);
    }

    private string Offset()
    {
        var minutes = random.Next(-12 * 60, 14 * 60 + 1);
        var sign = minutes < 0 ? "-" : "+";
        minutes = Math.Abs(minutes);
        return $"{sign}{minutes / 60:00}:{minutes % 60:00}";
    }
}
