using Cdc.Core.Model;
using Cdc.Core.Targets;
using Cdc.Core.Targets.SqlServer;
using Cdc.Core.Tests.Fixtures;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

[Collection(SqlServerCollection.Name)]
public sealed class SqlServerScdType2Tests(SqlServerFixture sqlServer)
{
    private static readonly TableSchema Items = Simple();

    [SqlServerFact]
    public async Task Each_change_closes_the_current_version_and_opens_a_new_one()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;

        var first = await ApplyAsync(writer, flow, Items, 2, Update(At(20), 1L, "one v2", Dec("1.00")));
        var second = await ApplyAsync(writer, flow, Items, 3,
            Update(At(30), 1L, "one v3", Dec("1.00")),
            Update(At(40), 1L, "one v4", Dec("1.00")),
            Insert(At(30), 9L, "nine", null));

        first.Should().Be(new ApplyResult(1, 0, 1, 0));
        second.Should().Be(new ApplyResult(3, 1, 2, 0));
        (await VersionsAsync(connection, flow, 1)).Should().Equal(
            ("one", At(10), At(20)), ("one v2", At(20), At(30)), ("one v3", At(30), At(40)), ("one v4", At(40), null));
        (await VersionsAsync(connection, flow, 9)).Should().Equal(("nine", At(30), null));
        await AssertChainedAsync(connection, flow);
    }

    [SqlServerFact]
    public async Task The_last_operation_of_one_commit_time_wins()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;

        await ApplyAsync(writer, flow, Items, 2,
            Update(At(20), 1L, "interim", Dec("1.00")),
            Update(At(20), 1L, "final", Unchanged.Value));

        (await VersionsAsync(connection, flow, 1)).Should().Equal(("one", At(10), At(20)), ("final", At(20), null));
        (await ScalarAsync(connection, $"SELECT CAST(amount AS nvarchar(40)) FROM {Q(flow)} WHERE id = 1 AND [__END_AT] IS NULL")).Should().Be("1.00");
    }

    [SqlServerFact]
    public async Task Replayed_changes_equal_to_the_current_version_add_no_history()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;

        var replay = await ApplyAsync(writer, flow, Items, 2,
            Update(At(5), 1L, "older", Dec("0.50")),
            Update(At(10), 2L, "two", Dec("2.00")),
            Update(At(15), 2L, "two", Dec("2.00")),
            Update(At(15), 3L, Unchanged.Value, Dec("3.00")));

        replay.Should().Be(new ApplyResult(4, 0, 0, 0));
        (await ScalarAsync(connection, $"SELECT COUNT(*) FROM {Q(flow)}")).Should().Be(3);
        (await VersionsAsync(connection, flow, 1)).Should().Equal(("one", At(10), null));
    }

    [SqlServerFact]
    public async Task A_change_of_case_or_trailing_spaces_is_a_change()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;

        var result = await ApplyAsync(writer, flow, Items, 2, Update(At(20), 1L, "ONE", Dec("1.00")), Update(At(20), 2L, "two ", Dec("2.00")));

        result.Updated.Should().Be(2, "the database's collation may call them equal, history must not");
        (await VersionsAsync(connection, flow, 1)).Should().Equal(("one", At(10), At(20)), ("ONE", At(20), null));
    }

    [SqlServerFact]
    public async Task A_delete_closes_the_current_version_and_a_reinsert_opens_another()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;

        var deleted = await ApplyAsync(writer, flow, Items, 2, Delete(At(20), 2L, Unchanged.Value, Unchanged.Value));
        var twice = await ApplyAsync(writer, flow, Items, 3, Delete(At(25), 2L, Unchanged.Value, Unchanged.Value));
        var back = await ApplyAsync(writer, flow, Items, 4,
            Insert(At(30), 2L, "two again", null),
            Delete(At(40), 3L, Unchanged.Value, Unchanged.Value),
            Insert(At(50), 3L, "three again", null));

        deleted.Deleted.Should().Be(1);
        twice.Deleted.Should().Be(0);
        back.Should().Be(new ApplyResult(3, 2, 0, 1));
        (await VersionsAsync(connection, flow, 2)).Should().Equal(("two", At(10), At(20)), ("two again", At(30), null));
        (await VersionsAsync(connection, flow, 3)).Should().Equal(("three", At(10), At(40)), ("three again", At(50), null));
    }

    [SqlServerFact]
    public async Task Changes_older_than_the_history_are_skipped()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;
        await ApplyAsync(writer, flow, Items, 2, Update(At(30), 1L, "one v2", null));

        var result = await ApplyAsync(writer, flow, Items, 3, Update(At(20), 1L, "stale", null), Delete(At(25), 1L, Unchanged.Value, Unchanged.Value));

        result.Should().Be(new ApplyResult(2, 0, 0, 0));
        (await VersionsAsync(connection, flow, 1)).Should().Equal(("one", At(10), At(30)), ("one v2", At(30), null));
    }

    [SqlServerFact]
    public async Task A_replayed_batch_invents_no_history()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;
        ChangeRow[] batch = [Update(At(20), 1L, "one v2", Dec("1.00")), Delete(At(20), 2L, Unchanged.Value, Unchanged.Value)];
        await ApplyAsync(writer, flow, Items, 2, batch);
        var before = await QueryAsync(connection, $"SELECT id, name, [__START_AT], [__END_AT] FROM {Q(flow)} ORDER BY id, [__START_AT]");

        // The same changes again, as a later batch (a source that re-read them): all older or equal, nothing new.
        var again = await ApplyAsync(writer, flow, Items, 3, batch);

        again.Should().Be(new ApplyResult(2, 0, 0, 0));
        (await QueryAsync(connection, $"SELECT id, name, [__START_AT], [__END_AT] FROM {Q(flow)} ORDER BY id, [__START_AT]")).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
        await AssertChainedAsync(connection, flow);
    }

    [SqlServerFact]
    public async Task A_change_at_the_current_versions_start_replaces_it()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;
        await ApplyAsync(writer, flow, Items, 2, Update(At(20), 1L, "one v2", null));

        await ApplyAsync(writer, flow, Items, 3, Update(At(20), 1L, "one v2 corrected", null));

        (await VersionsAsync(connection, flow, 1)).Should().Equal(("one", At(10), At(20)), ("one v2 corrected", At(20), null));
        await AssertChainedAsync(connection, flow);
    }

    [SqlServerFact]
    public async Task Unchanged_values_come_from_the_current_version()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;

        await ApplyAsync(writer, flow, Items, 2, Update(At(20), 3L, "three v2", Unchanged.Value));

        (await QueryAsync(connection, $"SELECT name, CAST(amount AS nvarchar(40)) FROM {Q(flow)} WHERE id = 3 ORDER BY [__START_AT]"))
            .Select(r => ((string)r[0]!, (string)r[1]!)).Should().Equal(("three", "3.00"), ("three v2", "3.00"));
    }

    private async Task<(string Connection, SqlServerTargetWriter Writer, IngestFlow Flow)> StartAsync()
    {
        var connection = await SharedDatabaseAsync(sqlServer);
        var flow = Flow(Items, scd: 2);
        var writer = Writer(connection);
        await LoadAsync(writer, flow, Items, 1, [Insert(At(10), 1L, "one", Dec("1.00")), Insert(At(10), 2L, "two", Dec("2.00")), Insert(At(10), 3L, "three", Dec("3.00"))]);
        return (connection, writer, flow);
    }

    private static async Task<List<(string Name, DateTimeOffset Start, DateTimeOffset? End)>> VersionsAsync(string connection, IngestFlow flow, long id)
    {
        var rows = await QueryAsync(connection, $"SELECT name, [__START_AT], [__END_AT] FROM {Q(flow)} WHERE id = {id} ORDER BY [__START_AT]");
        return rows.Select(r => ((string)r[0]!, (DateTimeOffset)r[1]!, r[2] as DateTimeOffset?)).ToList();
    }

    /// <summary>Every closed version ends where the key's next version starts, and each key has at most one open version.</summary>
    private static async Task AssertChainedAsync(string connection, IngestFlow flow)
    {
        var broken = await ScalarAsync(connection,
            $"SELECT COUNT(*) FROM (SELECT [__END_AT], LEAD([__START_AT]) OVER (PARTITION BY id ORDER BY [__START_AT]) AS next_start FROM {Q(flow)}) AS v " +
            "WHERE v.next_start IS NOT NULL AND (v.[__END_AT] IS NULL OR v.[__END_AT] <> v.next_start)");
        var open = await ScalarAsync(connection, $"SELECT COUNT(*) FROM (SELECT id FROM {Q(flow)} WHERE [__END_AT] IS NULL GROUP BY id HAVING COUNT(*) > 1) AS x");
        broken.Should().Be(0);
        open.Should().Be(0);
    }
}
