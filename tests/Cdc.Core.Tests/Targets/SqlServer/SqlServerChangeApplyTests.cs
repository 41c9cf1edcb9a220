using Cdc.Core.Model;
using Cdc.Core.Targets;
using Cdc.Core.Targets.Postgres;
using Cdc.Core.Targets.SqlServer;
using Cdc.Core.Tests.Fixtures;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

[Collection(SqlServerCollection.Name)]
public sealed class SqlServerChangeApplyTests(SqlServerFixture sqlServer)
{
    private static readonly TableSchema Items = Simple();

    [SqlServerFact]
    public async Task Applies_inserts_updates_and_deletes_and_counts_them()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;

        var result = await ApplyAsync(writer, flow, Items, 2,
            Insert(At(1), 10L, "ten", Dec("10.50")),
            Update(At(1), 1L, "one*", Dec("1.01")),
            Delete(At(1), 2L, Unchanged.Value, Unchanged.Value));

        result.Should().Be(new ApplyResult(3, 1, 1, 1));
        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "one*", "1.01"), (3L, "three", "3.00"), (10L, "ten", "10.50"));
    }

    [SqlServerFact]
    public async Task Dedupes_to_the_last_operation_per_key()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;

        var result = await ApplyAsync(writer, flow, Items, 2,
            Insert(At(1), 20L, "new", null),
            Update(At(2), 20L, "newer", null),
            Delete(At(3), 20L, Unchanged.Value, Unchanged.Value),
            Update(At(1), 1L, "first", Dec("1.10")),
            Update(At(2), 1L, "second", Dec("1.20")));

        result.Should().Be(new ApplyResult(5, 0, 1, 0));
        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "second", "1.20"), (2L, "two", "2.00"), (3L, "three", "3.00"));
    }

    [SqlServerFact]
    public async Task A_key_change_arrives_as_delete_then_insert()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;

        await ApplyAsync(writer, flow, Items, 2,
            Delete(At(1), 3L, Unchanged.Value, Unchanged.Value),
            Insert(At(1), 30L, "three", Dec("3.00")),
            Delete(At(2), 1L, Unchanged.Value, Unchanged.Value),
            Insert(At(2), 1L, "one again", Dec("9.99")));

        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "one again", "9.99"), (2L, "two", "2.00"), (30L, "three", "3.00"));
    }

    [SqlServerFact]
    public async Task Unchanged_values_keep_the_batch_or_target_value()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;

        await ApplyAsync(writer, flow, Items, 2,
            Update(At(1), 1L, Unchanged.Value, Dec("1.50")),
            Update(At(1), 2L, "two*", Dec("2.50")),
            Update(At(2), 2L, Unchanged.Value, Dec("2.60")),
            Insert(At(1), 4L, Unchanged.Value, Dec("4.00")));

        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "one", "1.50"), (2L, "two*", "2.60"), (3L, "three", "3.00"), (4L, null, "4.00"));
    }

    [SqlServerFact]
    public async Task Soft_deletes_mark_rows_and_a_reinsert_clears_the_mark()
    {
        var connection = await SharedDatabaseAsync(sqlServer);
        var flow = Flow(Items, softDeletes: true);
        await using var writer = Writer(connection);
        await LoadAsync(writer, flow, Items, 1, [Insert(T0, 1L, "one", Dec("1.00")), Insert(T0, 2L, "two", Dec("2.00"))]);

        var deleted = await ApplyAsync(writer, flow, Items, 2, Delete(At(5), 1L, Unchanged.Value, Unchanged.Value));
        var deletedAt = await ScalarAsync(connection, $"SELECT [__DELETED_AT] FROM {Q(flow)} WHERE id = 1");
        var again = await ApplyAsync(writer, flow, Items, 3, Delete(At(6), 1L, Unchanged.Value, Unchanged.Value));
        var reinserted = await ApplyAsync(writer, flow, Items, 4, Insert(At(7), 1L, "back", Dec("1.11")));

        deleted.Deleted.Should().Be(1);
        deletedAt.Should().Be(At(5));
        again.Deleted.Should().Be(0, "a row already marked keeps its first deletion time");
        reinserted.Updated.Should().Be(1);
        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "back", "1.11"), (2L, "two", "2.00"));
        (await ScalarAsync(connection, $"SELECT COUNT(*) FROM {Q(flow)} WHERE [__DELETED_AT] IS NOT NULL")).Should().Be(0);
    }

    [SqlServerFact]
    public async Task The_applied_state_advances_with_each_batch_including_empty_ones()
    {
        var (_, writer, flow) = await StartAsync();
        await using var __ = writer;

        await ApplyAsync(writer, flow, Items, 2, Insert(At(1), 5L, "five", null));
        var afterTwo = await writer.GetAppliedStateAsync(flow, CancellationToken.None);
        var empty = await ApplyAsync(writer, flow, Items, 3);
        var afterThree = await writer.GetAppliedStateAsync(flow, CancellationToken.None);

        afterTwo.Should().BeEquivalentTo(new { Sequence = 2L, SnapshotGeneration = 1, SchemaFingerprint = Items.Fingerprint });
        empty.Should().Be(new ApplyResult(0, 0, 0, 0));
        afterThree!.Sequence.Should().Be(3);
        afterThree.AppliedAt.Should().BeOnOrAfter(afterTwo!.AppliedAt);
    }

    [SqlServerFact]
    public async Task A_batch_at_or_below_the_applied_sequence_is_skipped()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;
        await ApplyAsync(writer, flow, Items, 2, Update(At(1), 1L, "applied", null));

        var replay = await ApplyAsync(writer, flow, Items, 2, Update(At(1), 1L, "replayed", null));

        replay.Should().Be(ApplyResult.Empty);
        (await SimpleRowsAsync(connection, flow, "id = 1")).Should().Equal((1L, "applied", null));
    }

    [SqlServerFact]
    public async Task Two_appliers_of_one_batch_at_once_apply_it_once()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;
        await using var other = Writer(connection);
        var rows = Enumerable.Range(100, 300).Select(i => Insert(At(1), (long)i, "n", null)).Append(Update(At(1), 1L, "one*", null)).ToArray();

        var results = await Task.WhenAll(ApplyAsync(writer, flow, Items, 2, rows), ApplyAsync(other, flow, Items, 2, rows));

        results.Count(r => r == ApplyResult.Empty).Should().Be(1);
        results.Single(r => r != ApplyResult.Empty).Should().Be(new ApplyResult(301, 300, 1, 0));
        (await ScalarAsync(connection, $"SELECT COUNT(*) FROM {Q(flow)}")).Should().Be(303);
    }

    [SqlServerFact]
    public async Task A_read_failure_mid_batch_leaves_data_and_state_as_before()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;

        var act = () => writer.ApplyChangesAsync(flow, Changes(Items, 2), FailAfter(Update(At(1), 1L, "lost", null), Delete(At(1), 2L, Unchanged.Value, Unchanged.Value)), CancellationToken.None);

        await act.Should().ThrowAsync<IOException>();
        await AssertUntouchedAsync(connection, writer, flow);
    }

    [SqlServerFact]
    public async Task A_bad_value_after_schema_evolution_rolls_back_the_evolution_too()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;
        var wider = Schema("items", [.. Items.Columns, new("note", LogicalType.String, MaxLength: 3)], "id");

        var act = () => ApplyAsync(writer, flow, wider, 2, Update(At(1), 1L, "changed", null, "ok"), Update(At(1), 2L, "changed", null, "too long"));

        (await act.Should().ThrowAsync<TargetValueException>()).WithMessage("*\"note\"*id=2*8 characters long; nvarchar(3)*");
        await AssertUntouchedAsync(connection, writer, flow);
        (await ColumnsAsync(connection, flow)).Select(c => c.Name).Should().Equal("id", "name", "amount");
    }

    [SqlServerFact]
    public async Task Creates_the_target_when_changes_arrive_before_any_snapshot()
    {
        var connection = await SharedDatabaseAsync(sqlServer);
        var flow = Flow(Items, "fresh schema", "Fresh ]Table");
        await using var writer = Writer(connection);

        var result = await ApplyAsync(writer, flow, Items, 1, Insert(At(1), 1L, "a", null), Insert(At(1), 2L, "b", null));

        result.Inserted.Should().Be(2);
        (await SimpleRowsAsync(connection, flow)).Should().HaveCount(2);
        (await PrimaryKeyAsync(connection, flow)).Should().Equal("id");
    }

    [SqlServerFact]
    public async Task Changes_to_a_table_without_keys_are_refused()
    {
        var keyless = Schema("logs", [new("line", LogicalType.String)]);
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);

        var act = () => ApplyAsync(writer, Flow(keyless), keyless, 1, Insert(At(1), "x"));

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*no key columns*");
    }

    [SqlServerFact]
    public async Task Keys_differing_only_below_a_microsecond_stay_distinct_rows()
    {
        var schema = Schema("events", [new("at", LogicalType.Timestamp, Nullable: false, SourceType: "datetime2(7)"), new("v", LogicalType.Int32)], "at");
        var connection = await SharedDatabaseAsync(sqlServer);
        var flow = Flow(schema);
        await using var writer = Writer(connection);
        var at = new DateTime(2024, 1, 1, 12, 0, 0);

        await ApplyAsync(writer, flow, schema, 1, Insert(At(1), at, 1), Insert(At(1), at.AddTicks(1), 2), Insert(At(1), at.AddTicks(9), 3));

        (await QueryAsync(connection, $"SELECT [at], v FROM {Q(flow)} ORDER BY [at]")).Select(r => ((DateTime)r[0]!, (int)r[1]!))
            .Should().Equal((at, 1), (at.AddTicks(1), 2), (at.AddTicks(9), 3));
    }

    private async Task<(string Connection, SqlServerTargetWriter Writer, IngestFlow Flow)> StartAsync()
    {
        var connection = await SharedDatabaseAsync(sqlServer);
        var flow = Flow(Items);
        var writer = Writer(connection);
        await LoadAsync(writer, flow, Items, 1, [Insert(T0, 1L, "one", Dec("1.00")), Insert(T0, 2L, "two", Dec("2.00")), Insert(T0, 3L, "three", Dec("3.00"))]);
        return (connection, writer, flow);
    }

    private static async Task AssertUntouchedAsync(string connection, SqlServerTargetWriter writer, IngestFlow flow)
    {
        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "one", "1.00"), (2L, "two", "2.00"), (3L, "three", "3.00"));
        var state = await writer.GetAppliedStateAsync(flow, CancellationToken.None);
        state.Should().BeEquivalentTo(new { Sequence = 1L, SchemaFingerprint = Items.Fingerprint });
    }

    private static async IAsyncEnumerable<ChangeRow> FailAfter(params ChangeRow[] rows)
    {
        foreach (var row in rows)
        {
            await Task.Yield();
            yield return row;
        }
        throw new IOException("staged file unreadable");
    }
}
