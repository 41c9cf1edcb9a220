using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer.Cdc;
using Cdc.Core.Tests.Fixtures;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

[Collection(SqlServerCollection.Name)]
public sealed class CdcReaderServerTests(SqlServerFixture fixture)
{
    private const string CreateOrders = "CREATE TABLE dbo.orders (id int NOT NULL PRIMARY KEY, note nvarchar(50) NULL, amount decimal(18,2) NULL)";
    private const string EnableOrders = "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'orders', @role_name = NULL";
    private static readonly TableId Orders = new("dbo", "orders");

    private static TableSchema OrdersSchema(params (string, string, int, int, int)[] extra) =>
        CdcTestServer.Schema("orders", [("id", "int", 4, 10, 0), ("note", "nvarchar", 100, 0, 0), ("amount", "decimal", 9, 18, 2), .. extra]);

    /// <summary>The changed rows handed over, without transaction bounds and position advances.</summary>
    private static IEnumerable<string> Changes(RecordingSink sink) =>
        sink.Events.Where(e => !e.StartsWith("begin ", StringComparison.Ordinal) && !e.StartsWith("commit ", StringComparison.Ordinal) && !e.StartsWith("advance ", StringComparison.Ordinal));

    private static string LastCommit(RecordingSink sink) => sink.Events.Last(e => e.StartsWith("commit ", StringComparison.Ordinal))["commit ".Length..];

    [SqlServerFact]
    public async Task Inserts_updates_deletes_and_key_changes_arrive_in_commit_order_as_transactions()
    {
        await using var server = await CdcTestServer.CreateAsync(fixture, CreateOrders, EnableOrders, "CREATE TABLE dbo.plain (id int PRIMARY KEY)");
        await server.WaitForStartAsync("dbo_orders");
        var reader = server.Reader();
        var described = await reader.DescribeAsync([Orders, new TableId("dbo", "plain")], CancellationToken.None);
        described.Keys.Should().Equal(Orders);
        var info = described[Orders];
        info.Instances.Should().ContainSingle().Which.Name.Should().Be("dbo_orders");
        info.SourceColumns.Select(c => c.Name).Should().Equal("id", "note", "amount");
        var schema = reader.SchemaFor(OrdersSchema(), info);
        schema.Fingerprint.Should().Be(OrdersSchema().Fingerprint);
        var after = await reader.SnapshotPositionAsync(info, CancellationToken.None);
        (await reader.RetentionGapAsync(Orders, info, after, CancellationToken.None)).Should().BeNull();

        await server.ExecuteAsync(
            "BEGIN TRAN; INSERT INTO dbo.orders VALUES (1, N'a', 1.50); INSERT INTO dbo.orders VALUES (2, N'b', 2.00); COMMIT",
            "UPDATE dbo.orders SET note = N'a2' WHERE id = 1",
            "DELETE FROM dbo.orders WHERE id = 2",
            "UPDATE dbo.orders SET id = 10 WHERE id = 1");
        await server.WaitForRowsAsync("dbo_orders", 7);

        var sink = new RecordingSink();
        var reached = await reader.CaptureAsync([(schema, info, after)], sink, CancellationToken.None);

        Changes(sink).Should().Equal(
            "Insert dbo.orders 1,a,1.50", "Insert dbo.orders 2,b,2.00", "Update dbo.orders 1,a2,1.50", "Delete dbo.orders 2,b,2.00",
            "Delete dbo.orders 1,a2,1.50", "Insert dbo.orders 10,a2,1.50");
        var commits = sink.Events.Where(e => e.StartsWith("commit ", StringComparison.Ordinal)).ToList();
        commits.Should().HaveCount(4).And.OnlyHaveUniqueItems();
        commits.Select(c => c["commit ".Length..]).Should().BeInAscendingOrder(Comparer<string>.Create(SqlLsn.ComparePositions));
        sink.Rows.Should().OnlyContain(r => r.Row.CommitTime > DateTimeOffset.UtcNow.AddMinutes(-10) && r.Row.CommitTime <= DateTimeOffset.UtcNow.AddMinutes(1));
        SqlLsn.ComparePositions(reached!, LastCommit(sink)).Should().BeGreaterThanOrEqualTo(0);

        // From the last commit on there is nothing more.
        var again = new RecordingSink();
        await reader.CaptureAsync([(schema, info, LastCommit(sink))], again, CancellationToken.None);
        Changes(again).Should().BeEmpty();
    }

