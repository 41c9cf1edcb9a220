using System.Globalization;
using System.Text.RegularExpressions;
using Cdc.Core.Model;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>How a column's target type relates to the type a newer batch asks for.</summary>
internal enum SqlTypeChange
{
    /// <summary>Same type: nothing to do.</summary>
    Same,

    /// <summary>The new type holds every value of the old one exactly: <c>ALTER COLUMN</c> follows it.</summary>
    Widening,

    /// <summary>Some values of one type do not fit the other (narrowing, or unrelated types): a full refresh is needed.</summary>
    Incompatible,
}

/// <summary>
/// Maps columns to SQL Server column types and decides which type changes the target can follow.
/// </summary>
/// <remarks>
/// A column read from SQL Server carries its declaration in <see cref="ColumnSchema.SourceType"/>
/// (<c>datetime2(3)</c>, <c>money</c>, <c>hierarchyid</c>): it is recreated as declared when the name is a SQL Server
/// type and the logical type is the one the SQL Server source gives it, so a PostgreSQL column whose type name
/// happens to be a SQL Server name (<c>text</c>, <c>json</c>, <c>date</c>) is not misread. text and ntext become
/// nvarchar(max) and image varbinary(max) (the deprecated types have no comparison or string functions), json
/// becomes nvarchar(max) (PostgreSQL's json has the same name), and rowversion becomes binary(8), since a rowversion
/// column cannot be written. Everything else maps from its logical type.
/// </remarks>
internal static partial class SqlTypeMapping
{
    /// <summary>SQL Server's largest decimal precision.</summary>
    public const int MaxDecimalPrecision = 38;

    /// <summary>Scale for a decimal whose source declares no precision (PostgreSQL's unconstrained numeric). A value
    /// with more digits after the point is refused rather than rounded.</summary>
    public const int UnboundedDecimalScale = 10;

    public const int MaxCharacters = 4000;
    public const int MaxBytes = 8000;

    public static SqlColumnType ColumnTypeOf(ColumnSchema column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return FromSourceType(column) ?? FromLogicalType(column);
    }

