using Cdc.Core.Model;
using Npgsql;

namespace Cdc.Core.Sources.Postgres;

/// <summary>Typed readers that turn a snapshot column into its <see cref="LogicalTypeClr"/> value, chosen once per
/// column so that the row loop does no per-value type dispatch.</summary>
internal static class PgColumnReaders
{
    public static Func<NpgsqlDataReader, int, object> For(LogicalType type) => type switch
    {
        LogicalType.Boolean => static (r, i) => r.GetBoolean(i),
        LogicalType.Int16 => static (r, i) => r.GetInt16(i),
        LogicalType.Int32 => static (r, i) => r.GetInt32(i),
        LogicalType.Int64 => static (r, i) => r.GetInt64(i),
        LogicalType.Float32 => static (r, i) => r.GetFloat(i),
        LogicalType.Float64 => static (r, i) => r.GetDouble(i),
        // Read as text (the SELECT casts it) so that no digit is lost on the way.
        LogicalType.Decimal => static (r, i) => ParseNumeric(r.GetFieldValue<string>(i)),
        LogicalType.String or LogicalType.Json => static (r, i) => r.GetFieldValue<string>(i),
        LogicalType.Binary => static (r, i) => r.GetFieldValue<byte[]>(i),
        LogicalType.Uuid => static (r, i) => r.GetGuid(i),
        LogicalType.Date => static (r, i) => r.GetFieldValue<DateOnly>(i),
        LogicalType.Time => static (r, i) => r.GetFieldValue<TimeOnly>(i),
        LogicalType.Timestamp => static (r, i) => DateTime.SpecifyKind(r.GetFieldValue<DateTime>(i), DateTimeKind.Unspecified),
        LogicalType.TimestampTz => static (r, i) => r.GetFieldValue<DateTimeOffset>(i),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown logical type."),
    };

    private static Numeric ParseNumeric(string text) =>
        text is "NaN" or "Infinity" or "-Infinity"
            ? throw new FormatException($"numeric value {text} has no exact decimal representation")
            : Numeric.Parse(text);
}
