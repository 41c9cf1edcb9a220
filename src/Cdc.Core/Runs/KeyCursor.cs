using System.Globalization;
using System.Text.Json;
using Cdc.Core.Model;

namespace Cdc.Core.Runs;

/// <summary>
/// The last key a snapshot chunk read, as JSON, so a snapshot resumes after it. Each key value is a string in an
/// exact, type-specific form (ticks, not formatted dates; base64 for binary), so the cursor never rounds a key.
/// </summary>
public static class KeyCursor
{
    public static string Encode(TableSchema schema, object?[] row)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(row);
        var parts = new string?[schema.KeyOrdinals.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            var ordinal = schema.KeyOrdinals[i];
            parts[i] = EncodeValue(schema.Columns[ordinal], row[ordinal]);
        }
        return JsonSerializer.Serialize(parts);
    }

    public static object?[] Decode(TableSchema schema, string cursor)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var parts = JsonSerializer.Deserialize<string?[]>(cursor)
            ?? throw new FormatException($"Snapshot cursor of {schema.Table} is empty.");
        if (parts.Length != schema.KeyOrdinals.Count)
            throw new FormatException($"Snapshot cursor of {schema.Table} has {parts.Length} key values; the key has {schema.KeyOrdinals.Count} columns.");
        var values = new object?[parts.Length];
        for (var i = 0; i < parts.Length; i++) values[i] = DecodeValue(schema.Columns[schema.KeyOrdinals[i]], parts[i]);
        return values;
    }

    private static string? EncodeValue(ColumnSchema column, object? value) => value switch
    {
        null => null,
        bool b => b ? "1" : "0",
        short or int or long => Convert.ToString(value, CultureInfo.InvariantCulture),
        float f => BitConverter.SingleToInt32Bits(f).ToString(CultureInfo.InvariantCulture),
        double d => BitConverter.DoubleToInt64Bits(d).ToString(CultureInfo.InvariantCulture),
        Numeric n => n.ToString(),
        string s => s,
        byte[] bytes => Convert.ToBase64String(bytes),
        Guid g => g.ToString("D"),
        DateOnly date => date.DayNumber.ToString(CultureInfo.InvariantCulture),
        TimeOnly time => time.Ticks.ToString(CultureInfo.InvariantCulture),
        DateTime dt => dt.Ticks.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset dto => $"{dto.Ticks.ToString(CultureInfo.InvariantCulture)}|{dto.Offset.Ticks.ToString(CultureInfo.InvariantCulture)}",
        _ => throw new ArgumentException($"Key column '{column.Name}' holds a {value.GetType().Name}, which a snapshot cursor cannot carry."),
    };

    private static object? DecodeValue(ColumnSchema column, string? text)
    {
        if (text is null) return null;
        var inv = CultureInfo.InvariantCulture;
        return column.Type switch
        {
            LogicalType.Boolean => text == "1",
            LogicalType.Int16 => short.Parse(text, inv),
            LogicalType.Int32 => int.Parse(text, inv),
            LogicalType.Int64 => long.Parse(text, inv),
            LogicalType.Float32 => BitConverter.Int32BitsToSingle(int.Parse(text, inv)),
            LogicalType.Float64 => BitConverter.Int64BitsToDouble(long.Parse(text, inv)),
            LogicalType.Decimal => Numeric.Parse(text),
            LogicalType.String or LogicalType.Json => text,
            LogicalType.Binary => Convert.FromBase64String(text),
            LogicalType.Uuid => Guid.Parse(text),
            LogicalType.Date => DateOnly.FromDayNumber(int.Parse(text, inv)),
            LogicalType.Time => new TimeOnly(long.Parse(text, inv)),
            LogicalType.Timestamp => new DateTime(long.Parse(text, inv), DateTimeKind.Unspecified),
            LogicalType.TimestampTz => DecodeOffset(text),
            _ => throw new FormatException($"Key column '{column.Name}' has type {column.Type}, which a snapshot cursor cannot carry."),
        };
    }

    private static DateTimeOffset DecodeOffset(string text)
    {
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        return new DateTimeOffset(long.Parse(text[..bar], CultureInfo.InvariantCulture), TimeSpan.FromTicks(long.Parse(text[(bar + 1)..], CultureInfo.InvariantCulture)));
    }
}
