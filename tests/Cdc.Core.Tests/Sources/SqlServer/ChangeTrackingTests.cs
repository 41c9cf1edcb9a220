using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;
using static Cdc.Core.Tests.Sources.SqlServer.SqlServerTestSupport;

namespace Cdc.Core.Tests.Sources.SqlServer;

public sealed class ChangeTrackingTests
{
    private static readonly TableSchema Orders = new(new TableId("sales", "Orders"),
        [Column("region", "char", 2, nullable: false), Column("id", "int", 4, 10, nullable: false), Column("total", "decimal", 9, 18, 2), Column("note", "nvarchar", -1)],
        ["region", "id"]);

    private static readonly DateTimeOffset ReadTime = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The result set of <see cref="ChangeTrackingQuery.Changes"/> for <see cref="Orders"/>, typed as SqlClient returns it
    /// (the server names the key columns twice, once from CHANGETABLE and once from the table; a DataTable needs distinct names).</summary>
    private static (string, Type)[] ChangeColumns() =>
    [
        ("SYS_CHANGE_VERSION", typeof(long)), ("SYS_CHANGE_OPERATION", typeof(string)), ("ct.region", typeof(string)), ("ct.id", typeof(int)),
        ("region", typeof(string)), ("id", typeof(int)), ("total", typeof(decimal)), ("note", typeof(string)),
    ];

    [Fact]
    public void The_changes_statement_is_exact()
    {
        ChangeTrackingQuery.Changes(Orders).Should().Be(
            "SELECT ct.SYS_CHANGE_VERSION, ct.SYS_CHANGE_OPERATION, ct.[region], ct.[id], t.[region], t.[id], t.[total], t.[note] " +
            "FROM CHANGETABLE(CHANGES [sales].[Orders], @after) AS ct " +
            "LEFT OUTER JOIN [sales].[Orders] AS t ON t.[region] = ct.[region] AND t.[id] = ct.[id] " +
            "WHERE ct.SYS_CHANGE_VERSION <= @to ORDER BY ct.SYS_CHANGE_VERSION, ct.[region], ct.[id]");
    }

    [Fact]
    public void The_other_statements_are_exact()
    {
        ChangeTrackingQuery.CurrentVersion.Should().Be("SELECT CHANGE_TRACKING_CURRENT_VERSION()");
        ChangeTrackingQuery.MinValidVersion.Should().Be("SELECT CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(@table))");
    }

    [Fact]
    public void Hostile_names_and_converted_keys_are_quoted_in_the_changes_statement()
    {
        var table = new TableSchema(new TableId("we]ird", "Ta'ble ü"), [Column("n]ode", "hierarchyid", 892, nullable: false), Column("x", "int", 4, 10)], ["n]ode"]);
        ChangeTrackingQuery.Changes(table).Should().Be(
            "SELECT ct.SYS_CHANGE_VERSION, ct.SYS_CHANGE_OPERATION, CAST(ct.[n]]ode] AS nvarchar(4000)), CAST(t.[n]]ode] AS nvarchar(4000)), t.[x] " +
            "FROM CHANGETABLE(CHANGES [we]]ird].[Ta'ble ü], @after) AS ct " +
            "LEFT OUTER JOIN [we]]ird].[Ta'ble ü] AS t ON t.[n]]ode] = ct.[n]]ode] " +
            "WHERE ct.SYS_CHANGE_VERSION <= @to ORDER BY ct.SYS_CHANGE_VERSION, ct.[n]]ode]");
    }

    [Fact]
    public async Task Rows_of_a_version_form_one_transaction_in_order()
    {
        using var reader = ResultSet(ChangeColumns(),
            [11L, "I", "EU", 1, "EU", 1, 10.5m, "new"],
            [11L, "U", "EU", 2, "EU", 2, 20m, null],
            [12L, "D", "US", 7, null, null, null, null],
            [15L, "U", "EU", 1, "EU", 1, 11m, "changed"]);
        var sink = new RecordedChanges();

        var result = await ChangeTrackingReader.ReadAsync(reader, Orders, ReadTime, sink, CancellationToken.None);

        result.Should().Be(new ChangeTrackingReadResult(15, 3, 4, 0));
        sink.Events.Should().Equal(
            "begin ct:00000000000000000011", "Insert sales.Orders", "Update sales.Orders", "commit ct:00000000000000000011",
            "begin ct:00000000000000000012", "Delete sales.Orders", "commit ct:00000000000000000012",
            "begin ct:00000000000000000015", "Update sales.Orders", "commit ct:00000000000000000015");
        var rows = sink.Rows.Select(r => r.Row).ToList();
        rows[0].Values.Should().Equal("EU", 1, new Numeric(1050, 2), "new");
        rows[1].Values.Should().Equal("EU", 2, new Numeric(2000, 2), null);
        rows[2].Kind.Should().Be(ChangeKind.Delete);
        rows[2].Values.Should().Equal("US", 7, Unchanged.Value, Unchanged.Value);
        rows.Should().OnlyContain(r => r.CommitTime == ReadTime,
            "change tracking keeps commit times only to the minute, which could date a change before the snapshot row it replaces");
        sink.Rows.Should().OnlyContain(r => ReferenceEquals(r.Schema, Orders));
    }

