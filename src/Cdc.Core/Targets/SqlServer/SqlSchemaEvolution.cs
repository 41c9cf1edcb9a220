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
    private static readonly SchemaEvolutionRules<SqlTargetColumn, SqlColumnType> Rules = new(
        StringComparer.OrdinalIgnoreCase,
        c => c.Name,
        c => c.Type,
        (from, to) => SqlTypeMapping.Classify(from, to) switch
        {
            SqlTypeChange.Same => ColumnTypeChange.Same,
            SqlTypeChange.Widening => ColumnTypeChange.Widening,
            _ => ColumnTypeChange.Incompatible,
        },
        // The column keeps the name the table gives it (which may differ in case from the batch's).
        (existing, wanted) => existing with { Type = wanted.Type });

    public static SqlEvolutionPlan Plan(SqlTargetLayout wanted, ExistingSqlTable actual)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(actual);
        var plan = SchemaEvolutionPlanner.Plan(wanted.Flow, wanted.Schema.Table, wanted.AllColumns, wanted.PrimaryKey,
            actual.Columns, actual.PrimaryKey, actual.Find, Rules);
        return new SqlEvolutionPlan(plan.Added, plan.Widened, plan.FinalColumns);
    }
}
