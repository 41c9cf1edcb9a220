using Cdc.Core.Postgres;
using Npgsql;

namespace Cdc.Core.Tests.EndToEnd;

/// <summary>Reads tables as text, row by row in key order, so source and target can be compared exactly.</summary>
public static class TableComparer
{
    public static async Task<List<string?[]>> ReadAsync(string connectionString, string schema, string table, IEnumerable<string> columns, IReadOnlyList<string> keys, string? filter = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var list = columns.ToList();
        var select = string.Join(", ", list.Select(c => PgIdentifier.Quote(c) + "::text"));
        var order = string.Join(", ", keys.Select(PgIdentifier.Quote));
        await using var command = new NpgsqlCommand($"SELECT {select} FROM {PgIdentifier.Qualified(schema, table)}{(filter is null ? "" : " WHERE " + filter)} ORDER BY {order}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            var row = new string?[list.Count];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Asserts equal row lists, reporting the first differing row and column rather than a wall of text.</summary>
    public static void ShouldEqual(this List<string?[]> actual, List<string?[]> expected, IReadOnlyList<string> columns, string what)
    {
        for (var i = 0; i < Math.Min(actual.Count, expected.Count); i++)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                if (actual[i][c] != expected[i][c])
                    throw new Xunit.Sdk.XunitException($"{what}: row {i} (key {string.Join(", ", expected[i].Take(2))}) column '{columns[c]}': expected «{Trim(expected[i][c])}» but found «{Trim(actual[i][c])}».");
            }
        }
        actual.Count.Should().Be(expected.Count, $"{what} should have as many rows as the source");
    }

    private static string Trim(string? value) => value is null ? "NULL" : value.Length > 120 ? value[..120] + "…" : value;
}
