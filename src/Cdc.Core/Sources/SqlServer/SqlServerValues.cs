using System.Data.Common;
using System.Data.SqlTypes;
using System.Numerics;
using System.Text.Json;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// How each SQL Server column is selected and read into its <see cref="LogicalTypeClr"/> value. Types the client
/// cannot hand over faithfully are converted in the statement: hierarchyid to its path, geography and geometry to
/// <c>SRID=&lt;srid&gt;;</c> and WKT with Z and M, xml and json to text, sql_variant to its base type and invariant text.
/// </summary>
public static class SqlServerValues
{
    /// <summary>What to SELECT for <paramref name="column"/>. <paramref name="quotedColumn"/> must be qualified with a
    /// table alias (<c>t.[c]</c>): a property of a CLR type on a bare column name would be read as table.column.</summary>
    public static string SelectExpression(ColumnSchema column, string quotedColumn)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentException.ThrowIfNullOrEmpty(quotedColumn);
        return SqlServerTypeMapping.BaseType(column) switch
        {
            "hierarchyid" => $"CAST({quotedColumn} AS nvarchar(4000))",
            "geography" or "geometry" => $"CASE WHEN {quotedColumn} IS NULL THEN NULL ELSE CONCAT(N'SRID=', {quotedColumn}.STSrid, N';', {quotedColumn}.AsTextZM()) END",
            "xml" or "json" => $"CAST({quotedColumn} AS nvarchar(max))",
            "sql_variant" => VariantExpression(quotedColumn),
            _ => quotedColumn,
        };
    }

    /// <summary>
    /// A sql_variant as <c>&lt;base type with facets&gt;|&lt;value as invariant text&gt;</c>; <see cref="Read"/> turns
    /// it into JSON. Floats use style 3 (every distinct value a distinct string), money style 2 (four decimals),
    /// datetime style 121 (milliseconds), binary style 1 (0x and hex); the rest convert exactly by default (style 121
    /// for date, time, datetime2 and datetimeoffset).
    /// </summary>
    private static string VariantExpression(string x)
    {
        var baseType = $"CAST(SQL_VARIANT_PROPERTY({x}, 'BaseType') AS nvarchar(128))";
        var precision = $"CAST(SQL_VARIANT_PROPERTY({x}, 'Precision') AS int)";
        var scale = $"CAST(SQL_VARIANT_PROPERTY({x}, 'Scale') AS int)";
        var maxLength = $"CAST(SQL_VARIANT_PROPERTY({x}, 'MaxLength') AS int)";
        var facets =
            $"CASE WHEN {baseType} IN (N'decimal', N'numeric') THEN CONCAT(N'(', {precision}, N',', {scale}, N')') " +
            $"WHEN {baseType} IN (N'time', N'datetime2', N'datetimeoffset') THEN CONCAT(N'(', {scale}, N')') " +
            $"WHEN {baseType} IN (N'char', N'varchar', N'binary', N'varbinary') THEN CONCAT(N'(', {maxLength}, N')') " +
            $"WHEN {baseType} IN (N'nchar', N'nvarchar') THEN CONCAT(N'(', {maxLength} / 2, N')') " +
            "ELSE N'' END";
        var value =
            $"CASE WHEN {baseType} IN (N'float', N'real') THEN CONVERT(nvarchar(max), CAST({x} AS float), 3) " +
            $"WHEN {baseType} IN (N'money', N'smallmoney') THEN CONVERT(nvarchar(max), CAST({x} AS money), 2) " +
            $"WHEN {baseType} IN (N'datetime', N'smalldatetime') THEN CONVERT(nvarchar(max), CAST({x} AS datetime), 121) " +
            $"WHEN {baseType} IN (N'binary', N'varbinary') THEN CONVERT(nvarchar(max), CAST({x} AS varbinary(8000)), 1) " +
            $"ELSE CONVERT(nvarchar(max), {x}) END";
        return $"CASE WHEN {x} IS NULL THEN NULL ELSE CONCAT({baseType}, {facets}, N'|', {value}) END";
    }

    /// <summary>Reads the value <see cref="SelectExpression"/> selected, as <paramref name="column"/>'s
    /// <see cref="LogicalTypeClr"/> type; null for SQL NULL.</summary>
    public static object? Read(DbDataReader reader, int ordinal, ColumnSchema column)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(column);
        if (reader.IsDBNull(ordinal)) return null;
        return SqlServerTypeMapping.BaseType(column) switch
        {
            "bit" => reader.GetBoolean(ordinal),
            "tinyint" => (short)reader.GetByte(ordinal),
            "smallint" => reader.GetInt16(ordinal),
            "int" => reader.GetInt32(ordinal),
            "bigint" => reader.GetInt64(ordinal),
            "decimal" or "numeric" => ReadDecimal(reader, ordinal, column.Scale),
            "money" or "smallmoney" => Rescale(Numeric.FromDecimal(reader.GetDecimal(ordinal)), 4),
            "float" => reader.GetDouble(ordinal),
            "real" => reader.GetFloat(ordinal),
            "date" => DateOnly.FromDateTime(reader.GetDateTime(ordinal)),
            "time" => TimeOnly.FromTimeSpan(reader.GetFieldValue<TimeSpan>(ordinal)),
            "datetime" or "smalldatetime" or "datetime2" => DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Unspecified),
            "datetimeoffset" => reader.GetFieldValue<DateTimeOffset>(ordinal),
            "binary" or "varbinary" or "image" or "rowversion" => reader.GetFieldValue<byte[]>(ordinal),
            "uniqueidentifier" => reader.GetGuid(ordinal),
            "sql_variant" => VariantJson(reader.GetString(ordinal)),
            _ => reader.GetString(ordinal),
        };
    }

    /// <summary>Builds the JSON of a sql_variant from <c>type|value</c>: <c>{"type":"decimal(10,2)","value":"12.50"}</c>.</summary>
    internal static string VariantJson(string typeAndValue)
    {
        ArgumentNullException.ThrowIfNull(typeAndValue);
        var bar = typeAndValue.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0) throw new FormatException($"'{typeAndValue}' is not a sql_variant read as type|value.");
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", typeAndValue.AsSpan(0, bar));
            json.WriteString("value", typeAndValue.AsSpan(bar + 1));
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>decimal(38,s) does not fit System.Decimal (28-29 digits): SqlClient's SqlDecimal carries it exactly.</summary>
    private static Numeric ReadDecimal(DbDataReader reader, int ordinal, int? scale)
    {
        var value = reader is SqlDataReader sql ? sql.GetSqlDecimal(ordinal) : reader.GetValue(ordinal);
        var numeric = value switch
        {
            SqlDecimal d => SqlDecimals.FromSqlDecimal(d),
            decimal d => Numeric.FromDecimal(d),
            _ => throw new InvalidCastException($"A decimal column was read as {value.GetType().Name}."),
        };
        return scale is { } s ? Rescale(numeric, s) : numeric;
    }

    /// <summary>The same number with exactly <paramref name="scale"/> decimals; refuses to drop a nonzero digit.</summary>
    internal static Numeric Rescale(Numeric value, int scale)
    {
        if (value.Scale == scale) return value;
        if (value.Scale < scale) return new Numeric(value.Unscaled * BigInteger.Pow(10, scale - value.Scale), scale);
        var divisor = BigInteger.Pow(10, value.Scale - scale);
        var quotient = BigInteger.DivRem(value.Unscaled, divisor, out var remainder);
        if (!remainder.IsZero) throw new OverflowException($"{value} has more than {scale} decimals.");
        return new Numeric(quotient, scale);
    }
}
