using System.Globalization;
using Cdc.Core.Model;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// Parses PostgreSQL's text output of a value (as pgoutput sends it) into the CLR representation of its
/// <see cref="LogicalType"/>. The replication session runs with DateStyle ISO, TimeZone UTC, bytea_output hex and
/// extra_float_digits 3, but offsets other than +00 and escape-format bytea are understood too. Values without an
/// exact CLR counterpart (numeric NaN, ±infinity dates, years outside 1-9999, 24:00:00) fail with
/// <see cref="FormatException"/> saying why.
/// </summary>
internal static class PgTextValueParser
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static object Parse(LogicalType type, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return type switch
        {
            LogicalType.Boolean => ParseBoolean(text),
            LogicalType.Int16 => short.Parse(text, NumberStyles.AllowLeadingSign, Invariant),
            LogicalType.Int32 => int.Parse(text, NumberStyles.AllowLeadingSign, Invariant),
            LogicalType.Int64 => long.Parse(text, NumberStyles.AllowLeadingSign, Invariant),
            LogicalType.Float32 => float.Parse(text, NumberStyles.Float, Invariant),
            LogicalType.Float64 => double.Parse(text, NumberStyles.Float, Invariant),
            LogicalType.Decimal => ParseDecimal(text),
            LogicalType.String or LogicalType.Json => text,
            LogicalType.Binary => ParseBytea(text),
            LogicalType.Uuid => Guid.ParseExact(text, "D"),
            LogicalType.Date => ParseDate(text),
            LogicalType.Time => ParseTime(text),
            LogicalType.Timestamp => ParseTimestamp(text, withOffset: false).DateTime,
            LogicalType.TimestampTz => ParseTimestamp(text, withOffset: true),
            _ => throw new FormatException($"Values of logical type {type} cannot be parsed."),
        };
    }

    private static bool ParseBoolean(string text) => text switch
    {
        "t" or "true" => true,
        "f" or "false" => false,
        _ => throw new FormatException($"'{text}' is not a boolean."),
    };

    private static Numeric ParseDecimal(string text)
    {
        if (text is "NaN" or "Infinity" or "-Infinity")
            throw new FormatException($"numeric value {text} has no exact decimal representation.");
        return Numeric.Parse(text);
    }

    private static byte[] ParseBytea(string text)
    {
        if (text.StartsWith("\\x", StringComparison.Ordinal)) return Convert.FromHexString(text.AsSpan(2));
        // Escape format: printable bytes as themselves, '\\' for a backslash, '\ooo' (octal) for the rest.
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\')
            {
                if (c > 0xFF) throw new FormatException("Escape-format bytea holds a character beyond one byte.");
                bytes.Add((byte)c);
            }
            else if (i + 1 < text.Length && text[i + 1] == '\\')
            {
                bytes.Add((byte)'\\');
                i++;
            }
            else if (i + 3 < text.Length && IsOctal(text[i + 1]) && IsOctal(text[i + 2]) && IsOctal(text[i + 3]))
            {
                bytes.Add((byte)(((text[i + 1] - '0') << 6) | ((text[i + 2] - '0') << 3) | (text[i + 3] - '0')));
                i += 3;
            }
            else
            {
                throw new FormatException($"Invalid escape in bytea at offset {i}.");
            }
        }
        return [.. bytes];

        static bool IsOctal(char c) => c is >= '0' and <= '7';
    }

    private static DateOnly ParseDate(string text)
    {
        RejectSpecial(text);
        var span = text.AsSpan();
        var date = ParseDatePart(text, span, out var consumed);
        if (consumed != span.Length) throw Invalid(text, "date");
        return date;
    }

    private static TimeOnly ParseTime(string text)
    {
        var ticks = ParseTimeOfDay(text, text.AsSpan(), out var consumed);
        if (consumed != text.Length) throw Invalid(text, "time");
        return new TimeOnly(ticks);
    }

    private static DateTimeOffset ParseTimestamp(string text, bool withOffset)
    {
        RejectSpecial(text);
        var span = text.AsSpan();
        var date = ParseDatePart(text, span, out var consumed);
        if (consumed >= span.Length || span[consumed] is not (' ' or 'T')) throw Invalid(text, "timestamp");
        var rest = span[(consumed + 1)..];
        var ticks = ParseTimeOfDay(text, rest, out var timeLength);
        rest = rest[timeLength..];
        var offset = TimeSpan.Zero;
        if (withOffset)
        {
            offset = ParseOffset(text, rest);
        }
        else if (!rest.IsEmpty)
        {
            throw Invalid(text, "timestamp");
        }

        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified).AddTicks(ticks);
        if (!withOffset) return new DateTimeOffset(local, TimeSpan.Zero);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
            throw new FormatException($"Timestamp '{text}' is outside the years 1-9999 in UTC.");
        return new DateTimeOffset(utcTicks, TimeSpan.Zero);
    }

    /// <summary>yyyy-MM-dd at the start of <paramref name="span"/>; rejects BC dates and years past 9999.</summary>
    private static DateOnly ParseDatePart(string text, ReadOnlySpan<char> span, out int consumed)
    {
        if (text.EndsWith(" BC", StringComparison.Ordinal))
            throw new FormatException($"'{text}' is before the year 1, which has no CLR date value.");
        var yearDigits = 0;
        while (yearDigits < span.Length && char.IsAsciiDigit(span[yearDigits])) yearDigits++;
        if (yearDigits > 4) throw new FormatException($"'{text}' is after the year 9999, which has no CLR date value.");
        if (yearDigits != 4 || span.Length < 10 || span[4] != '-' || span[7] != '-') throw Invalid(text, "date");
        var year = Digits(text, span[..4]);
        var month = Digits(text, span.Slice(5, 2));
        var day = Digits(text, span.Slice(8, 2));
        consumed = 10;
        try
        {
            return new DateOnly(year, month, day);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Invalid(text, "date");
        }
    }

    /// <summary>HH:mm:ss with an optional fraction of up to 7 digits, as ticks since midnight.</summary>
    private static long ParseTimeOfDay(string text, ReadOnlySpan<char> span, out int consumed)
    {
        if (span.Length < 8 || span[2] != ':' || span[5] != ':') throw Invalid(text, "time");
        var hours = Digits(text, span[..2]);
        var minutes = Digits(text, span.Slice(3, 2));
        var seconds = Digits(text, span.Slice(6, 2));
        if (hours == 24 && minutes == 0 && seconds == 0)
            throw new FormatException($"'{text}' holds 24:00:00, which has no TimeOnly value.");
        if (hours > 23 || minutes > 59 || seconds > 59) throw Invalid(text, "time");
        long ticks = (((hours * 60L) + minutes) * 60L + seconds) * TimeSpan.TicksPerSecond;
        consumed = 8;
        if (consumed < span.Length && span[consumed] == '.')
        {
            var start = ++consumed;
            while (consumed < span.Length && char.IsAsciiDigit(span[consumed])) consumed++;
            var digits = consumed - start;
            if (digits is 0 or > 7) throw Invalid(text, "time");
            var fraction = Digits(text, span[start..consumed]);
            for (var i = digits; i < 7; i++) fraction *= 10;
            ticks += fraction;
        }
        return ticks;
    }

    /// <summary>+HH, +HH:MM or +HH:MM:SS (or with '-').</summary>
    private static TimeSpan ParseOffset(string text, ReadOnlySpan<char> span)
    {
        if (span.Length is not (3 or 6 or 9) || span[0] is not ('+' or '-')
            || (span.Length >= 6 && span[3] != ':') || (span.Length == 9 && span[6] != ':'))
            throw Invalid(text, "timestamp with time zone");
        var hours = Digits(text, span.Slice(1, 2));
        var minutes = span.Length >= 6 ? Digits(text, span.Slice(4, 2)) : 0;
        var seconds = span.Length == 9 ? Digits(text, span.Slice(7, 2)) : 0;
        var offset = new TimeSpan(hours, minutes, seconds);
        return span[0] == '-' ? -offset : offset;
    }

    private static int Digits(string text, ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c)) throw new FormatException($"'{text}' is not a valid date or time value.");
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void RejectSpecial(string text)
    {
        if (text is "infinity" or "-infinity")
            throw new FormatException($"'{text}' has no CLR date or time value.");
    }

    private static FormatException Invalid(string text, string what) => new($"'{text}' is not a valid {what}.");
}
