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
    private static readonly SchemaEvolutionRules<TargetColumn, PgColumnType> Rules = new(
        StringComparer.Ordinal,
        c => c.Name,
        c => c.Type,
        (from, to) => PgTypeMapping.Classify(from, to) switch
        {
            PgTypeChange.Same => ColumnTypeChange.Same,
            PgTypeChange.Widening => ColumnTypeChange.Widening,
            _ => ColumnTypeChange.Incompatible,
        },
        // The wanted column replaces the existing one (same name, compared exactly).
        (existing, wanted) => wanted);

    public static EvolutionPlan Plan(TargetTableLayout wanted, ExistingTable actual)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(actual);
        var plan = SchemaEvolutionPlanner.Plan(wanted.Flow, wanted.Schema.Table, wanted.AllColumns, wanted.PrimaryKey,
            actual.Columns, actual.PrimaryKey, actual.Find, Rules);
        return new EvolutionPlan(plan.Added, plan.Widened, plan.FinalColumns);
    }
}
