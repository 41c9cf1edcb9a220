using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;

namespace Cdc.Core.Tests.Runs;

public sealed class FlowPlannerTests
{
    private static PipelineDefinition Pipeline(params ObjectDefinition[] objects) => new()
    {
        Name = "p",
        Source = new SourceDefinition { Kind = SourceKind.Postgres, Connection = "x" },
        Objects = objects,
        Staging = new StagingDefinition { Location = "x" },
        Destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = "x", Schema = "analytics", ScdType = 1, SoftDeletes = true },
    };

    [Fact]
    public void The_selection_for_a_table_is_its_own_entry_else_its_schemas_unless_excluded()
    {
        var pipeline = Pipeline(
            new ObjectDefinition { Schema = "sales", Exclude = ["audit"], CaptureMode = CaptureMode.Cdc },
            new ObjectDefinition { Schema = "public", Table = "drivers", Keys = ["driver_id"] });

        FlowPlanner.SelectionFor(pipeline, new TableId("public", "drivers")).Should().Be(FlowPlanner.Selections(pipeline)[1]);
        FlowPlanner.SelectionFor(pipeline, new TableId("sales", "orders")).Should().BeEquivalentTo(
            new { Schema = "sales", Table = "orders", KeyColumns = (IReadOnlyList<string>?)null, Exclude = Array.Empty<string>(), CaptureMode = (CaptureMode?)CaptureMode.Cdc });
        FlowPlanner.SelectionFor(pipeline, new TableId("sales", "audit")).Should().BeNull("the schema entry excludes it");
        FlowPlanner.SelectionFor(pipeline, new TableId("public", "other")).Should().BeNull();
    }

    [Fact]
    public void A_table_feeding_two_targets_is_selected_once_and_planned_twice()
    {
        var pipeline = Pipeline(
            new ObjectDefinition { Schema = "public", Table = "drivers", Keys = ["driver_id"] },
            new ObjectDefinition { Schema = "public", Table = "drivers", ScdType = 2, DestinationTable = "drivers_history" });
        var table = new TableSchema(new TableId("public", "drivers"), [new ColumnSchema("driver_id", LogicalType.Int32)], ["driver_id"]);

        FlowPlanner.Selections(pipeline).Should().ContainSingle().Which.KeyColumns.Should().Equal("driver_id");
        var flows = FlowPlanner.Flows(pipeline, [table]);

        flows.Select(f => (f.TargetTable, f.ScdType, f.SoftDeletes)).Should().Equal(("drivers", 1, true), ("drivers_history", 2, false));
        flows.Should().OnlyContain(f => f.TargetSchema == "analytics" && f.Pipeline == "p");
    }

    [Fact]
    public void A_table_entry_wins_over_its_schema_entry()
    {
        var pipeline = Pipeline(
            new ObjectDefinition { Schema = "sales", Exclude = ["audit"] },
            new ObjectDefinition { Schema = "sales", Table = "orders", ScdType = 2 });
        var orders = new TableSchema(new TableId("sales", "orders"), [new ColumnSchema("id", LogicalType.Int32)], ["id"]);
        var items = new TableSchema(new TableId("sales", "items"), [new ColumnSchema("id", LogicalType.Int32)], ["id"]);

        var flows = FlowPlanner.Flows(pipeline, [orders, items]);

        flows.Select(f => (f.Source.Name, f.ScdType)).Should().Equal(("orders", 2), ("items", 1));
    }

    [Fact]
    public void The_same_table_with_different_keys_is_refused()
    {
        var pipeline = Pipeline(
            new ObjectDefinition { Schema = "public", Table = "t", Keys = ["a"] },
            new ObjectDefinition { Schema = "public", Table = "t", Keys = ["b"], DestinationTable = "t2" });

        var act = () => FlowPlanner.Selections(pipeline);

        act.Should().Throw<InvalidOperationException>().WithMessage("*public.t*different keys*");
    }
}
