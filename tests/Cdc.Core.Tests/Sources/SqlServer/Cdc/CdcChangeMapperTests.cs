using System.Data;
using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;
using Cdc.Core.Sources.SqlServer.Cdc;
using static Cdc.Core.Tests.Sources.SqlServer.Cdc.CdcTestData;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

/// <summary>
/// Result sets shaped like <c>cdc.fn_cdc_get_all_changes_&lt;instance&gt;</c>: __$start_lsn binary(10), __$seqval
/// binary(10), __$operation int, __$update_mask varbinary(128), the captured columns with the CLR types SqlClient
/// returns, then the commit time the statement joins (tran_end_time, datetime).
/// </summary>
public sealed class CdcChangeMapperTests
{
    private static readonly TimeSpan Offset = TimeSpan.FromHours(2);
    private static readonly DateTimeOffset Fallback = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTime Committed = new(2025, 3, 4, 5, 6, 7, 890);

    private static DataTable ChangeTable(params (string Name, Type Type)[] columns)
    {
        var table = new DataTable();
        table.Columns.Add("__$start_lsn", typeof(byte[]));
        table.Columns.Add("__$seqval", typeof(byte[]));
        table.Columns.Add("__$operation", typeof(int));
        table.Columns.Add("__$update_mask", typeof(byte[]));
        foreach (var (name, type) in columns) table.Columns.Add(name, type);
        table.Columns.Add("tran_end_time", typeof(DateTime));
        return table;
    }

    private static DataTable Orders() => ChangeTable(("id", typeof(int)), ("note", typeof(string)), ("amount", typeof(decimal)));

    private static void Add(DataTable table, long lsn, long seqval, int operation, params object?[] values)
    {
        var row = table.NewRow();
        row[0] = Lsn(lsn).ToBytes();
        row[1] = Lsn(seqval).ToBytes();
        row[2] = operation;
        row[3] = new byte[] { 0x07 };
        for (var i = 0; i < values.Length; i++) row[4 + i] = values[i] ?? DBNull.Value;
        row[4 + values.Length] = Committed;
        table.Rows.Add(row);
    }

    private static async Task<(RecordingSink Sink, CdcReadResult Result)> MapAsync(TableSchema schema, CdcCaptureInstance instance, DataTable table, RecordingSink? sink = null)
    {
        var projection = CdcProjection.Create(schema, instance);
        var (_, layout) = CdcChangeQuery.Build(projection);
        sink ??= new RecordingSink();
        using var reader = table.CreateDataReader();
        var result = await new CdcChangeMapper(projection, layout, Offset, Fallback).MapAsync(reader, sink, CancellationToken.None);
        return (sink, result);
    }

    private static readonly CdcCaptureInstance OrdersInstance = Instance("dbo_orders", 1, 0, OrdersColumns());

    [Fact]
    public async Task Rows_sharing_a_commit_lsn_are_one_transaction_at_that_position()
    {
        var table = Orders();
        Add(table, 10, 1, 2, 1, "a", 1.50m);
        Add(table, 10, 2, 2, 2, "b", 2.00m);
        Add(table, 11, 1, 1, 1, "a", 1.50m);
        var (sink, result) = await MapAsync(Discovered(), OrdersInstance, table);
        sink.Events.Should().Equal(
            $"begin {Lsn(10)}", "Insert dbo.orders 1,a,1.50", "Insert dbo.orders 2,b,2.00", $"commit {Lsn(10)}",
            $"begin {Lsn(11)}", "Delete dbo.orders 1,a,1.50", $"commit {Lsn(11)}");
        result.Should().Be(new CdcReadResult(2, 3, Lsn(11).ToString()));
    }

    [Fact]
    public async Task An_update_stages_its_after_image_and_skips_the_before_image()
    {
        var table = Orders();
        Add(table, 12, 1, 3, 1, "a", 1.50m);
        Add(table, 12, 1, 4, 1, "a2", 3.25m);
        var (sink, _) = await MapAsync(Discovered(), OrdersInstance, table);
        sink.Events.Should().Equal($"begin {Lsn(12)}", "Update dbo.orders 1,a2,3.25", $"commit {Lsn(12)}");
    }

