using Cdc.Core.Targets;
using Cdc.Core.Model;
using Cdc.Core.Targets.Postgres;
using Cdc.Core.Targets.SqlServer;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

public sealed class SqlChangeReductionTests
{
    [Fact]
    public async Task Keeps_the_last_operation_per_key_through_the_shared_reducer()
    {
        var batch = await SqlChangeReduction.ReduceAsync(Layout(Simple()), Rows(
        [
            Insert(At(1), 1L, "a", null),
            Update(At(2), 1L, "a2", Unchanged.Value),
            Delete(At(3), 2L, Unchanged.Value, Unchanged.Value),
        ]), CancellationToken.None);

        batch.RowsRead.Should().Be(3);
        batch.Changes.Select(c => (c.IsDelete, c.Values[0], c.Values[1])).Should().Equal((false, 1L, "a2"), (true, 2L, Unchanged.Value));
        batch.Changes[0].Values[2].Should().BeNull("the key's earlier row gave the value the later one did not send");
    }

    [Fact]
    public async Task Time_keys_a_microsecond_apart_stay_apart()
    {
        var schema = Schema("events", [new("at", LogicalType.Timestamp, SourceType: "datetime2(7)"), new("v", LogicalType.Int32)], "at");
        var at = new DateTime(2024, 1, 1, 12, 0, 0);

        var batch = await SqlChangeReduction.ReduceAsync(Layout(schema), Rows(
        [
            Insert(At(1), at, 1),
            Insert(At(1), at.AddTicks(1), 2),
            Insert(At(1), at.AddTicks(4), 3),
            Update(At(2), at.AddTicks(1), 20),
        ]), CancellationToken.None);

        batch.Changes.Select(c => (c.Values[0], c.Values[1])).Should().Equal((at, 1), (at.AddTicks(1), 20), (at.AddTicks(4), 3));
        batch.Changes.Should().OnlyContain(c => c.Values[0] is DateTime, "key values are handed back unwrapped");
    }

    [Fact]
    public async Task Rows_are_checked_with_errors_naming_the_sql_server_table()
    {
        var layout = Layout(Simple(), targetSchema: "sales", targetTable: "we]ird");

        var nullKey = () => SqlChangeReduction.ReduceAsync(layout, Rows([Update(At(1), null, "x", null)]), CancellationToken.None);
        var width = () => SqlChangeReduction.ReduceAsync(layout, Rows([Update(At(1), 1L)]), CancellationToken.None);
        var keyless = () => SqlChangeReduction.ReduceAsync(Layout(Schema("logs", [new("line", LogicalType.String)])), Rows([Insert(At(1), "x")]), CancellationToken.None);

        await nullKey.Should().ThrowAsync<TargetValueException>().WithMessage("Cannot write column \"id\" of [sales].[we]]ird]*row 1 of the batch has no value for this key column");
        await width.Should().ThrowAsync<InvalidDataException>().WithMessage("*row 1 of the batch has 1 values, but src.items has 3 columns*");
        await keyless.Should().ThrowAsync<InvalidOperationException>().WithMessage("*no key columns*");
    }

    [Fact]
    public async Task Names_postgres_could_not_take_are_fine_for_sql_server()
    {
        var longName = new string('x', 100);
        var schema = Schema(longName, [new(longName, LogicalType.Int32), new("v", LogicalType.String)], longName);

        var batch = await SqlChangeReduction.ReduceAsync(Layout(schema, targetTable: longName), Rows([Insert(At(1), 1, "a")]), CancellationToken.None);

        batch.Changes.Should().ContainSingle();
    }
}
