using System.Globalization;
using Cdc.Core.Model;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Maps a SQL Server column to a <see cref="ColumnSchema"/>: its <see cref="LogicalType"/> and, as
/// <see cref="ColumnSchema.SourceType"/>, its exact declaration (<c>decimal(38,10)</c>, <c>nvarchar(max)</c>,
/// <c>datetime2(7)</c>). A type Ingest cannot carry is refused by name, never read as something else.
/// </summary>
public static class SqlServerTypeMapping
{
    /// <summary>The types <see cref="Map(string, string, int, int, int, bool)"/> accepts, for messages.</summary>
    public const string SupportedTypes =
        "bit, tinyint, smallint, int, bigint, decimal, numeric, money, smallmoney, float, real, date, time, datetime, smalldatetime, datetime2, " +
        "datetimeoffset, char, varchar, nchar, nvarchar, text, ntext, binary, varbinary, image, rowversion, uniqueidentifier, xml, json, hierarchyid, " +
        "geography, geometry, sql_variant, and alias types over these";

    /// <param name="column">The column's name, for messages.</param>
    /// <param name="typeName">The system type's name as in <c>sys.types</c> (an alias type resolved to its base type).</param>
    /// <param name="maxLength">As in <c>sys.columns.max_length</c>: bytes (two per character for nchar and nvarchar),
    /// -1 for <c>(max)</c>.</param>
    /// <param name="precision">As in <c>sys.columns.precision</c>.</param>
    /// <param name="scale">As in <c>sys.columns.scale</c>: digits after the point for decimals, fractional-second
    /// digits for time, datetime2 and datetimeoffset.</param>
    /// <exception cref="SourceException">The type cannot be carried; the message names the column and the type.</exception>
    public static ColumnSchema Map(string column, string typeName, int maxLength, int precision, int scale, bool nullable) =>
        Map(null, column, typeName, maxLength, precision, scale, nullable);

    /// <inheritdoc cref="Map(string, string, int, int, int, bool)"/>
    /// <param name="table">The column's table, named in the refusal.</param>
    public static ColumnSchema Map(TableId? table, string column, string typeName, int maxLength, int precision, int scale, bool nullable)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(typeName);
        var type = typeName.ToLowerInvariant();
        ColumnSchema Column(LogicalType logical, string sourceType, int? length = null, int? digits = null, int? decimals = null) =>
            new(column, logical, nullable, length, digits, decimals, sourceType);

        return type switch
        {
            "bit" => Column(LogicalType.Boolean, "bit"),
            "tinyint" => Column(LogicalType.Int16, "tinyint"),
            "smallint" => Column(LogicalType.Int16, "smallint"),
            "int" => Column(LogicalType.Int32, "int"),
            "bigint" => Column(LogicalType.Int64, "bigint"),
            "decimal" or "numeric" => Column(LogicalType.Decimal, $"{type}({Number(precision)},{Number(scale)})", null, precision, scale),
            "money" => Column(LogicalType.Decimal, "money", null, 19, 4),
            "smallmoney" => Column(LogicalType.Decimal, "smallmoney", null, 10, 4),
            "float" => Column(LogicalType.Float64, "float"),
            "real" => Column(LogicalType.Float32, "real"),
            "date" => Column(LogicalType.Date, "date"),
            "time" => Column(LogicalType.Time, $"time({Number(scale)})", null, scale),
            "datetime" => Column(LogicalType.Timestamp, "datetime", null, 3),
            "smalldatetime" => Column(LogicalType.Timestamp, "smalldatetime", null, 0),
            "datetime2" => Column(LogicalType.Timestamp, $"datetime2({Number(scale)})", null, scale),
            "datetimeoffset" => Column(LogicalType.TimestampTz, $"datetimeoffset({Number(scale)})", null, scale),
            "char" or "varchar" or "binary" or "varbinary" => Sized(Column, type, maxLength, 1),
            "nchar" or "nvarchar" => Sized(Column, type, maxLength, 2),
            "sysname" => Column(LogicalType.String, "nvarchar(128)", 128),
            "text" or "ntext" => Column(LogicalType.String, type),
            "image" => Column(LogicalType.Binary, "image"),
            "timestamp" or "rowversion" => Column(LogicalType.Binary, "rowversion", 8),
            "uniqueidentifier" => Column(LogicalType.Uuid, "uniqueidentifier"),
            "xml" => Column(LogicalType.String, "xml"),
            "json" => Column(LogicalType.Json, "json"),
            "hierarchyid" or "geography" or "geometry" => Column(LogicalType.String, type),
            "sql_variant" => Column(LogicalType.Json, "sql_variant"),
            _ => throw Refusal(table, column, typeName, $"it is not a type Ingest can carry (supported: {SupportedTypes})"),
        };
    }

    /// <summary>The base type of a <see cref="ColumnSchema.SourceType"/> this class produced: <c>nvarchar</c> for
    /// <c>nvarchar(50)</c>.</summary>
    public static string BaseType(ColumnSchema column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var declared = column.SourceType
            ?? throw new ArgumentException($"Column '{column.Name}' has no SQL Server source type; it was not discovered from SQL Server.", nameof(column));
        var parenthesis = declared.IndexOf('(', StringComparison.Ordinal);
        return parenthesis < 0 ? declared : declared[..parenthesis];
    }

    /// <summary>A refusal of a column's type, naming the table (when known), the column and the type.</summary>
    public static SourceException Refusal(TableId? table, string column, string typeName, string reason) =>
        new($"Column \"{column}\"{(table is { } t ? $" of table {t}" : "")} has type {typeName}, which cannot be captured: {reason}. " +
            "Exclude the table, or change the column's type.");

    private static ColumnSchema Sized(Func<LogicalType, string, int?, int?, int?, ColumnSchema> column, string type, int maxLength, int bytesPerUnit)
    {
        var logical = type is "binary" or "varbinary" ? LogicalType.Binary : LogicalType.String;
        if (maxLength == -1) return column(logical, $"{type}(max)", null, null, null);
        var length = maxLength / bytesPerUnit;
        return column(logical, $"{type}({Number(length)})", length, null, null);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
