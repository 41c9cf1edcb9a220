using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// Values of types the client cannot write directly, which the SQL Server source hands over as text: hierarchyid as
/// its path (<c>/1/2/</c>), geography and geometry as <c>SRID=&lt;srid&gt;;&lt;WKT&gt;</c>, sql_variant as JSON
/// <c>{"type":"&lt;base type with facets&gt;","value":"&lt;invariant text&gt;"}</c>. Each is checked and split into
/// staged parts here (so a malformed value fails naming its column and row), and rebuilt in SQL from those parts
/// (<c>hierarchyid::Parse</c>, <c>STGeomFromText</c> with the SRID, a CAST to the base type and then to sql_variant).
/// </summary>
internal static partial class SqlSpecialValues
{
    public const int DefaultGeographySrid = 4326;
    public const int DefaultGeometrySrid = 0;

    /// <summary>A hierarchyid path, checked for its shape; the server parses the rest.</summary>
    public static string HierarchyPath(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value[0] != '/' || value[^1] != '/')
            throw new ArgumentException($"'{Shorten(value)}' is not a hierarchyid path (it must start and end with '/', e.g. /1/2/).");
        return value;
    }

    /// <summary>Splits <c>SRID=4326;POINT (1 2)</c> into its WKT and SRID; plain WKT gets the type's usual SRID
    /// (4326 for geography, 0 for geometry).</summary>
    public static (string Wkt, int Srid) Spatial(string value, SqlColumnType column)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(column);
        var text = value.AsSpan().Trim();
        if (!text.StartsWith("SRID=", StringComparison.OrdinalIgnoreCase))
        {
            if (text.IsEmpty) throw new ArgumentException($"an empty string is not a {column.Name} value (expected SRID=<srid>;<WKT>).");
            return (text.ToString(), column.Name == "geography" ? DefaultGeographySrid : DefaultGeometrySrid);
        }
        var semicolon = text.IndexOf(';');
        if (semicolon < 0 || !int.TryParse(text[5..semicolon], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var srid) || semicolon == text.Length - 1)
            throw new ArgumentException($"'{Shorten(value)}' is not a {column.Name} value (expected SRID=<srid>;<WKT>, e.g. SRID=4326;POINT (1 2)).");
        return (text[(semicolon + 1)..].Trim().ToString(), srid);
    }

    /// <summary>
    /// Reads a sql_variant's JSON into its base type (canonical, with facets, e.g. <c>decimal(10,2)</c>) and its value
    /// as text the CAST in <see cref="VariantExpression"/> reads exactly.
    /// </summary>
    public static (string Type, string Text) Variant(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        string? typeText = null;
        string? valueText = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ArgumentException($"'{Shorten(json)}' is not a sql_variant (expected {{\"type\":...,\"value\":...}}).");
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("type") && property.Value.ValueKind == JsonValueKind.String) typeText = property.Value.GetString();
                else if (property.NameEquals("value"))
                    valueText = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number => property.Value.GetRawText(),
                        JsonValueKind.True => "1",
                        JsonValueKind.False => "0",
                        _ => null,
                    };
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"'{Shorten(json)}' is not a sql_variant: {e.Message}");
        }
        if (typeText is null || valueText is null)
            throw new ArgumentException($"'{Shorten(json)}' is not a sql_variant (expected {{\"type\":\"<base type>\",\"value\":\"<text>\"}} with both set).");
        var type = VariantType(typeText);
        if (type.IsDecimal && !typeText.Contains('(', StringComparison.Ordinal))
        {
            // A decimal without facets keeps the digits its value has after the point.
            var scale = ScaleOf(valueText);
            type = type with { Scale = Math.Clamp(scale, 0, SqlTypeMapping.MaxDecimalPrecision) };
        }
        return (type.Sql, VariantText(type, valueText));
    }

    /// <summary>The base type of a variant: a SQL Server type that sql_variant can hold, with valid facets.</summary>
    public static SqlColumnType VariantType(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = VariantTypeRegex().Match(text.Trim().ToLowerInvariant());
        if (!match.Success) throw new ArgumentException($"'{Shorten(text)}' is not a base type a sql_variant can hold.");
        var name = match.Groups["name"].Value;
        int? first = match.Groups["first"].Success ? int.Parse(match.Groups["first"].Value, CultureInfo.InvariantCulture) : null;
        int? second = match.Groups["second"].Success ? int.Parse(match.Groups["second"].Value, CultureInfo.InvariantCulture) : null;
        bool Plain() => first is null && second is null;
        SqlColumnType? type = name switch
        {
            "bit" or "tinyint" or "smallint" or "int" or "bigint" or "real" or "float" or "money" or "smallmoney" or "date"
                or "datetime" or "smalldatetime" or "uniqueidentifier" when Plain() => new SqlColumnType(name),
            "decimal" or "numeric" when first is null => new SqlColumnType(name, null, 38, second ?? 0),
            "decimal" or "numeric" when first is >= 1 and <= 38 && (second ?? 0) <= first => new SqlColumnType(name, null, first, second ?? 0),
            "time" or "datetime2" or "datetimeoffset" when second is null && (first ?? 7) <= 7 => new SqlColumnType(name, null, null, first ?? 7),
            "char" or "varchar" or "binary" or "varbinary" when second is null && first is null or (>= 1 and <= 8000) => new SqlColumnType(name, first ?? 8000),
            "nchar" or "nvarchar" when second is null && first is null or (>= 1 and <= 4000) => new SqlColumnType(name, first ?? 4000),
            _ => null,
        };
        return type ?? throw new ArgumentException($"'{Shorten(text)}' is not a base type a sql_variant can hold.");
    }

    /// <summary>Checks <paramref name="text"/> against the base type and writes it the way the CAST reads it exactly.</summary>
    private static string VariantText(SqlColumnType type, string text)
    {
        var invariant = CultureInfo.InvariantCulture;
        string Invalid() => throw new ArgumentException($"'{Shorten(text)}' is not a {type.Sql} value.");
        switch (type.Name)
        {
            case "bit":
                return text.Trim() switch { "1" or "true" or "True" or "TRUE" => "1", "0" or "false" or "False" or "FALSE" => "0", _ => Invalid() };
            case "tinyint" or "smallint" or "int" or "bigint":
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var integer)) return Invalid();
                var (min, max) = type.Name switch { "tinyint" => (0L, 255L), "smallint" => (short.MinValue, (long)short.MaxValue), "int" => (int.MinValue, (long)int.MaxValue), _ => (long.MinValue, long.MaxValue) };
                return integer < min || integer > max ? Invalid() : integer.ToString(invariant);
            case "real" or "float":
                if (!double.TryParse(text, NumberStyles.Float, invariant, out var number) || !double.IsFinite(number)) return Invalid();
                return type.Name == "real" ? ((float)number).ToString("R", invariant) : number.ToString("R", invariant);
            case "decimal" or "numeric":
                return ExactNumber(text, type.Precision!.Value, type.Scale!.Value, type);
            case "money":
                return ExactNumber(text, 19, 4, type);
            case "smallmoney":
                return ExactNumber(text, 10, 4, type);
            case "date":
                return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", invariant, DateTimeStyles.None, out var date) ? date.ToString("yyyy-MM-dd", invariant) : Invalid();
            case "time":
                return TimeOnly.TryParseExact(text.Trim(), ["HH:mm:ss", "HH:mm:ss.FFFFFFF"], invariant, DateTimeStyles.None, out var time) ? time.ToString("HH:mm:ss.fffffff", invariant) : Invalid();
            case "datetime2" or "datetime" or "smalldatetime":
                if (!DateTime.TryParseExact(text.Trim(), ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF"], invariant, DateTimeStyles.None, out var moment)) return Invalid();
                return moment.ToString(type.Name == "datetime2" ? "yyyy-MM-ddTHH:mm:ss.fffffff" : "yyyy-MM-ddTHH:mm:ss.fff", invariant);
            case "datetimeoffset":
                if (!DateTimeOffset.TryParseExact(text.Trim(), ["yyyy-MM-dd HH:mm:ss zzz", "yyyy-MM-dd HH:mm:ss.FFFFFFF zzz", "yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz"], invariant, DateTimeStyles.None, out var offset)) return Invalid();
                return offset.ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz", invariant);
            case "uniqueidentifier":
                return Guid.TryParse(text, out var guid) ? guid.ToString("D") : Invalid();
            case "char" or "varchar" or "nchar" or "nvarchar":
                if (text.Length > type.Length) throw new ArgumentException($"the text is {text.Length} characters long; {type.Sql} holds at most {type.Length}.");
                return text;
            case "binary" or "varbinary":
                var hex = text.Trim();
                if (!hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || hex.Length % 2 != 0 || !IsHex(hex.AsSpan(2))) return Invalid();
                if ((hex.Length - 2) / 2 > type.Length) throw new ArgumentException($"the value is {(hex.Length - 2) / 2} bytes long; {type.Sql} holds at most {type.Length}.");
                return "0x" + hex[2..].ToUpperInvariant();
            default:
                return Invalid();
        }
    }

    private static string ExactNumber(string text, int precision, int scale, SqlColumnType type)
    {
        Numeric value;
        try
        {
            value = Numeric.Parse(text.Trim());
        }
        catch (FormatException)
        {
            throw new ArgumentException($"'{Shorten(text)}' is not a {type.Sql} value.");
        }
        // Checks digits before and after the point exactly as a column of the type would.
        var exact = SqlValueConverter.ToSqlDecimal(value, precision, scale);
        return exact.ToString();
    }

    private static int ScaleOf(string text)
    {
        try
        {
            return Numeric.Parse(text.Trim()).Scale;
        }
        catch (FormatException)
        {
            return 0;
        }
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }

    /// <summary><c>hierarchyid::Parse</c> of the staged path.</summary>
    public static string HierarchyExpression(string path) =>
        $"CASE WHEN {path} IS NULL THEN NULL ELSE hierarchyid::Parse({path}) END";

    /// <summary><c>geography::STGeomFromText</c> (or geometry's) of the staged WKT and SRID.</summary>
    public static string SpatialExpression(SqlColumnType type, string wkt, string srid) =>
        $"CASE WHEN {wkt} IS NULL THEN NULL ELSE {type.Name}::STGeomFromText({wkt}, {srid}) END";

    /// <summary>
    /// The sql_variant built from the staged base type and text: one branch per base type that occurs (the facets
    /// are part of the value, so the branches are generated from the rows at hand), each converting the text to the
    /// base type exactly, then to sql_variant. Dates and times in the legacy types are read in ISO 8601 (style 126),
    /// which no language or DATEFORMAT setting changes; binary values from 0x-prefixed hex (style 1).
    /// </summary>
    public static string VariantExpression(string typeColumn, string textColumn, IEnumerable<string> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var branches = types.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (branches.Count == 0) return "CAST(NULL AS sql_variant)";
        var sql = new System.Text.StringBuilder("CASE ").Append(typeColumn);
        foreach (var spec in branches)
        {
            var type = VariantType(spec);
            var typed = type.Name switch
            {
                "datetime" or "smalldatetime" => $"CONVERT({type.Sql}, {textColumn}, 126)",
                "binary" or "varbinary" => $"CONVERT({type.Sql}, {textColumn}, 1)",
                _ => $"CAST({textColumn} AS {type.Sql})",
            };
            sql.Append(" WHEN ").Append(SqlName.Literal(type.Sql)).Append(" THEN CAST(").Append(typed).Append(" AS sql_variant)");
        }
        return sql.Append(" END").ToString();
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";

    [GeneratedRegex(@"^(?<name>[a-z0-9]+)(?:\((?<first>\d{1,5})(?:,(?<second>\d{1,2}))?\))?$", RegexOptions.CultureInvariant)]
    private static partial Regex VariantTypeRegex();
}