    /// <summary>The type the source's own SQL Server declaration asks for, or null when it names no SQL Server type
    /// that fits the column's logical type.</summary>
    public static SqlColumnType? FromSourceType(ColumnSchema column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.SourceType is null) return null;
        var match = SourceTypeRegex().Match(column.SourceType.Trim().ToLowerInvariant());
        if (!match.Success) return null;
        var name = match.Groups["name"].Value;
        var args = match.Groups["args"].Success
            ? match.Groups["args"].Value.Split(',').Select(a => a.Trim()).ToArray()
            : [];
        var logical = column.Type;
        var integer = logical is LogicalType.Int16 or LogicalType.Int32 or LogicalType.Int64;
        var text = logical is LogicalType.String;
        var binary = logical is LogicalType.Binary;
        return name switch
        {
            "bit" when logical is LogicalType.Boolean && args.Length == 0 => SqlColumnType.Bit,
            "tinyint" when integer && args.Length == 0 => SqlColumnType.TinyInt,
            "smallint" when integer && args.Length == 0 => SqlColumnType.SmallInt,
            "int" when integer && args.Length == 0 => SqlColumnType.Int,
            "bigint" when integer && args.Length == 0 => SqlColumnType.BigInt,
            "real" when logical is LogicalType.Float32 or LogicalType.Float64 && args.Length == 0 => SqlColumnType.Real,
            "float" when logical is LogicalType.Float32 or LogicalType.Float64 => FloatOf(args),
            "decimal" or "numeric" when logical is LogicalType.Decimal => DecimalOf(name, args, column),
            "money" when logical is LogicalType.Decimal && args.Length == 0 => SqlColumnType.Money,
            "smallmoney" when logical is LogicalType.Decimal && args.Length == 0 => SqlColumnType.SmallMoney,
            "char" or "varchar" when text => SizedOf(name, args, column.MaxLength, MaxBytes),
            "nchar" or "nvarchar" when text || (name == "nvarchar" && logical is LogicalType.Json) => SizedOf(name, args, column.MaxLength, MaxCharacters),
            "binary" or "varbinary" when binary => SizedOf(name, args, column.MaxLength, MaxBytes),
            "text" or "ntext" when text && args.Length == 0 => SqlColumnType.NVarCharMax,
            "sysname" when text && args.Length == 0 => SqlColumnType.NVarChar(128),
            "image" when binary && args.Length == 0 => SqlColumnType.VarBinaryMax,
            "rowversion" or "timestamp" when binary && args.Length == 0 => new SqlColumnType("binary", 8),
            "uniqueidentifier" when logical is LogicalType.Uuid && args.Length == 0 => SqlColumnType.UniqueIdentifier,
            "date" when logical is LogicalType.Date && args.Length == 0 => SqlColumnType.Date,
            "time" when logical is LogicalType.Time => FractionalOf(name, args, column.Precision),
            "datetime2" when logical is LogicalType.Timestamp => FractionalOf(name, args, column.Precision),
            "datetimeoffset" when logical is LogicalType.TimestampTz => FractionalOf(name, args, column.Precision),
            "datetime" when logical is LogicalType.Timestamp && args.Length == 0 => SqlColumnType.DateTime,
            "smalldatetime" when logical is LogicalType.Timestamp && args.Length == 0 => SqlColumnType.SmallDateTime,
            "xml" when (text || logical is LogicalType.Json) && args.Length == 0 => SqlColumnType.Xml,
            "hierarchyid" when text && args.Length == 0 => SqlColumnType.HierarchyId,
            "geography" when text && args.Length == 0 => SqlColumnType.Geography,
            "geometry" when text && args.Length == 0 => SqlColumnType.Geometry,
            "sql_variant" when (text || logical is LogicalType.Json) && args.Length == 0 => SqlColumnType.Variant,
            _ => null,
        };
    }

    public static SqlColumnType FromLogicalType(ColumnSchema column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Type switch
        {
            LogicalType.Boolean => SqlColumnType.Bit,
            LogicalType.Int16 => SqlColumnType.SmallInt,
            LogicalType.Int32 => SqlColumnType.Int,
            LogicalType.Int64 => SqlColumnType.BigInt,
            LogicalType.Float32 => SqlColumnType.Real,
            LogicalType.Float64 => SqlColumnType.Float,
            LogicalType.Decimal => DecimalType(column.Precision, column.Scale),
            LogicalType.String => column.MaxLength is >= 1 and <= MaxCharacters ? SqlColumnType.NVarChar(column.MaxLength.Value) : SqlColumnType.NVarCharMax,
            LogicalType.Binary => column.MaxLength is >= 1 and <= MaxBytes ? SqlColumnType.VarBinary(column.MaxLength.Value) : SqlColumnType.VarBinaryMax,
            LogicalType.Uuid => SqlColumnType.UniqueIdentifier,
            LogicalType.Json => SqlColumnType.NVarCharMax,
            LogicalType.Date => SqlColumnType.Date,
            // Logical times carry 100 ns ticks: scale 7 keeps all of them.
            LogicalType.Time => SqlColumnType.Time(7),
            LogicalType.Timestamp => SqlColumnType.DateTime2(7),
            LogicalType.TimestampTz => SqlColumnType.DateTimeOffset(7),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, $"Column '{column.Name}' has an unknown logical type."),
        };
    }

    /// <summary>A decimal of the declared precision and scale; beyond 38 digits the scale is kept (no value is ever
    /// rounded) and the digits before the point shrink, so larger values are refused with a clear error.</summary>
    private static SqlColumnType DecimalType(int? precision, int? scale)
    {
        var s = scale ?? 0;
        if (precision is not { } p || s < 0 || s > MaxDecimalPrecision || s > p) return SqlColumnType.Decimal(MaxDecimalPrecision, UnboundedDecimalScale);
        return SqlColumnType.Decimal(Math.Clamp(p, 1, MaxDecimalPrecision), s);
    }

    private static SqlColumnType? FloatOf(string[] args)
    {
        if (args.Length == 0) return SqlColumnType.Float;
        if (args.Length != 1 || !TryNumber(args[0], out var bits) || bits is < 1 or > 53) return null;
        return bits <= 24 ? SqlColumnType.Real : SqlColumnType.Float;
    }

    private static SqlColumnType? DecimalOf(string name, string[] args, ColumnSchema column)
    {
        int precision, scale;
        if (args.Length is 1 or 2)
        {
            if (!TryNumber(args[0], out precision)) return null;
            scale = 0;
            if (args.Length == 2 && !TryNumber(args[1], out scale)) return null;
        }
        else if (args.Length == 0 && column.Precision is { } p)
        {
            (precision, scale) = (p, column.Scale ?? 0);
        }
        else
        {
            return null;
        }
        if (precision is < 1 or > MaxDecimalPrecision || scale < 0 || scale > precision) return null;
        return new SqlColumnType(name, null, precision, scale);
    }

    private static SqlColumnType? SizedOf(string name, string[] args, int? maxLength, int limit)
    {
        int length;
        if (args.Length == 1 && args[0] == "max")
        {
            if (name is "char" or "nchar" or "binary") return null;
            length = SqlColumnType.Max;
        }
        else if (args.Length == 1)
        {
            if (!TryNumber(args[0], out length) || length < 1 || length > limit) return null;
        }
        else if (args.Length == 0 && maxLength is >= 1 && maxLength <= limit)
        {
            length = maxLength.Value;
        }
        else if (args.Length == 0 && name is "varchar" or "nvarchar" or "varbinary")
        {
            length = SqlColumnType.Max;
        }
        else
        {
            return null;
        }
        return new SqlColumnType(name, length);
    }

    private static SqlColumnType? FractionalOf(string name, string[] args, int? precision)
    {
        int scale;
        if (args.Length == 1)
        {
            if (!TryNumber(args[0], out scale)) return null;
        }
        else if (args.Length == 0)
        {
            scale = precision ?? 7;
        }
        else
        {
            return null;
        }
        return scale is < 0 or > 7 ? null : new SqlColumnType(name, null, null, scale);
    }

    private static bool TryNumber(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Classifies moving a column from <paramref name="current"/> to <paramref name="wanted"/>.</summary>
    public static SqlTypeChange Classify(SqlColumnType current, SqlColumnType wanted)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(wanted);
        if (Canonical(current) == Canonical(wanted)) return SqlTypeChange.Same;
        return IsWidening(Canonical(current), Canonical(wanted)) ? SqlTypeChange.Widening : SqlTypeChange.Incompatible;
    }

    private static SqlColumnType Canonical(SqlColumnType type) => type.IsDecimal ? type with { Name = "decimal" } : type;

    private static bool IsWidening(SqlColumnType from, SqlColumnType to)
    {
        if (IntegerDigits(from.Name) is { } digits)
        {
            if (IntegerRank(to.Name) is { } toRank) return toRank > IntegerRank(from.Name);
            if (to.IsDecimal) return to.Precision!.Value - to.Scale!.Value >= digits;
            // real holds every integer up to 2^24 exactly, float up to 2^53.
            if (to.Name == "real") return from.Name is "tinyint" or "smallint";
            if (to.Name == "float") return from.Name is "tinyint" or "smallint" or "int";
            return false;
        }
        return from.Name switch
        {
            "real" => to.Name == "float",
            "decimal" when to.IsDecimal => to.Scale >= from.Scale && to.Precision - to.Scale >= from.Precision - from.Scale,
            "smallmoney" => to.Name == "money" || (to.IsDecimal && to.Scale >= 4 && to.Precision - to.Scale >= 6),
            "money" => to.IsDecimal && to.Scale >= 4 && to.Precision - to.Scale >= 15,
            "varchar" => to.Name is "varchar" or "nvarchar" && Longer(from, to, orEqual: to.Name == "nvarchar"),
            "nvarchar" => to.Name == "nvarchar" && Longer(from, to, orEqual: false),
            "char" or "nchar" or "varbinary" => to.Name == from.Name && Longer(from, to, orEqual: false),
            "time" or "datetime2" or "datetimeoffset" => to.Name == from.Name && to.Scale > from.Scale,
            "smalldatetime" => to.Name is "datetime" or "datetime2",
            // datetime keeps 1/300 s; datetime2(3) and above is what SQL Server converts it to without loss of meaning.
            "datetime" => to.Name == "datetime2" && to.Scale >= 3,
            _ => false,
        };
    }

    private static bool Longer(SqlColumnType from, SqlColumnType to, bool orEqual)
    {
        if (from.IsMax) return orEqual && to.IsMax;
        if (to.IsMax) return true;
        return orEqual ? to.Length >= from.Length : to.Length > from.Length;
    }

    /// <summary>Decimal digits every value of an integer type fits in, or null for non-integers.</summary>
    private static int? IntegerDigits(string name) => name switch
    {
        "tinyint" => 3,
        "smallint" => 5,
        "int" => 10,
        "bigint" => 19,
        _ => null,
    };

    private static int? IntegerRank(string name) => name switch
    {
        "tinyint" => 1,
        "smallint" => 2,
        "int" => 3,
        "bigint" => 4,
        _ => null,
    };

    [GeneratedRegex(@"^(?<name>[a-z_][a-z0-9_]*)\s*(?:\((?<args>[^()]*)\))?$", RegexOptions.CultureInvariant)]
    private static partial Regex SourceTypeRegex();
}
