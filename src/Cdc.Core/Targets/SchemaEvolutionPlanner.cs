using Cdc.Core.Model;

namespace Cdc.Core.Targets;

/// <summary>How a column's target type relates to the type a newer batch asks for, in engine-neutral terms.</summary>
internal enum ColumnTypeChange
{
    /// <summary>Same type: nothing to do.</summary>
    Same,

    /// <summary>The new type holds every value of the old one exactly: the target can alter the column.</summary>
    Widening,

    /// <summary>Some values of one type do not fit the other: a full refresh is needed.</summary>
    Incompatible,
}

/// <summary>What one engine contributes to schema evolution: how its columns are read, found and compared.</summary>
/// <param name="Names">How column names compare (key equality and key membership).</param>
/// <param name="NameOf">A column's name.</param>
/// <param name="TypeOf">A column's type.</param>
/// <param name="Classify">How the existing type (first) relates to the wanted type (second).</param>
/// <param name="Widen">The column that replaces an existing one (first) whose type widens to the wanted one's
/// (second); its name is the one reported as widened.</param>
internal sealed record SchemaEvolutionRules<TColumn, TType>(
    StringComparer Names,
    Func<TColumn, string> NameOf,
    Func<TColumn, TType> TypeOf,
    Func<TType, TType, ColumnTypeChange> Classify,
    Func<TColumn, TColumn, TColumn> Widen)
    where TColumn : class;

/// <summary>The changes that bring an existing table up to a batch's schema.</summary>
/// <param name="Added">Columns to add at the end of the table.</param>
/// <param name="Widened">Columns whose type widens: (column, old type, new type).</param>
/// <param name="FinalColumns">The table's columns once the changes are applied, in table order.</param>
internal sealed record SchemaEvolution<TColumn, TType>(
    List<TColumn> Added,
    List<(string Column, TType From, TType To)> Widened,
    List<TColumn> FinalColumns);

/// <summary>
/// The schema evolution rules every target shares: new non-key columns are added, widened types altered, and
/// columns dropped at the source stay. Anything else (a key that changed, a narrowed or unrelated type, a key
/// column's type) would lose or reinterpret data, so the planner throws <see cref="SchemaEvolutionException"/>
/// naming every such column at once, before anything is changed.
/// </summary>
internal static class SchemaEvolutionPlanner
{
    /// <param name="findExisting">The existing column a wanted name refers to, or null (each engine has its own
    /// notion of a name match).</param>
    public static SchemaEvolution<TColumn, TType> Plan<TColumn, TType>(
        IngestFlow flow,
        TableId table,
        IEnumerable<TColumn> wantedColumns,
        IReadOnlyList<string> wantedKey,
        IReadOnlyList<TColumn> existingColumns,
        IReadOnlyList<string> existingKey,
        Func<string, TColumn?> findExisting,
        SchemaEvolutionRules<TColumn, TType> rules)
        where TColumn : class
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(wantedColumns);
        ArgumentNullException.ThrowIfNull(wantedKey);
        ArgumentNullException.ThrowIfNull(existingColumns);
        ArgumentNullException.ThrowIfNull(existingKey);
        ArgumentNullException.ThrowIfNull(findExisting);
        ArgumentNullException.ThrowIfNull(rules);
        var breaking = new List<string>();

        if (!existingKey.SequenceEqual(wantedKey, rules.Names))
            breaking.Add($"the key changed from ({Describe(existingKey)}) to ({Describe(wantedKey)})");

        var keys = new HashSet<string>(wantedKey, rules.Names);
        var added = new List<TColumn>();
        var widened = new List<(string, TType, TType)>();
        var final = existingColumns.ToList();
        foreach (var column in wantedColumns)
        {
            var name = rules.NameOf(column);
            var existing = findExisting(name);
            if (existing is null)
            {
                if (!keys.Contains(name))
                {
                    added.Add(column);
                    final.Add(column);
                }
                continue;
            }
            var from = rules.TypeOf(existing);
            var to = rules.TypeOf(column);
            switch (rules.Classify(from, to))
            {
                case ColumnTypeChange.Same:
                    break;
                case ColumnTypeChange.Widening when !keys.Contains(name):
                    var replacement = rules.Widen(existing, column);
                    widened.Add((rules.NameOf(replacement), from, to));
                    final[final.IndexOf(existing)] = replacement;
                    break;
                case ColumnTypeChange.Widening:
                    breaking.Add($"key column \"{name}\" changed type from {from} to {to}");
                    break;
                default:
                    breaking.Add($"column \"{name}\" changed type from {from} to {to}, which the target cannot follow without losing or reinterpreting values");
                    break;
            }
        }

        if (breaking.Count > 0)
            throw new SchemaEvolutionException(flow, $"breaking schema change in {table}: {string.Join("; ", breaking)}");
        return new SchemaEvolution<TColumn, TType>(added, widened, final);
    }

    private static string Describe(IReadOnlyList<string> columns) => columns.Count == 0 ? "none" : string.Join(", ", columns.Select(c => $"\"{c}\""));
}
