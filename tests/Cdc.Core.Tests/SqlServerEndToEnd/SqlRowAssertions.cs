namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>Row-list comparisons that report the first differing row and column rather than a wall of text.</summary>
public static class SqlRowAssertions
{
    public static void ShouldEqualRows(this IReadOnlyList<string?[]> actual, IReadOnlyList<string?[]> expected, IReadOnlyList<SqlWorkloadColumn> columns, int keyCount, string what)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(columns);
        for (var i = 0; i < Math.Min(actual.Count, expected.Count); i++)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                if (!string.Equals(actual[i][c], expected[i][c], StringComparison.Ordinal))
                    throw new Xunit.Sdk.XunitException(
                        $"{what}: row {i} (key {string.Join(", ", expected[i].Take(keyCount).Select(Shorten))}) column '{columns[c].Name}' ({columns[c].SqlType}): " +
                        $"expected «{Shorten(expected[i][c])}» but found «{Shorten(actual[i][c])}».");
            }
        }
        actual.Count.Should().Be(expected.Count, $"{what} should have as many rows as the source");
    }

    /// <summary>Whether two row lists are equal value for value.</summary>
    public static bool SameRows(IReadOnlyList<string?[]> left, IReadOnlyList<string?[]> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return left.Count == right.Count && left.Zip(right).All(p => p.First.SequenceEqual(p.Second, StringComparer.Ordinal));
    }

    /// <summary>
    /// The versions of each key chain: a version followed by another of the same key is closed, and closed no later
    /// than the next one starts; when it closes exactly as the next starts, their values differ (no repeated version).
    /// </summary>
    /// <param name="versions">By key, then start, as <see cref="SqlTableReader.ReadHistoryAsync"/> reads them.</param>
    public static void ShouldChain(this IReadOnlyList<HistoryRow> versions, int keyCount, string what)
    {
        ArgumentNullException.ThrowIfNull(versions);
        for (var i = 1; i < versions.Count; i++)
        {
            var previous = versions[i - 1];
            var row = versions[i];
            if (!row.Values.Take(keyCount).SequenceEqual(previous.Values.Take(keyCount), StringComparer.Ordinal)) continue;
            var key = string.Join(", ", row.Values.Take(keyCount).Select(Shorten));
            previous.End.Should().NotBeNull($"{what}: key ({key}) has a version after one that is still open");
            previous.End!.Value.Should().BeOnOrBefore(row.Start, $"{what}: versions of key ({key}) overlap");
            if (previous.End.Value == row.Start)
                row.Values.SequenceEqual(previous.Values, StringComparer.Ordinal).Should().BeFalse($"{what}: key ({key}) has two consecutive identical versions (a duplicate)");
        }
    }

    private static string Shorten(string? value) => value is null ? "NULL" : value.Length > 120 ? value[..120] + "…" : value;
}
