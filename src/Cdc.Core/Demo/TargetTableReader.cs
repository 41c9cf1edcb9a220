using System.Globalization;
using Cdc.Core.Postgres;
using Npgsql;

namespace Cdc.Core.Demo;

/// <summary>Reads a whole (small) PostgreSQL table as text for display: column names, then rows in key order.</summary>
public static class TargetTableReader
{
    public static async Task<(IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows)> ReadAsync(
        string connectionString, string schema, string table, IReadOnlyList<string> orderBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orderBy);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var order = orderBy.Count == 0 ? "" : " ORDER BY " + string.Join(", ", orderBy.Select(PgIdentifier.Quote));
        await using var command = new NpgsqlCommand($"SELECT * FROM {PgIdentifier.Qualified(schema, table)}{order}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : Format(reader.GetValue(i));
            rows.Add(row);
        }
        return (columns, rows);
    }

    private static string Format(object value) => value switch
    {
        DateTime dt => dt.ToString(dt.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateTimeOffset dto => dto.ToString("yyyy-MM-dd HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        byte[] bytes => "\\x" + Convert.ToHexString(bytes).ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
