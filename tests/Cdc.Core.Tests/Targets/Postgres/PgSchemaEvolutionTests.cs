using Cdc.Core.Model;
using Cdc.Core.Targets;
using Cdc.Core.Targets.Postgres;
using static Cdc.Core.Tests.Targets.Postgres.TargetTestKit;

namespace Cdc.Core.Tests.Targets.Postgres;

public sealed class PgSchemaEvolutionTests
{
    private static readonly ExistingTable Current = new(1,
        [new("id", PgColumnType.BigInt), new("qty", PgColumnType.Integer), new("amount", PgColumnType.Numeric(10, 2)), new("gone", PgColumnType.Text)],
        ["id"]);

    [Fact]
    public void Adds_new_columns_at_the_end_and_keeps_dropped_ones()
    {
        var plan = Plan(new("id", LogicalType.Int64), new("qty", LogicalType.Int32), new("amount", LogicalType.Decimal, Precision: 10, Scale: 2), new("note", LogicalType.String));

        plan.Added.Should().ContainSingle().Which.Should().Be(new TargetColumn("note", PgColumnType.Text));
        plan.Widened.Should().BeEmpty();
        plan.FinalColumns.Select(c => c.Name).Should().Equal("id", "qty", "amount", "gone", "note");
    }

    [Fact]
    public void Widens_integer_and_numeric_columns()
    {
        var plan = Plan(new("id", LogicalType.Int64), new("qty", LogicalType.Int64), new("amount", LogicalType.Decimal, Precision: 14, Scale: 4));

        plan.Widened.Should().Equal(("qty", PgColumnType.Integer, PgColumnType.BigInt), ("amount", PgColumnType.Numeric(10, 2), PgColumnType.Numeric(14, 4)));
        plan.FinalColumns.Select(c => c.Type).Should().Equal(PgColumnType.BigInt, PgColumnType.BigInt, PgColumnType.Numeric(14, 4), PgColumnType.Text);
    }

    [Fact]
    public void Nothing_to_do_when_the_shapes_agree()
    {
        Plan(new("id", LogicalType.Int64), new("qty", LogicalType.Int32), new("amount", LogicalType.Decimal, Precision: 10, Scale: 2), new("gone", LogicalType.String))
            .IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void A_narrowing_names_the_column_and_both_types()
    {
        var act = () => Plan(new("id", LogicalType.Int64), new("qty", LogicalType.Int16));

        act.Should().Throw<SchemaEvolutionException>().WithMessage("*\"qty\"*from integer to smallint*");
    }

    [Fact]
    public void An_unrelated_type_is_breaking()
    {
        var act = () => Plan(new("id", LogicalType.Int64), new("amount", LogicalType.String));

        act.Should().Throw<SchemaEvolutionException>().WithMessage("*\"amount\"*numeric(10,2) to text*");
    }

    [Fact]
    public void A_changed_key_is_breaking()
    {
        var schema = Schema("items", [new("id", LogicalType.Int64), new("qty", LogicalType.Int32)], "qty");
        var act = () => PgSchemaEvolution.Plan(TargetTableLayout.For(Flow(schema), schema), Current);

        act.Should().Throw<SchemaEvolutionException>().WithMessage("*key changed from (\"id\") to (\"qty\")*");
    }

    [Fact]
    public void A_key_column_type_change_is_breaking_even_when_wider()
    {
        var current = Current with { Columns = [new("id", PgColumnType.Integer)] };
        var schema = Schema("items", [new("id", LogicalType.Int64)], "id");
        var act = () => PgSchemaEvolution.Plan(TargetTableLayout.For(Flow(schema), schema), current);

        act.Should().Throw<SchemaEvolutionException>().WithMessage("*key column \"id\"*integer to bigint*");
    }

    [Fact]
    public void Turning_on_soft_deletes_adds_the_deleted_at_column()
    {
        var schema = Schema("items", [new("id", LogicalType.Int64)], "id");
        var plan = PgSchemaEvolution.Plan(TargetTableLayout.For(Flow(schema, softDeletes: true), schema), Current);

        plan.Added.Should().ContainSingle().Which.Name.Should().Be("__DELETED_AT");
    }

    private static EvolutionPlan Plan(params ColumnSchema[] columns)
    {
        var schema = Schema("items", columns, "id");
        return PgSchemaEvolution.Plan(TargetTableLayout.For(Flow(schema), schema), Current);
    }
}
