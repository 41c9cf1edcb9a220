using System.Globalization;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// A target column's SQL Server type: the system type's name as <c>sys.types</c> spells it plus its facets.
/// <see cref="Length"/> is characters for char, varchar, nchar and nvarchar, bytes for binary and varbinary, and
/// <see cref="Max"/> for <c>(max)</c>; <see cref="Precision"/> and <see cref="Scale"/> are a decimal's digits, and
/// <see cref="Scale"/> alone the fractional-second digits of time, datetime2 and datetimeoffset.
/// </summary>
internal sealed record SqlColumnType(string Name, int? Length = null, int? Precision = null, int? Scale = null)
{
    public const int Max = -1;

    public static readonly SqlColumnType Bit = new("bit");
    public static readonly SqlColumnType TinyInt = new("tinyint");
    public static readonly SqlColumnType SmallInt = new("smallint");
    public static readonly SqlColumnType Int = new("int");
    public static readonly SqlColumnType BigInt = new("bigint");
    public static readonly SqlColumnType Real = new("real");
    public static readonly SqlColumnType Float = new("float");
    public static readonly SqlColumnType Money = new("money");
    public static readonly SqlColumnType SmallMoney = new("smallmoney");
    public static readonly SqlColumnType UniqueIdentifier = new("uniqueidentifier");
    public static readonly SqlColumnType Date = new("date");
    public static readonly SqlColumnType DateTime = new("datetime");
    public static readonly SqlColumnType SmallDateTime = new("smalldatetime");
    public static readonly SqlColumnType Xml = new("xml");
    public static readonly SqlColumnType HierarchyId = new("hierarchyid");
    public static readonly SqlColumnType Geography = new("geography");
    public static readonly SqlColumnType Geometry = new("geometry");
    public static readonly SqlColumnType Variant = new("sql_variant");
    public static readonly SqlColumnType NVarCharMax = NVarChar(Max);
    public static readonly SqlColumnType VarBinaryMax = VarBinary(Max);

    /// <summary>The bookkeeping columns' type: commit times keep their 100 ns and their offset.</summary>
    public static readonly SqlColumnType CommitTime = DateTimeOffset(7);

    public static SqlColumnType Decimal(int precision, int scale) => new("decimal", null, precision, scale);
    public static SqlColumnType NVarChar(int length) => new("nvarchar", length);
    public static SqlColumnType VarBinary(int length) => new("varbinary", length);
    public static SqlColumnType Time(int scale) => new("time", null, null, scale);
    public static SqlColumnType DateTime2(int scale) => new("datetime2", null, null, scale);
    public static SqlColumnType DateTimeOffset(int scale) => new("datetimeoffset", null, null, scale);

    public bool IsMax => Length == Max;

    /// <summary>decimal and numeric are one type under two names.</summary>
    public bool IsDecimal => Name is "decimal" or "numeric";

    public bool IsCharacter => Name is "char" or "varchar" or "nchar" or "nvarchar" or "text" or "ntext";

    public bool IsUnicode => Name is "nchar" or "nvarchar" or "ntext";

    public bool IsBinary => Name is "binary" or "varbinary" or "image";

    /// <summary>Types whose values travel as text and are built in SQL (<see cref="SqlSpecialValues"/>).</summary>
    public bool IsConvertedInSql => Name is "hierarchyid" or "geography" or "geometry" or "sql_variant";

    /// <summary>Types that have no equality operator (or one that is not exact) and compare as bytes.</summary>
    public bool ComparesAsBytes => IsCharacter || IsBinary || Name is "xml" or "hierarchyid" or "geography" or "geometry";

    /// <summary>The type as written in DDL, e.g. <c>decimal(38,10)</c>, <c>nvarchar(max)</c>, <c>datetime2(7)</c>.</summary>
    public string Sql => Name switch
    {
        "decimal" or "numeric" => $"{Name}({Number(Precision ?? 18)},{Number(Scale ?? 0)})",
        "char" or "varchar" or "nchar" or "nvarchar" or "binary" or "varbinary" => $"{Name}({(IsMax ? "max" : Number(Length ?? 1))})",
        "time" or "datetime2" or "datetimeoffset" => $"{Name}({Number(Scale ?? 7)})",
        _ => Name,
    };

    /// <summary>
    /// The type of a column as <c>sys.columns</c> describes it: <paramref name="maxLength"/> in bytes (two per
    /// character for nchar and nvarchar, -1 for max), <paramref name="precision"/> and <paramref name="scale"/> as
    /// stored there.
    /// </summary>
    public static SqlColumnType FromCatalog(string typeName, int maxLength, int precision, int scale)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        var name = typeName.ToLowerInvariant();
        return name switch
        {
            "decimal" or "numeric" => new SqlColumnType(name, null, precision, scale),
            "char" or "varchar" or "binary" or "varbinary" => new SqlColumnType(name, maxLength == -1 ? Max : maxLength),
            "nchar" or "nvarchar" => new SqlColumnType(name, maxLength == -1 ? Max : maxLength / 2),
            "time" or "datetime2" or "datetimeoffset" => new SqlColumnType(name, null, null, scale),
            // float(24) and below is real; sys.types lists both names, and float columns always have precision 53.
            "float" when precision <= 24 => Real,
            "sysname" => NVarChar(128),
            _ => new SqlColumnType(name),
        };
    }

    public override string ToString() => Sql;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