    [Fact]
    public async Task A_changed_key_is_a_delete_of_the_old_key_and_an_insert_of_the_new_row()
    {
        var table = Orders();
        Add(table, 13, 1, 3, 1, "a", 1.50m);
        Add(table, 13, 1, 4, 7, "a", 1.50m);
        Add(table, 13, 2, 3, 2, "b", 2.00m);
        Add(table, 13, 2, 4, 2, "b", 2.50m);
        var (sink, result) = await MapAsync(Discovered(), OrdersInstance, table);
        sink.Events.Should().Equal(
            $"begin {Lsn(13)}", "Delete dbo.orders 1,a,1.50", "Insert dbo.orders 7,a,1.50", "Update dbo.orders 2,b,2.50", $"commit {Lsn(13)}");
        result.Rows.Should().Be(3);
    }

    [Fact]
    public async Task Keys_compare_exactly_so_a_change_of_case_is_a_change_of_key()
    {
        var schema = new TableSchema(CdcTestData.Orders, [SqlServerTypeMapping.Map("code", "varchar", 10, 0, 0, false)], ["code"]);
        var instance = Instance("dbo_orders", 1, 0, Column("code", 1, "varchar", 10, 0, 0));
        var table = ChangeTable(("code", typeof(string)));
        Add(table, 14, 1, 3, "abc");
        Add(table, 14, 1, 4, "ABC");
        var (sink, _) = await MapAsync(schema, instance, table);
        sink.Events.Should().Equal($"begin {Lsn(14)}", "Delete dbo.orders abc", "Insert dbo.orders ABC", $"commit {Lsn(14)}");
    }

    [Fact]
    public async Task Every_change_carries_its_transactions_commit_time_in_the_servers_offset()
    {
        var table = Orders();
        Add(table, 15, 1, 2, 1, "a", 1.50m);
        var (sink, _) = await MapAsync(Discovered(), OrdersInstance, table);
        sink.Rows.Single().Row.CommitTime.Should().Be(new DateTimeOffset(Committed, Offset));

        var unmapped = Orders();
        Add(unmapped, 16, 1, 2, 1, "a", 1.50m);
        unmapped.Rows[0]["tran_end_time"] = DBNull.Value;
        (await MapAsync(Discovered(), OrdersInstance, unmapped)).Sink.Rows.Single().Row.CommitTime.Should().Be(Fallback);
    }

    [Fact]
    public async Task Rows_of_an_older_instance_are_projected_onto_the_newer_column_set()
    {
        // The schema is the newer instance's (with "extra"); the older one never captured "extra" and still has "legacy".
        var older = Instance("dbo_orders", 1, 0, [.. OrdersColumns(), Column("legacy", 4)]);
        var table = ChangeTable(("id", typeof(int)), ("note", typeof(string)), ("amount", typeof(decimal)));
        Add(table, 17, 1, 2, 1, "a", 1.50m);
        Add(table, 18, 1, 3, 1, "a", 1.50m);
        Add(table, 18, 1, 4, 1, "b", 1.50m);
        Add(table, 19, 1, 1, 1, "b", 1.50m);
        var (sink, _) = await MapAsync(Discovered("extra"), older, table);
        sink.Events.Where(e => !e.StartsWith("begin", StringComparison.Ordinal) && !e.StartsWith("commit", StringComparison.Ordinal)).Should().Equal(
            "Insert dbo.orders 1,a,1.50,null", "Update dbo.orders 1,b,1.50,?", "Delete dbo.orders 1,b,1.50,?");
        sink.Rows.Should().OnlyContain(r => r.Schema.Columns.Count == 4);
    }

    [Fact]
    public async Task A_key_change_read_from_an_older_instance_inserts_null_for_what_it_lacks()
    {
        var table = Orders();
        Add(table, 20, 1, 3, 1, "a", 1.50m);
        Add(table, 20, 1, 4, 2, "a", 1.50m);
        var (sink, _) = await MapAsync(Discovered("extra"), OrdersInstance, table);
        sink.Events.Should().Equal($"begin {Lsn(20)}", "Delete dbo.orders 1,a,1.50,?", "Insert dbo.orders 2,a,1.50,null", $"commit {Lsn(20)}");
    }