    [SqlServerFact]
    public async Task An_added_column_switches_to_a_new_capture_instance_and_the_old_one_is_dropped_once_read_past()
    {
        await using var server = await CdcTestServer.CreateAsync(fixture, CreateOrders, EnableOrders);
        await server.WaitForStartAsync("dbo_orders");
        var reader = server.Reader(manageCaptureInstances: true);
        var info = (await reader.DescribeAsync([Orders], CancellationToken.None))[Orders];
        var position = await reader.SnapshotPositionAsync(info, CancellationToken.None);
        await server.ExecuteAsync("INSERT INTO dbo.orders VALUES (1, N'a', 1.00)", "ALTER TABLE dbo.orders ADD extra int NULL", "INSERT INTO dbo.orders VALUES (2, N'b', 2.00, 5)");
        await server.WaitForRowsAsync("dbo_orders", 2);

        // The old instance does not capture "extra": the schema leaves it out, and capture creates an instance that has it.
        info = (await reader.DescribeAsync([Orders], CancellationToken.None))[Orders];
        var schema = reader.SchemaFor(OrdersSchema(("extra", "int", 4, 10, 0)), info);
        schema.Columns.Select(c => c.Name).Should().Equal("id", "note", "amount");
        var first = new RecordingSink();
        await reader.CaptureAsync([(schema, info, position)], first, CancellationToken.None);
        Changes(first).Should().Equal("Insert dbo.orders 1,a,1.00", "Insert dbo.orders 2,b,2.00");
        position = LastCommit(first);
        (await server.ScalarAsync<int>("SELECT COUNT(*) FROM cdc.change_tables WHERE capture_instance = N'dbo_orders_2'")).Should().Be(1, "the log says:\n{0}", server.Log);

        await server.WaitForStartAsync("dbo_orders_2");
        await server.ExecuteAsync("UPDATE dbo.orders SET extra = 6 WHERE id = 2", "INSERT INTO dbo.orders VALUES (3, N'c', 3.00, 7)");
        await server.WaitForRowsAsync("dbo_orders_2", 3);

        // The new instance is in use now: the schema carries "extra", and changes from its start on come from it.
        info = (await reader.DescribeAsync([Orders], CancellationToken.None))[Orders];
        info.Instances.Select(i => i.Name).Should().Equal("dbo_orders", "dbo_orders_2");
        info.InUse.Name.Should().Be("dbo_orders_2");
        schema = reader.SchemaFor(OrdersSchema(("extra", "int", 4, 10, 0)), info);
        schema.Columns.Select(c => c.Name).Should().Equal("id", "note", "amount", "extra");
        var second = new RecordingSink();
        await reader.CaptureAsync([(schema, info, position)], second, CancellationToken.None);
        Changes(second).Should().Equal("Update dbo.orders 2,b,2.00,6", "Insert dbo.orders 3,c,3.00,7");
        (await server.ScalarAsync<int>("SELECT COUNT(*) FROM cdc.change_tables WHERE capture_instance = N'dbo_orders'")).Should().Be(1);

        // Read past the new instance's start, the old instance is dropped.
        var third = new RecordingSink();
        await reader.CaptureAsync([(schema, info, LastCommit(second))], third, CancellationToken.None);
        Changes(third).Should().BeEmpty();
        (await server.ScalarAsync<int>("SELECT COUNT(*) FROM cdc.change_tables WHERE capture_instance = N'dbo_orders'")).Should().Be(0, "the log says:\n{0}", server.Log);
        (await reader.DescribeAsync([Orders], CancellationToken.None))[Orders].Instances.Select(i => i.Name).Should().Equal("dbo_orders_2");
    }

    [SqlServerFact]
    public async Task A_position_below_what_cleanup_kept_is_a_retention_gap_and_is_never_read_past()
    {
        await using var server = await CdcTestServer.CreateAsync(fixture, CreateOrders, EnableOrders);
        await server.WaitForStartAsync("dbo_orders");
        var reader = server.Reader();
        var info = (await reader.DescribeAsync([Orders], CancellationToken.None))[Orders];
        var before = await reader.SnapshotPositionAsync(info, CancellationToken.None);
        await server.ExecuteAsync("INSERT INTO dbo.orders VALUES (1, N'a', 1.00)");
        await server.WaitForRowsAsync("dbo_orders", 1);
        await Task.Delay(100); // a later commit time, so cleanup cannot fold the two commits together
        await server.ExecuteAsync("INSERT INTO dbo.orders VALUES (2, N'b', 2.00)");
        await server.WaitForRowsAsync("dbo_orders", 2);
        var second = (await server.LsnAsync("SELECT MAX(__$start_lsn) FROM cdc.dbo_orders_CT"))!.Value;
        await server.ExecuteAsync(
            $"DECLARE @low binary(10) = 0x{second.ToHex()}; EXEC sys.sp_cdc_cleanup_change_table @capture_instance = N'dbo_orders', @low_water_mark = @low, @threshold = 5000");

        var gap = await reader.RetentionGapAsync(Orders, info, before, CancellationToken.None);
        gap.Should().Contain("dbo.orders").And.Contain("dbo_orders").And.Contain($"from {second} on");
        var schema = reader.SchemaFor(OrdersSchema(), info);
        await FluentActions.Awaiting(() => reader.CaptureAsync([(schema, info, before)], new RecordingSink(), CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("*dbo.orders*cleanup*");

        // Just below the new minimum nothing is missing: the first change still needed is the minimum itself.
        var justBefore = second.Decrement().ToString();
        (await reader.RetentionGapAsync(Orders, info, justBefore, CancellationToken.None)).Should().BeNull();
        var sink = new RecordingSink();
        await reader.CaptureAsync([(schema, info, justBefore)], sink, CancellationToken.None);
        Changes(sink).Should().Equal("Insert dbo.orders 2,b,2.00");
    }
}
