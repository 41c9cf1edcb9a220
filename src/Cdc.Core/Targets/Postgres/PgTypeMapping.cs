using Cdc.Core.Model;

namespace Cdc.Core.Targets.Postgres;

/// <summary>How a column's target type relates to the type a newer batch asks for.</summary>
internal enum PgTypeChange
{
    /// <summary>Same type: nothing to do.</summary>
    Same,

    /// <summary>The new type holds every value of the old one exactly: <c>ALTER COLUMN ... TYPE</c> follows it.</summary>
    Widening,

    /// <summary>Some values of one type do not fit the other (narrowing, or unrelated types): a full refresh is needed.</summary>
    Incompatible,
}

/// <summary>
/// Maps logical types to PostgreSQL column types and decides which type changes the target can follow.
/// </summary>
/// <remarks>
/// Temporal values: PostgreSQL keeps microseconds, while logical times carry 100 ns ticks. The server rounds extra
/// digits of text input to the nearest microsecond; the binary writer here (<see cref="PgTemporalBinary"/>) does the
/// same rounding itself. timestamptz stores the instant (UTC), not the offset: a value written with +02:00 reads
/// back as the same instant with offset 0. json (not jsonb) is used because it keeps the document text exactly,
/// while jsonb reorders keys, drops duplicates and normalises whitespace and numbers.
/// </remarks>
internal static class PgTypeMapping
{
    /// <summary>PostgreSQL's largest declarable numeric precision; beyond it (or when none is declared) the column is
    /// an unconstrained <c>numeric</c>, which keeps any value exactly.</summary>
    public const int MaxNumericPrecision = 1000;

    public static PgColumnType ColumnTypeOf(ColumnSchema column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Type switch
        {
            LogicalType.Boolean => PgColumnType.Boolean,
            LogicalType.Int16 => PgColumnType.SmallInt,
            LogicalType.Int32 => PgColumnType.Integer,
            LogicalType.Int64 => PgColumnType.BigInt,
            LogicalType.Float32 => PgColumnType.Real,
            LogicalType.Float64 => PgColumnType.DoublePrecision,
            LogicalType.Decimal => DecimalType(column.Precision, column.Scale),
            LogicalType.String => PgColumnType.Text,
            LogicalType.Binary => PgColumnType.Bytea,
            LogicalType.Uuid => PgColumnType.Uuid,
            LogicalType.Json => PgColumnType.Json,
            LogicalType.Date => PgColumnType.Date,
            LogicalType.Time => PgColumnType.Time,
            LogicalType.Timestamp => PgColumnType.Timestamp,
            LogicalType.TimestampTz => PgColumnType.TimestampTz,
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, $"Column '{column.Name}' has an unknown logical type."),
        };
    }

    private static PgColumnType DecimalType(int? precision, int? scale)
    {
        if (precision is not { } p || p < 1 || p > MaxNumericPrecision) return PgColumnType.UnboundedNumeric;
        var s = scale ?? 0;
        // Negative scales and scales above the precision are legal in PostgreSQL 15 but unusual; an unconstrained
        // numeric keeps such values exactly without relying on them.
        return s < 0 || s > p ? PgColumnType.UnboundedNumeric : PgColumnType.Numeric(p, s);
    }

    /// <summary>Classifies moving a column from <paramref name="current"/> to <paramref name="wanted"/>.</summary>
    public static PgTypeChange Classify(PgColumnType current, PgColumnType wanted)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(wanted);
        if (current == wanted) return PgTypeChange.Same;
        return IsWidening(current, wanted) ? PgTypeChange.Widening : PgTypeChange.Incompatible;
    }

    private static bool IsWidening(PgColumnType from, PgColumnType to)
    {
        if (IntegerDigits(from.TypeName) is { } fromDigits)
        {
            if (IntegerDigits(to.TypeName) is { } toDigits) return toDigits > fromDigits;
            if (to.TypeName == "numeric") return to.Precision is not { } p || p - (to.Scale ?? 0) >= fromDigits;
            // float4 holds every int2 exactly (24-bit mantissa); float8 holds every int2 and int4 (53 bits).
            if (to.TypeName == "float4") return from.TypeName == "int2";
            if (to.TypeName == "float8") return from.TypeName is "int2" or "int4";
            return false;
        }
        return from.TypeName switch
        {
            "float4" => to.TypeName == "float8",
            "numeric" when to.TypeName == "numeric" => NumericWidens(from, to),
            _ => false,
        };
    }

    private static bool NumericWidens(PgColumnType from, PgColumnType to)
    {
        if (to.Precision is null) return true;
        if (from.Precision is null) return false;
        int fromScale = from.Scale ?? 0, toScale = to.Scale ?? 0;
        return toScale >= fromScale && to.Precision.Value - toScale >= from.Precision.Value - fromScale;
    }

    /// <summary>Decimal digits every value of an integer type fits in, or null for non-integers.</summary>
    private static int? IntegerDigits(string typeName) => typeName switch
    {
        "int2" => 5,
        "int4" => 10,
        "int8" => 19,
        _ => null,
    };
}
