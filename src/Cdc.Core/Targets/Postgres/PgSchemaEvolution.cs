namespace Cdc.Core.Targets.Postgres;

/// <summary>DDL that brings an existing target table up to a batch's schema.</summary>
/// <param name="Added">Columns to add at the end of the table (NULL for existing rows).</param>
/// <param name="Widened">Columns whose type widens: (column, old type, new type).</param>
/// <param name="FinalColumns">The table's columns once the plan is applied, in attribute order.</param>
internal sealed record EvolutionPlan(
    IReadOnlyList<TargetColumn> Added,
    IReadOnlyList<(string Column, PgColumnType From, PgColumnType To)> Widened,
    IReadOnlyList<TargetColumn> FinalColumns)
{
    public bool IsEmpty => Added.Count == 0 && Widened.Count == 0;
}

/// <summary>
/// Compares a batch's schema with the target table's actual columns. New columns are added, widened types altered,
/// and columns dropped at the source stay (new rows get NULL). Anything else (a key that changed, a narrowed or
/// unrelated type, a key column's type) would lose or reinterpret data, so the planner throws
/// <see cref="SchemaEvolutionException"/> naming every such column, before anything is changed.
/// </summary>
internal static class PgSchemaEvolution
{
    public static EvolutionPlan Plan(TargetTableLayout wanted, ExistingTable actual)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(actual);
        var breaking = new List<string>();

        if (!actual.PrimaryKey.SequenceEqual(wanted.PrimaryKey, StringComparer.Ordinal))
            breaking.Add($"the key changed from ({Describe(actual.PrimaryKey)}) to ({Describe(wanted.PrimaryKey)})");

        var keys = new HashSet<string>(wanted.PrimaryKey, StringComparer.Ordinal);
        var added = new List<TargetColumn>();
        var widened = new List<(string, PgColumnType, PgColumnType)>();
        var final = actual.Columns.ToList();
        foreach (var column in wanted.AllColumns)
        {
            var existing = actual.Find(column.Name);
            if (existing is null)
            {
                if (!keys.Contains(column.Name))
                {
                    added.Add(column);
                    final.Add(column);
                }
                continue;
            }
            switch (PgTypeMapping.Classify(existing.Type, column.Type))
            {
                case PgTypeChange.Same:
                    break;
                case PgTypeChange.Widening when !keys.Contains(column.Name):
                    widened.Add((column.Name, existing.Type, column.Type));
                    final[final.FindIndex(c => c.Name == column.Name)] = column;
                    break;
                case PgTypeChange.Widening:
                    breaking.Add($"key column \"{column.Name}\" changed type from {existing.Type} to {column.Type}");
                    break;
                default:
                    breaking.Add($"column \"{column.Name}\" changed type from {existing.Type} to {column.Type}, which the target cannot follow without losing or reinterpreting values");
                    break;
            }
        }

        if (breaking.Count > 0)
            throw new SchemaEvolutionException(wanted.Flow, $"breaking schema change in {wanted.Schema.Table}: {string.Join("; ", breaking)}");
        return new EvolutionPlan(added, widened, final);
    }

    private static string Describe(IReadOnlyList<string> columns) => columns.Count == 0 ? "none" : string.Join(", ", columns.Select(c => $"\"{c}\""));
}