    [Fact]
    public async Task An_insert_or_update_whose_row_is_gone_is_staged_as_a_delete()
    {
        using var reader = ResultSet(ChangeColumns(),
            [20L, "U", "EU", 3, null, null, null, null],
            [20L, "I", "EU", 4, null, null, null, null]);
        var sink = new RecordedChanges();

        var result = await ChangeTrackingReader.ReadAsync(reader, Orders, ReadTime, sink, CancellationToken.None);

        result.Vanished.Should().Be(2);
        sink.Rows.Select(r => r.Row.Kind).Should().Equal(ChangeKind.Delete, ChangeKind.Delete);
        sink.Rows.Select(r => r.Row.Values).Should().BeEquivalentTo(new object?[][] { ["EU", 3, Unchanged.Value, Unchanged.Value], ["EU", 4, Unchanged.Value, Unchanged.Value] });
        sink.Rows.Should().OnlyContain(r => r.Row.CommitTime == ReadTime);
    }

    [Fact]
    public async Task A_key_change_arrives_as_a_delete_of_the_old_key_and_an_insert_of_the_new()
    {
        // Change tracking records an update of a primary key as a delete and an insert in the same version.
        using var reader = ResultSet(ChangeColumns(),
            [30L, "D", "EU", 1, null, null, null, null],
            [30L, "I", "EU", 9, "EU", 9, 1m, "moved"]);
        var sink = new RecordedChanges();

        await ChangeTrackingReader.ReadAsync(reader, Orders, ReadTime, sink, CancellationToken.None);

        sink.Transactions.Should().ContainSingle().Which.Rows.Select(r => (r.Row.Kind, r.Row.Values[1])).Should().Equal((ChangeKind.Delete, 1), (ChangeKind.Insert, 9));
    }

    [Fact]
    public async Task No_rows_means_no_transaction()
    {
        using var reader = ResultSet(ChangeColumns());
        var sink = new RecordedChanges();
        (await ChangeTrackingReader.ReadAsync(reader, Orders, ReadTime, sink, CancellationToken.None)).LastVersion.Should().BeNull();
        sink.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task An_unknown_operation_is_refused()
    {
        using var reader = ResultSet(ChangeColumns(), [1L, "X", "EU", 1, "EU", 1, 1m, null]);
        await FluentActions.Awaiting(() => ChangeTrackingReader.ReadAsync(reader, Orders, ReadTime, new RecordedChanges(), CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("Change tracking returned operation 'X' for sales.Orders at version 1*");
    }

    [Fact]
    public void A_saved_version_below_the_minimum_valid_version_is_a_gap_naming_table_position_and_minimum()
    {
        ChangeTrackingRetention.GapReason(Orders.Table, "ct:00000000000000000100", 100, "shop").Should().BeNull();
        ChangeTrackingRetention.GapReason(Orders.Table, "ct:00000000000000000150", 100, "shop").Should().BeNull();
        ChangeTrackingRetention.GapReason(Orders.Table, "ct:00000000000000000099", 100, "shop").Should()
            .Be("the saved position of sales.Orders is change tracking version 99, older than the oldest version SQL Server still holds changes for, 100 (CHANGE_TRACKING_MIN_VALID_VERSION): " +
                "its changes were cleaned up after the database's CHANGE_RETENTION, or the table was truncated or had change tracking turned off and on again");
    }

    [Fact]
    public void A_cdc_position_for_a_change_tracking_table_is_a_gap() =>
        ChangeTrackingRetention.GapReason(Orders.Table, "lsn:0000002A000001F40003", 1, "shop").Should().Contain("captured with CDC before");

    [Fact]
    public void An_untracked_table_is_an_error_with_the_statement()
    {
        FluentActions.Invoking(() => ChangeTrackingRetention.GapReason(Orders.Table, "ct:00000000000000000001", null, "shop"))
            .Should().Throw<SourceException>().WithMessage("Change tracking information for sales.Orders is not available*ALTER TABLE [sales].[Orders] ENABLE CHANGE_TRACKING;*");
    }

    [Fact]
    public void Capture_refuses_to_read_past_a_gap()
    {
        FluentActions.Invoking(() => ChangeTrackingRetention.EnsureReadable(Orders.Table, 99, 100, "shop"))
            .Should().Throw<SourceException>().WithMessage("Changes of sales.Orders after change tracking version 99 are no longer available*rather than skip them*");
        FluentActions.Invoking(() => ChangeTrackingRetention.EnsureReadable(Orders.Table, 100, 100, "shop")).Should().NotThrow();
        FluentActions.Invoking(() => ChangeTrackingRetention.EnsureReadable(Orders.Table, 100, null, "shop")).Should().Throw<SourceException>();
    }

    [Fact]
    public void A_database_without_change_tracking_has_no_current_version()
    {
        ChangeTrackingCapture.CurrentVersionOf(17L, "shop").Should().Be(17);
        FluentActions.Invoking(() => ChangeTrackingCapture.CurrentVersionOf(DBNull.Value, "shop")).Should().Throw<SourceException>()
            .WithMessage("*ALTER DATABASE [shop] SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 7 DAYS, AUTO_CLEANUP = ON);");
    }
}
