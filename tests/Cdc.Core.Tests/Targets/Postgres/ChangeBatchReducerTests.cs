using Cdc.Core.Targets;
using Cdc.Core.Model;
using Cdc.Core.Targets.Postgres;
using static Cdc.Core.Tests.Targets.Postgres.TargetTestKit;

namespace Cdc.Core.Tests.Targets.Postgres;

public sealed class ChangeBatchReducerTests
{
    private static readonly TableSchema Items = Simple();

    [Fact]
    public async Task Scd1_keeps_the_last_operation_per_key_in_first_seen_order()
    {
        var batch = await ReduceAsync(scd: 1,
            Insert(At(1), 1L, "a", null),
            Insert(At(1), 2L, "b", null),
            Update(At(2), 1L, "a2", null),
            Delete(At(3), 2L, Unchanged.Value, Unchanged.Value),
            Update(At(4), 1L, "a3", null));

        batch.RowsRead.Should().Be(5);
        batch.Changes.Should().HaveCount(2);
        batch.Changes[0].Values[1].Should().Be("a3");
        batch.Changes[0].IsDelete.Should().BeFalse();
        batch.Changes[1].IsDelete.Should().BeTrue();
        batch.Changes[1].At.Should().Be(At(3));
    }

    [Fact]
    public async Task Unchanged_values_are_taken_from_the_keys_earlier_row()
    {
        var batch = await ReduceAsync(scd: 1,
            Update(At(1), 1L, "first", Dec("1.00")),
            Update(At(2), 1L, Unchanged.Value, Dec("2.00")),
            Update(At(3), 2L, Unchanged.Value, Dec("3.00")));

        batch.Changes[0].Values.Should().Equal(1L, "first", Dec("2.00"));
        batch.Changes[1].Values[1].Should().BeSameAs(Unchanged.Value);
        batch.Flagged.Should().Equal(false, true, false);
    }

    [Fact]
    public async Task A_delete_gives_no_values_to_a_later_row()
    {
        var batch = await ReduceAsync(scd: 1,
            Delete(At(1), 1L, Unchanged.Value, Unchanged.Value),
            Update(At(2), 1L, Unchanged.Value, Dec("1.00")));

        batch.Changes.Should().ContainSingle().Which.Values[1].Should().BeSameAs(Unchanged.Value);
    }

    [Fact]
    public async Task Scd2_keeps_one_change_per_key_and_commit_time()
    {
        var batch = await ReduceAsync(scd: 2,
            Insert(At(1), 1L, "a", null),
            Update(At(1), 1L, "a-same-commit", null),
            Update(At(2), 1L, "b", null),
            Delete(At(3), 1L, Unchanged.Value, Unchanged.Value),
            Insert(At(4), 1L, "c", null));

        batch.Changes.Select(c => (c.IsDelete, c.At)).Should().Equal((false, At(1)), (false, At(2)), (true, At(3)), (false, At(4)));
        batch.Changes[0].Values[1].Should().Be("a-same-commit");
    }

    [Fact]
    public async Task Keys_match_by_value_bytes_by_content_and_decimals_regardless_of_trailing_zeros()
    {
        var schema = Schema("binkeys", [new("k", LogicalType.Binary), new("d", LogicalType.Decimal), new("v", LogicalType.String)], "k", "d");
        var layout = TargetTableLayout.For(Flow(schema), schema);
        var rows = Rows([
            Insert(At(1), new byte[] { 1, 2 }, Dec("1.0"), "x"),
            Update(At(2), new byte[] { 1, 2 }, Dec("1.00"), "y"),
            Insert(At(3), new byte[] { 1, 3 }, Dec("1.0"), "z"),
        ]);

        var batch = await ChangeBatchReducer.ReduceAsync(layout, rows, CancellationToken.None);

        batch.Changes.Select(c => c.Values[2]).Should().Equal("y", "z");
    }

    [Fact]
    public async Task A_missing_key_value_is_named()
    {
        var act = () => ReduceAsync(scd: 1, Insert(At(1), null, "a", null));

        (await act.Should().ThrowAsync<TargetValueException>()).Which.Column.Should().Be("id");
    }

    [Fact]
    public async Task A_row_of_the_wrong_width_is_refused()
    {
        var act = () => ReduceAsync(scd: 1, Insert(At(1), 1L, "a"));

        await act.Should().ThrowAsync<InvalidDataException>().WithMessage("*2 values*3 columns*");
    }

    private static Task<ReducedBatch> ReduceAsync(int scd, params ChangeRow[] rows) =>
        ChangeBatchReducer.ReduceAsync(TargetTableLayout.For(Flow(Items, scd: scd), Items), Rows(rows), CancellationToken.None);
}
