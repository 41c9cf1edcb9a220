namespace Cdc.Core.Targets.SqlServer;

/// <summary>DDL that brings an existing target table up to a batch's schema.</summary>
/// <param name="Added">Columns to add at the end of the table (NULL for existing rows).</param>
/// <param name="Widened">Columns whose type widens: (column as the table names it, old type, new type).</param>
/// <param name="FinalColumns">The table's columns once the plan is applied, in column order.</param>
internal sealed record SqlEvolutionPlan(
    IReadOnlyList<SqlTargetColumn> Added,
    IReadOnlyList<(string Column, SqlColumnType From, SqlColumnType To)> Widened,
    IReadOnlyList<SqlTargetColumn> FinalColumns)
{
    public bool IsEmpty => Added.Count == 0 && Widened.Count == 0;
}

/// <summary>
/// Compares a batch's schema with the target table's actual columns. New columns are added, widened types altered,
/// and columns dropped at the source stay (new rows get NULL). Anything else (a key that changed, a narrowed or
/// unrelated type, a key column's type) would lose or reinterpret data, so the planner throws
/// <see cref="SchemaEvolutionException"/> naming every such column, before anything is changed.
/// </summary>
internal static class SqlSchemaEvolution
{
    public static SqlEvolutionPlan Plan(SqlTargetLayout wanted, ExistingSqlTable actual)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(actual);
        var breaking = new List<string>();

        if (!actual.PrimaryKey.SequenceEqual(wanted.PrimaryKey, StringComparer.OrdinalIgnoreCase))
            breaking.Add($"the key changed from ({Describe(actual.PrimaryKey)}) to ({Describe(wanted.PrimaryKey)})");

        var keys = new HashSet<string>(wanted.PrimaryKey, StringComparer.OrdinalIgnoreCase);
        var added = new List<SqlTargetColumn>();
        var widened = new List<(string, SqlColumnType, SqlColumnType)>();
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
            switch (SqlTypeMapping.Classify(existing.Type, column.Type))
            {
                case SqlTypeChange.Same:
                    break;
                case SqlTypeChange.Widening when !keys.Contains(column.Name):
                    widened.Add((existing.Name, existing.Type, column.Type));
                    final[final.IndexOf(existing)] = existing with { Type = column.Type };
                    break;
                case SqlTypeChange.Widening:
                    breaking.Add($"key column \"{column.Name}\" changed type from {existing.Type} to {column.Type}");
                    break;
                default:
                    breaking.Add($"column \"{column.Name}\" changed type from {existing.Type} to {column.Type}, which the target cannot follow without losing or reinterpreting values");
                    break;
            }
        }

        if (breaking.Count > 0)
            throw new SchemaEvolutionException(wanted.Flow, $"breaking schema change in {wanted.Schema.Table}: {string.Join("; ", breaking)}");
        return new SqlEvolutionPlan(added, widened, final);
    }

    private static string Describe(IReadOnlyList<string> columns) => columns.Count == 0 ? "none" : string.Join(", ", columns.Select(c => $"\"{c}\""));
}
