using Cdc.Core.Model;
using Cdc.Core.Targets;

namespace Cdc.Core.Tests.Targets;

public sealed class SchemaEvolutionPlannerTests
{
    private static readonly IngestFlow Flow = new("pipe", new TableId("src", "items"), "tgt", "items", 1, false);

    /// <summary>A column whose type is a width: wider holds narrower, and a negative width is an unrelated type.</summary>
    private sealed record Col(string Name, int Width);

    private static readonly SchemaEvolutionRules<Col, int> Rules = new(
        StringComparer.Ordinal,
        c => c.Name,
        c => c.Width,
        (from, to) => from == to ? ColumnTypeChange.Same
            : from >= 0 && to > from ? ColumnTypeChange.Widening
            : ColumnTypeChange.Incompatible,
        (existing, wanted) => existing with { Width = wanted.Width });

    private static readonly Col[] Existing = [new("id", 4), new("qty", 4), new("gone", 8)];

    [Fact]
    public void Adds_new_columns_widens_types_and_keeps_dropped_ones()
    {
        var plan = Plan([new("id", 4), new("qty", 8), new("note", 16)], ["id"], Existing, ["id"]);

        plan.Added.Should().Equal(new Col("note", 16));
        plan.Widened.Should().Equal(("qty", 4, 8));
        plan.FinalColumns.Should().Equal(new Col("id", 4), new Col("qty", 8), new Col("gone", 8), new Col("note", 16));
    }

    [Fact]
    public void Nothing_changes_when_the_shapes_agree()
    {
        var plan = Plan([new("id", 4), new("qty", 4)], ["id"], Existing, ["id"]);

        plan.Added.Should().BeEmpty();
        plan.Widened.Should().BeEmpty();
        plan.FinalColumns.Should().Equal(Existing);
    }

    [Fact]
    public void A_key_column_missing_from_the_table_is_not_added()
    {
        var plan = Plan([new("id", 4), new("qty", 4)], ["id"], [new("qty", 4)], ["id"]);

        plan.Added.Should().BeEmpty();
        plan.FinalColumns.Should().Equal(new Col("qty", 4));
    }

    [Fact]
    public void Every_breaking_change_is_reported_together()
    {
        var existing = new[] { new Col("id", 4), new Col("qty", 8), new Col("code", 4) };
        var act = () => Plan([new("id", 8), new("qty", 4), new("code", -1)], ["id", "qty"], existing, ["id"]);

        act.Should().Throw<SchemaEvolutionException>().Which.Change.Should().Be(
            "breaking schema change in src.items: the key changed from (\"id\") to (\"id\", \"qty\"); "
            + "key column \"id\" changed type from 4 to 8; "
            + "column \"qty\" changed type from 8 to 4, which the target cannot follow without losing or reinterpreting values; "
            + "column \"code\" changed type from 4 to -1, which the target cannot follow without losing or reinterpreting values");
    }

    [Fact]
    public void Names_compare_with_the_engine_comparer_and_widened_columns_take_the_replacements_name()
    {
        var rules = Rules with { Names = StringComparer.OrdinalIgnoreCase };
        var existing = new[] { new Col("ID", 4), new Col("Qty", 4) };
        var plan = SchemaEvolutionPlanner.Plan(Flow, Flow.Source, [new Col("id", 4), new Col("qty", 8)], ["id"], existing, ["ID"],
            name => existing.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)), rules);

        plan.Added.Should().BeEmpty();
        plan.Widened.Should().Equal(("Qty", 4, 8));
        plan.FinalColumns.Should().Equal(new Col("ID", 4), new Col("Qty", 8));
    }

    private static SchemaEvolution<Col, int> Plan(Col[] wanted, string[] wantedKey, Col[] existing, string[] existingKey) =>
        SchemaEvolutionPlanner.Plan(Flow, Flow.Source, wanted, wantedKey, existing, existingKey,
            name => existing.FirstOrDefault(c => c.Name == name), Rules);
}
