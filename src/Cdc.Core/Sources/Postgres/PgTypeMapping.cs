using Cdc.Core.Model;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// Maps PostgreSQL types to <see cref="LogicalType"/>. Only types whose every value round-trips exactly are
/// accepted; anything else (arrays, interval, timetz, money, xml, geometric, ranges, composites, domains over those)
/// is refused with a reason, so a table with such a column fails at discovery rather than losing data later.
/// </summary>
internal static class PgTypeMapping
{
    private const int VarHeaderSize = 4;

    public static bool TryMap(PgTypeFacts type, int typmod, out PgColumnType mapped, out string reason)
    {
        ArgumentNullException.ThrowIfNull(type);
        var underlying = type.Underlying;
        var effectiveTypmod = EffectiveTypmod(type, typmod);
        mapped = null!;
        if (!TryMapUnderlying(underlying, effectiveTypmod, out var logical, out var maxLength, out var precision, out var scale, out reason))
        {
            if (type.IsDomain) reason = $"it is a domain over {underlying.Name}, and {reason}";
            return false;
        }

        var castNeeded = logical == LogicalType.Decimal || underlying.IsEnum || underlying.Name is "name" or "citext";
        var selectCast = castNeeded ? "text" : type.IsDomain ? underlying.QualifiedName : null;
        var checkFinite = logical is LogicalType.Date or LogicalType.Timestamp or LogicalType.TimestampTz;
        var orderable = !(underlying.Name == "json" && underlying.Schema == PgTypeFacts.Catalog);
        mapped = new PgColumnType(logical, maxLength, precision, scale, selectCast, checkFinite, orderable);
        return true;
    }

    /// <summary>A column's own modifier wins; otherwise the nearest domain's.</summary>
    private static int EffectiveTypmod(PgTypeFacts type, int typmod)
    {
        for (var current = type; typmod < 0 && current is { IsDomain: true }; current = current.DomainBase)
            typmod = current.DomainTypmod;
        return typmod;
    }

    private static bool TryMapUnderlying(
        PgTypeFacts type, int typmod, out LogicalType logical, out int? maxLength, out int? precision, out int? scale, out string reason)
    {
        maxLength = precision = scale = null;
        reason = "";
        logical = default;
        if (type.IsEnum)
        {
            logical = LogicalType.String;
            return true;
        }
        if (type.Category == 'A')
        {
            reason = "arrays are not supported";
            return false;
        }
        if (type.Name == "citext" && type.Kind == 'b')
        {
            logical = LogicalType.String;
            return true;
        }
        if (type.Schema != PgTypeFacts.Catalog || type.Kind != 'b')
        {
            reason = type.Kind switch
            {
                'c' => "composite types are not supported",
                'r' or 'm' => "range types are not supported",
                'p' => "pseudo-types are not supported",
                _ => $"{type.Name} is not a supported type",
            };
            return false;
        }

        switch (type.Name)
        {
            case "bool": logical = LogicalType.Boolean; return true;
            case "int2": logical = LogicalType.Int16; return true;
            case "int4": logical = LogicalType.Int32; return true;
            case "int8": logical = LogicalType.Int64; return true;
            case "float4": logical = LogicalType.Float32; return true;
            case "float8": logical = LogicalType.Float64; return true;
            case "numeric":
                logical = LogicalType.Decimal;
                if (typmod >= VarHeaderSize)
                {
                    var modifier = typmod - VarHeaderSize;
                    precision = (modifier >> 16) & 0xFFFF;
                    scale = ((modifier & 0x7FF) ^ 1024) - 1024; // an 11-bit signed scale since PostgreSQL 15
                }
                return true;
            case "text" or "name":
                logical = LogicalType.String;
                return true;
            case "varchar" or "bpchar":
                logical = LogicalType.String;
                if (typmod >= VarHeaderSize) maxLength = typmod - VarHeaderSize;
                return true;
            case "bytea": logical = LogicalType.Binary; return true;
            case "uuid": logical = LogicalType.Uuid; return true;
            case "json" or "jsonb": logical = LogicalType.Json; return true;
            case "date": logical = LogicalType.Date; return true;
            case "time" or "timestamp" or "timestamptz":
                logical = type.Name switch { "time" => LogicalType.Time, "timestamp" => LogicalType.Timestamp, _ => LogicalType.TimestampTz };
                if (typmod >= 0) precision = typmod;
                return true;
            default:
                reason = $"{type.Name} is not a supported type";
                return false;
        }
    }
}
