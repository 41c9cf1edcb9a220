using System.Globalization;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>A version of an SCD 2 history table: its values as <see cref="SqlTableReader"/> renders them, and when
/// the version became and stopped being current.</summary>
public sealed record HistoryRow(string?[] Values, DateTimeOffset Start, DateTimeOffset? End);

/// <summary>
/// Reads SQL Server tables as exact text, row by row in key order, so a source and its target compare value for
/// value. Each value is rendered losslessly from what the server holds: decimals with every digit and their scale,
/// floats round-trippable, times to 100 ns, datetimeoffset with its offset, binary as hex, spatial and hierarchyid
/// values as their serialized bytes (SRID included), sql_variant as its base type, facets, collation and bytes.
/// Source and target are read the same way, so a type the target changed shows up as a different rendering.
/// </summary>
public static class SqlTableReader
{
    public const string StartAt = "__START_AT";
    public const string EndAt = "__END_AT";

    /// <summary>What to SELECT for <paramref name="column"/>: the column itself, or a lossless conversion for types
    /// the client cannot read (CLR types, sql_variant) or that have no exact client type (xml).</summary>
    public static string SelectExpression(SqlWorkloadColumn column, string quoted)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.BaseType switch
        {
            "hierarchyid" or "geography" or "geometry" => $"CAST({quoted} AS varbinary(max))",
            "xml" => $"CAST({quoted} AS nvarchar(max))",
            "sql_variant" =>
                $"CASE WHEN {quoted} IS NULL THEN NULL ELSE CONCAT(CAST(SQL_VARIANT_PROPERTY({quoted}, 'BaseType') AS nvarchar(128)), " +
                $"N' p', CAST(SQL_VARIANT_PROPERTY({quoted}, 'Precision') AS nvarchar(20)), N' s', CAST(SQL_VARIANT_PROPERTY({quoted}, 'Scale') AS nvarchar(20)), " +
                $"N' n', CAST(SQL_VARIANT_PROPERTY({quoted}, 'MaxLength') AS nvarchar(20)), N' ', CAST(SQL_VARIANT_PROPERTY({quoted}, 'Collation') AS nvarchar(128)), " +
                $"N' ', CONVERT(nvarchar(max), CAST({quoted} AS varbinary(8000)), 1)) END",
            _ => quoted,
        };
    }

    /// <summary>The SELECT that <see cref="ReadAsync"/> sends.</summary>
    public static string SelectSql(string schema, string table, IReadOnlyList<SqlWorkloadColumn> columns, IReadOnlyList<string> orderBy, string? filter = null, IReadOnlyList<string>? extraColumns = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(orderBy);
        var select = columns.Select(c => SelectExpression(c, "t." + SqlName.Quote(c.Name)))
            .Concat((extraColumns ?? []).Select(c => "t." + SqlName.Quote(c)));
        return $"SELECT {string.Join(", ", select)} FROM {SqlName.Qualified(schema, table)} AS t" +
               (filter is null ? "" : " WHERE " + filter) +
               $" ORDER BY {string.Join(", ", orderBy.Select(k => "t." + SqlName.Quote(k)))}";
    }

    public static async Task<List<string?[]>> ReadAsync(string connectionString, string schema, string table, IReadOnlyList<SqlWorkloadColumn> columns, IReadOnlyList<string> orderBy, string? filter = null)
    {
        var rows = new List<string?[]>();
        await using var connection = await SqlTestDatabase.OpenAsync(connectionString);
        await using var command = new SqlCommand(SelectSql(schema, table, columns, orderBy, filter), connection) { CommandTimeout = 120 };
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new string?[columns.Count];
            for (var i = 0; i < row.Length; i++) row[i] = Render(reader, i);
            rows.Add(row);
        }
        var keys = KeyOrdinals(columns, orderBy);
        rows.Sort((a, b) => CompareKeys(a, b, keys));
        return rows;
    }

    /// <summary>Every version of an SCD 2 table, by key and start.</summary>
    public static async Task<List<HistoryRow>> ReadHistoryAsync(string connectionString, string schema, string table, IReadOnlyList<SqlWorkloadColumn> columns, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var rows = new List<HistoryRow>();
        await using var connection = await SqlTestDatabase.OpenAsync(connectionString);
        var sql = SelectSql(schema, table, columns, [.. keys, StartAt], extraColumns: [StartAt, EndAt]);
        await using var command = new SqlCommand(sql, connection) { CommandTimeout = 120 };
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new string?[columns.Count];
            for (var i = 0; i < values.Length; i++) values[i] = Render(reader, i);
            var end = reader.IsDBNull(columns.Count + 1) ? (DateTimeOffset?)null : reader.GetDateTimeOffset(columns.Count + 1);
            rows.Add(new HistoryRow(values, reader.GetDateTimeOffset(columns.Count), end));
        }
        var ordinals = KeyOrdinals(columns, keys);
        rows.Sort((a, b) => CompareKeys(a.Values, b.Values, ordinals) is var byKey and not 0 ? byKey : a.Start.CompareTo(b.Start));
        return rows;
    }

    /// <summary>
    /// Rows are put in order of their rendered keys, compared ordinally, after the server sorted them: the server
    /// sorts by the column's collation, which a target may declare differently from its source, and a different
    /// order must not read as different rows.
    /// </summary>
    public static int CompareKeys(string?[] left, string?[] right, IReadOnlyList<int> keyOrdinals)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(keyOrdinals);
        foreach (var k in keyOrdinals)
        {
            var order = string.CompareOrdinal(left[k], right[k]);
            if (order != 0) return order;
        }
        return 0;
    }

    private static List<int> KeyOrdinals(IReadOnlyList<SqlWorkloadColumn> columns, IReadOnlyList<string> keys) =>
        keys.Select(k => columns.ToList().FindIndex(c => string.Equals(c.Name, k, StringComparison.Ordinal))).Where(i => i >= 0).ToList();

    /// <summary>One value as exact text; null for SQL NULL.</summary>
    public static string? Render(SqlDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.IsDBNull(ordinal)) return null;
        var invariant = CultureInfo.InvariantCulture;
        var type = reader.GetDataTypeName(ordinal).ToLowerInvariant();
        return type switch
        {
            "bit" => reader.GetBoolean(ordinal) ? "1" : "0",
            "tinyint" => reader.GetByte(ordinal).ToString(invariant),
            "smallint" => reader.GetInt16(ordinal).ToString(invariant),
            "int" => reader.GetInt32(ordinal).ToString(invariant),
            "bigint" => reader.GetInt64(ordinal).ToString(invariant),
            // SqlDecimal keeps all 38 digits and the scale; System.Decimal holds 28.
            "decimal" or "numeric" => reader.GetSqlDecimal(ordinal).ToString(),
            "money" or "smallmoney" => reader.GetDecimal(ordinal).ToString("0.0000", invariant),
            "float" => reader.GetDouble(ordinal).ToString("R", invariant),
            "real" => reader.GetFloat(ordinal).ToString("R", invariant),
            "date" => reader.GetDateTime(ordinal).ToString("yyyy-MM-dd", invariant),
            "time" => reader.GetTimeSpan(ordinal).ToString(@"hh\:mm\:ss\.fffffff", invariant),
            "datetime" or "datetime2" or "smalldatetime" => reader.GetDateTime(ordinal).ToString("yyyy-MM-dd HH:mm:ss.fffffff", invariant),
            "datetimeoffset" => reader.GetDateTimeOffset(ordinal).ToString("yyyy-MM-dd HH:mm:ss.fffffff zzz", invariant),
            "uniqueidentifier" => reader.GetGuid(ordinal).ToString("D"),
            "binary" or "varbinary" or "timestamp" or "image" => "0x" + Convert.ToHexString(reader.GetSqlBinary(ordinal).Value),
            "char" or "varchar" or "nchar" or "nvarchar" or "text" or "ntext" or "sysname" => reader.GetString(ordinal),
            _ => throw new NotSupportedException($"Column {ordinal} ({reader.GetName(ordinal)}) has type {type}, which the comparer does not render."),
        };
    }
}
