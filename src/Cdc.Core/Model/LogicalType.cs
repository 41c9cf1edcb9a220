namespace Cdc.Core.Model;

/// <summary>
/// The source-independent types a staged value can have. Each maps to exactly one CLR representation
/// (see <see cref="LogicalTypeClr"/>) so that values round-trip without loss between sources, staging and targets.
/// </summary>
public enum LogicalType : byte
{
    Boolean = 1,
    Int16 = 2,
    Int32 = 3,
    Int64 = 4,
    Float32 = 5,
    Float64 = 6,

    /// <summary>Exact decimal of any precision, carried as a <see cref="Numeric"/>.</summary>
    Decimal = 7,

    String = 8,
    Binary = 9,
    Uuid = 10,

    /// <summary>JSON document text, carried verbatim as a string.</summary>
    Json = 11,

    Date = 12,

    /// <summary>Time of day with 100 ns resolution (<see cref="TimeOnly"/>).</summary>
    Time = 13,

    /// <summary>Date and time without offset, 100 ns resolution (<see cref="DateTime"/>, kind unspecified).</summary>
    Timestamp = 14,

    /// <summary>Date and time with its UTC offset, 100 ns resolution (<see cref="DateTimeOffset"/>).</summary>
    TimestampTz = 15,
}

/// <summary>The CLR type that carries each <see cref="LogicalType"/> in memory.</summary>
public static class LogicalTypeClr
{
    public static Type ClrTypeOf(LogicalType type) => type switch
    {
        LogicalType.Boolean => typeof(bool),
        LogicalType.Int16 => typeof(short),
        LogicalType.Int32 => typeof(int),
        LogicalType.Int64 => typeof(long),
        LogicalType.Float32 => typeof(float),
        LogicalType.Float64 => typeof(double),
        LogicalType.Decimal => typeof(Numeric),
        LogicalType.String => typeof(string),
        LogicalType.Binary => typeof(byte[]),
        LogicalType.Uuid => typeof(Guid),
        LogicalType.Json => typeof(string),
        LogicalType.Date => typeof(DateOnly),
        LogicalType.Time => typeof(TimeOnly),
        LogicalType.Timestamp => typeof(DateTime),
        LogicalType.TimestampTz => typeof(DateTimeOffset),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown logical type."),
    };
}