    [Fact]
    public async Task Large_values_cdc_leaves_null_in_deletes_and_before_images_are_unknown_not_null()
    {
        var schema = new TableSchema(CdcTestData.Orders,
        [
            SqlServerTypeMapping.Map("id", "int", 4, 10, 0, false), SqlServerTypeMapping.Map("body", "ntext", 16, 0, 0, true),
            SqlServerTypeMapping.Map("doc", "nvarchar", -1, 0, 0, true),
        ], ["id"]);
        var instance = Instance("dbo_orders", 1, 0, Column("id", 1), Column("body", 2, "ntext", 16, 0, 0), Column("doc", 3, "nvarchar", -1, 0, 0));
        var table = ChangeTable(("id", typeof(int)), ("body", typeof(string)), ("doc", typeof(string)));
        Add(table, 21, 1, 3, 1, null, null);
        Add(table, 21, 1, 4, 5, "text", "doc");
        Add(table, 22, 1, 1, 5, null, "doc");
        var (sink, _) = await MapAsync(schema, instance, table);
        sink.Events.Should().Equal(
            $"begin {Lsn(21)}", "Delete dbo.orders 1,?,?", "Insert dbo.orders 5,text,doc", $"commit {Lsn(21)}",
            $"begin {Lsn(22)}", "Delete dbo.orders 5,?,doc", $"commit {Lsn(22)}");
    }

    [Fact]
    public async Task A_max_key_column_cdc_leaves_out_of_the_before_image_is_the_unchanged_after_value()
    {
        // A table keyed by every column (no primary key) with an nvarchar(max): CDC writes NULL for it in the before-image
        // of an update that did not change it.
        var schema = new TableSchema(CdcTestData.Orders,
            [SqlServerTypeMapping.Map("code", "int", 4, 10, 0, false), SqlServerTypeMapping.Map("doc", "nvarchar", -1, 0, 0, false)], ["code", "doc"]);
        var instance = Instance("dbo_orders", 1, 0, Column("code", 1), Column("doc", 2, "nvarchar", -1, 0, 0));
        var table = ChangeTable(("code", typeof(int)), ("doc", typeof(string)));
        Add(table, 25, 1, 3, 1, null);
        Add(table, 25, 1, 4, 1, "long text");
        Add(table, 26, 1, 3, 1, null);
        Add(table, 26, 1, 4, 2, "long text");
        var (sink, _) = await MapAsync(schema, instance, table);
        sink.Events.Should().Equal(
            $"begin {Lsn(25)}", "Update dbo.orders 1,long text", $"commit {Lsn(25)}",
            $"begin {Lsn(26)}", "Delete dbo.orders 1,long text", "Insert dbo.orders 2,long text", $"commit {Lsn(26)}");
    }

    [Fact]
    public async Task Nulls_are_nulls()
    {
        var table = Orders();
        Add(table, 23, 1, 2, 1, null, null);
        (await MapAsync(Discovered(), OrdersInstance, table)).Sink.Events.Should().Contain("Insert dbo.orders 1,null,null");
    }

    [Fact]
    public async Task Tables_are_handed_over_one_after_another_each_in_commit_order()
    {
        var sink = new RecordingSink();
        var orders = Orders();
        Add(orders, 30, 1, 2, 1, "a", 1.00m);
        Add(orders, 32, 1, 2, 2, "b", 2.00m);
        var lines = new TableSchema(new TableId("dbo", "lines"), [SqlServerTypeMapping.Map("line", "bigint", 8, 19, 0, false)], ["line"]);
        var linesTable = ChangeTable(("line", typeof(long)));
        Add(linesTable, 30, 2, 2, 100L);
        Add(linesTable, 31, 1, 1, 100L);
        await MapAsync(Discovered(), OrdersInstance, orders, sink);
        await MapAsync(lines, Instance("dbo_lines", 1, 0, Column("line", 1, "bigint", 8, 19, 0)), linesTable, sink);
        sink.Events.Should().Equal(
            $"begin {Lsn(30)}", "Insert dbo.orders 1,a,1.00", $"commit {Lsn(30)}",
            $"begin {Lsn(32)}", "Insert dbo.orders 2,b,2.00", $"commit {Lsn(32)}",
            $"begin {Lsn(30)}", "Insert dbo.lines 100", $"commit {Lsn(30)}",
            $"begin {Lsn(31)}", "Delete dbo.lines 100", $"commit {Lsn(31)}");
    }

    [Fact]
    public async Task Nothing_read_hands_over_nothing()
    {
        var (sink, result) = await MapAsync(Discovered(), OrdersInstance, Orders());
        sink.Events.Should().BeEmpty();
        result.Should().Be(new CdcReadResult(0, 0, null));
    }

    [Fact]
    public async Task An_unknown_operation_is_an_error_naming_it()
    {
        var table = Orders();
        Add(table, 24, 1, 5, 1, "a", 1.50m);
        await FluentActions.Awaiting(() => MapAsync(Discovered(), OrdersInstance, table))
            .Should().ThrowAsync<SourceException>().WithMessage($"*dbo_orders of dbo.orders returned __$operation 5 at {Lsn(24)}*");
    }
}
