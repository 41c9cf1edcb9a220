using Cdc.Core.Model;

namespace Cdc.Core.Sources;

/// <summary>The checks every source makes of a table's declared <c>keys:</c> before its own (what its change stream
/// carries with a delete): each names an existing column, exactly, and none twice.</summary>
internal static class DeclaredKeys
{
    /// <exception cref="SourceException">A declared key is not a column of the table, or is declared twice.</exception>
    public static void Check(TableId table, IReadOnlyList<ColumnSchema> columns, IReadOnlyList<string> declaredKeys)
    {
        var names = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = declaredKeys.Where(k => !names.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new SourceException(
                $"Declared key column{(unknown.Count > 1 ? "s" : "")} {Names(unknown)} of table {table} {(unknown.Count > 1 ? "do" : "does")} not exist (names are matched exactly). " +
                $"Its columns are {Names(columns.Select(c => c.Name))}.");
        var repeated = declaredKeys.GroupBy(k => k, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0) throw new SourceException($"Declared keys of table {table} name {Names(repeated)} more than once.");
    }

    /// <summary><c>("a", "b")</c>, for messages.</summary>
    public static string Names(IEnumerable<string> names) => "(" + string.Join(", ", names.Select(n => "\"" + n + "\"")) + ")";
}
