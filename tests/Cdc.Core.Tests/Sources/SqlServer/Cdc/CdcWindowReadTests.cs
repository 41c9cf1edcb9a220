using System.Data;
using System.Data.Common;
using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer.Cdc;
using static Cdc.Core.Tests.Sources.SqlServer.Cdc.CdcTestData;
using static Cdc.Core.Tests.Sources.SqlServer.SqlServerTestSupport;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

/// <summary>
/// A CDC window is read in one SNAPSHOT transaction whose first statement reads the instance's low end and the end
/// CDC reached on that replica; a window cleanup cut into is refused before anything reaches the sink, and a replica
/// short of the window's end is tried again.
/// </summary>
public sealed class CdcWindowReadTests
{
    private const string PositionSql = "SELECT sys.fn_cdc_get_max_lsn(), sys.fn_cdc_get_min_lsn(@instance)";
    private const string EndSql = "SELECT sys.fn_cdc_get_max_lsn(), SYSDATETIMEOFFSET()";
    private const string FirstNeededSql = "SELECT sys.fn_cdc_increment_lsn(@after), sys.fn_cdc_get_min_lsn(@instance0)";

    private const string ChangesSql =
        "SELECT c.[__$start_lsn], c.[__$seqval], c.[__$operation], c.[__$update_mask], c.[id] AS [id], c.[note] AS [note], c.[amount] AS [amount], m.[tran_end_time]"
        + " FROM [cdc].[fn_cdc_get_all_changes_dbo_orders](@from_lsn, @to_lsn, N'all update old') AS c"
        + " OUTER APPLY (SELECT TOP (1) l.[tran_end_time] FROM [cdc].[lsn_time_mapping] AS l WHERE l.[start_lsn] = c.[__$start_lsn]) AS m"
        + " ORDER BY c.[__$start_lsn], c.[__$seqval], c.[__$operation]";

    private static readonly CdcCaptureInstance OrdersInstance = Instance("dbo_orders", 1, 0, OrdersColumns());
    private static readonly CdcWindow Window = new(OrdersInstance, Lsn(10), Lsn(20));
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 5, 0, 0, TimeSpan.Zero);

    private static string Hex(long lsn) => "0x" + Lsn(lsn).ToHex();

    private static DbDataReader Position(long? end, long? min) =>
        ResultSet([("max", typeof(byte[])), ("min", typeof(byte[]))], [end is { } e ? Lsn(e).ToBytes() : null, min is { } m ? Lsn(m).ToBytes() : null]);

    /// <summary>Two transactions shaped like <c>cdc.fn_cdc_get_all_changes_dbo_orders</c>'s rows.</summary>
    private static DbDataReader Changes()
    {
        var table = new DataTable();
        foreach (var (name, type) in new[]
                 {
                     ("__$start_lsn", typeof(byte[])), ("__$seqval", typeof(byte[])), ("__$operation", typeof(int)), ("__$update_mask", typeof(byte[])),
                     ("id", typeof(int)), ("note", typeof(string)), ("amount", typeof(decimal)), ("tran_end_time", typeof(DateTime)),
                 })
            table.Columns.Add(name, type);
        table.Rows.Add(Lsn(12).ToBytes(), Lsn(1).ToBytes(), 2, new byte[] { 7 }, 1, "a", 1.50m, new DateTime(2025, 3, 4, 5, 6, 7));
        table.Rows.Add(Lsn(15).ToBytes(), Lsn(1).ToBytes(), 1, new byte[] { 7 }, 1, "a", 1.50m, new DateTime(2025, 3, 4, 5, 6, 8));
        return table.CreateDataReader();
    }

    private static readonly string[] ChangeEvents =
        [$"begin {Lsn(12)}", "Insert dbo.orders 1,a,1.50", $"commit {Lsn(12)}", $"begin {Lsn(15)}", "Delete dbo.orders 1,a,1.50", $"commit {Lsn(15)}"];

    /// <summary>Answers the position statement with each of <paramref name="positions"/> in turn, and the changes.</summary>
    private static RecordingSessions Answering(params (long? End, long? Min)[] positions)
    {
        var next = new Queue<(long? End, long? Min)>(positions);
        return new RecordingSessions((sql, _) => sql switch
        {
            PositionSql => Position(next.Peek().End, next.Dequeue().Min),
            ChangesSql => Changes(),
            _ => throw new InvalidOperationException($"Unexpected statement: {sql}"),
        });
    }

    private static CdcReader Reader(RecordingSessions sessions, TimeProvider time, CapturedLog? log = null)
    {
        log ??= new CapturedLog();
        return new CdcReader(sessions, new CdcInstanceManager(sessions, new RecordingSessions(), log), manageCaptureInstances: false, time, log);
    }

    [Fact]
    public async Task A_window_checks_its_low_end_and_reads_its_changes_in_one_snapshot_transaction()
    {
        var sessions = Answering((20, 1));
        var sink = new RecordingSink();

        var result = await Reader(sessions, new ImmediateTime()).ReadWindowAsync(Discovered(), Window, Now, sink, CancellationToken.None);

        result.Should().Be(new CdcReadResult(2, 2, Lsn(15).ToString()));
        sink.Events.Should().Equal(ChangeEvents);
        sessions.Log.Should().Equal(
            "open", "begin snapshot", "sql " + PositionSql + " | @instance=dbo_orders",
            "sql " + ChangesSql + $" | @from_lsn={Hex(10)}, @to_lsn={Hex(20)}", "commit", "close");
    }

    [Fact]
    public async Task A_low_end_at_the_windows_start_still_holds_all_of_it()
    {
        var sink = new RecordingSink();
        await Reader(Answering((25, 10)), new ImmediateTime()).ReadWindowAsync(Discovered(), Window, Now, sink, CancellationToken.None);
        sink.Events.Should().Equal(ChangeEvents);
    }

    [Fact]
    public async Task A_window_cleanup_cut_into_is_refused_before_any_change_reaches_the_sink()
    {
        var sessions = Answering((20, 11));
        var sink = new RecordingSink();

        var failure = await FluentActions.Awaiting(() => Reader(sessions, new ImmediateTime()).ReadWindowAsync(Discovered(), Window, Now, sink, CancellationToken.None))
            .Should().ThrowAsync<SourceException>();

        failure.Which.Message.Should().Be(
            $"Capture instance dbo_orders of dbo.orders keeps changes only from {Lsn(11)} on, above {Lsn(10)} where this read starts: "
            + "CDC cleanup removed changes the table still needs. Nothing of them was handed over; the next run finds the same retention gap "
            + "and snapshots the table again (or fails it, per on_retention_gap).");
        sink.Events.Should().BeEmpty();
        sessions.Log.Should().Equal("open", "begin snapshot", "sql " + PositionSql + " | @instance=dbo_orders", "close");
    }

    [Fact]
    public async Task An_instance_gone_since_the_plan_is_refused_too()
    {
        var sessions = Answering((20, 0));
        await FluentActions.Awaiting(() => Reader(sessions, new ImmediateTime()).ReadWindowAsync(Discovered(), Window, Now, new RecordingSink(), CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("Capture instance dbo_orders of dbo.orders reports no change data any more*");
        sessions.Statements.Should().Equal(PositionSql);
    }

    [Fact]
    public async Task A_replica_short_of_the_windows_end_is_tried_again_on_a_new_connection()
    {
        var sessions = Answering((18, 1), (19, 1), (20, 1));
        var time = new ImmediateTime();
        var log = new CapturedLog();
        var sink = new RecordingSink();

        await Reader(sessions, time, log).ReadWindowAsync(Discovered(), Window, Now, sink, CancellationToken.None);

        sink.Events.Should().Equal(ChangeEvents);
        time.Delays.Should().Equal(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        sessions.Statements.Should().Equal(PositionSql, PositionSql, PositionSql, ChangesSql);
        sessions.Log.Count(l => l == "open").Should().Be(3);
        sessions.Log.Count(l => l == "close").Should().Be(3);
        log.Lines.Should().Contain($"Warning 1416: The replica reading changes of dbo.orders is behind: CDC there has captured up to {Lsn(18)}, below {Lsn(20)}, "
            + "the end this capture reads to; trying again on a new connection in 00:00:01");
    }

    [Fact]
    public async Task A_replica_that_stays_short_fails_the_window_with_nothing_handed_over()
    {
        var sessions = Answering((null, 1), (19, 1), (19, 1), (19, 1));
        var sink = new RecordingSink();

        await FluentActions.Awaiting(() => Reader(sessions, new ImmediateTime()).ReadWindowAsync(Discovered(), Window, Now, sink, CancellationToken.None))
            .Should().ThrowAsync<SourceException>()
            .WithMessage($"The replica reading changes of dbo.orders is behind: CDC there has captured up to {Lsn(19)}, below {Lsn(20)}*still so after 4 attempts*");
        sink.Events.Should().BeEmpty();
        sessions.Statements.Should().Equal(Enumerable.Repeat(PositionSql, 4));
    }

    [Fact]
    public async Task Capture_reads_the_end_the_first_needed_lsn_and_then_each_window_in_its_transaction()
    {
        var sessions = new RecordingSessions((sql, _) => sql switch
        {
            EndSql => ResultSet([("max", typeof(byte[])), ("now", typeof(DateTimeOffset))], [Lsn(20).ToBytes(), Now]),
            FirstNeededSql => ResultSet([("from", typeof(byte[])), ("min0", typeof(byte[]))], [Lsn(10).ToBytes(), Lsn(1).ToBytes()]),
            PositionSql => Position(20, 1),
            ChangesSql => Changes(),
            _ => throw new InvalidOperationException($"Unexpected statement: {sql}"),
        });
        var sink = new RecordingSink();
        var info = Info([OrdersInstance], "id", "note", "amount");

        var reached = await Reader(sessions, new ImmediateTime()).CaptureAsync([(Discovered(), info, Lsn(9).ToString())], sink, CancellationToken.None);

        reached.Should().Be(Lsn(20).ToString());
        sink.Events.Should().Equal([.. ChangeEvents, $"advance dbo.orders {Lsn(20)}"]);
        sessions.Log.Should().Equal(
            "open", "sql " + EndSql, "close",
            "open", "sql " + FirstNeededSql + $" | @after={Hex(9)}, @instance0=dbo_orders", "close",
            "open", "begin snapshot", "sql " + PositionSql + " | @instance=dbo_orders",
            "sql " + ChangesSql + $" | @from_lsn={Hex(10)}, @to_lsn={Hex(20)}", "commit", "close");
    }

    [Fact]
    public async Task A_table_whose_position_lies_beyond_the_end_read_is_neither_read_nor_moved_back()
    {
        var sessions = new RecordingSessions((sql, _) => sql == EndSql
            ? ResultSet([("max", typeof(byte[])), ("now", typeof(DateTimeOffset))], [Lsn(50).ToBytes(), Now])
            : throw new InvalidOperationException($"Unexpected statement: {sql}"));
        var sink = new RecordingSink();
        var log = new CapturedLog();
        var info = Info([OrdersInstance], "id", "note", "amount");

        var reached = await Reader(sessions, new ImmediateTime(), log).CaptureAsync([(Discovered(), info, Lsn(60).ToString())], sink, CancellationToken.None);

        reached.Should().BeNull();
        sink.Events.Should().BeEmpty("advancing to the end would move the position back");
        sessions.Statements.Should().Equal(EndSql);
        log.Lines.Should().Contain(l => l.StartsWith("Warning 1415: The position of dbo.orders, " + Lsn(60) + ", lies beyond the end CDC has captured, " + Lsn(50), StringComparison.Ordinal));
    }

    [Fact]
    public void A_snapshot_starts_at_the_end_but_never_below_the_last_lsn_before_the_instance()
    {
        CdcReadChecks.SnapshotPosition(Lsn(50), Lsn(10)).Should().Be(Lsn(50));
        CdcReadChecks.SnapshotPosition(Lsn(50), Lsn(80)).Should().Be(Lsn(79));
        CdcReadChecks.SnapshotPosition(Lsn(50), SqlLsn.Zero).Should().Be(Lsn(50));
        CdcReadChecks.SnapshotPosition(null, Lsn(80)).Should().Be(Lsn(79));
        CdcReadChecks.SnapshotPosition(SqlLsn.Zero, null).Should().BeNull();
    }

    [Fact]
    public void A_window_is_held_while_its_start_is_at_or_above_the_low_end_and_read_once_the_replica_reached_its_end()
    {
        CdcReadChecks.RetentionGap(Orders, Window, Lsn(10)).Should().BeNull();
        CdcReadChecks.RetentionGap(Orders, Window, Lsn(11)).Should().NotBeNull();
        CdcReadChecks.RetentionGap(Orders, Window, null).Should().NotBeNull();
        CdcReadChecks.ReplicaBehind(Orders, Window, Lsn(20)).Should().BeNull();
        CdcReadChecks.ReplicaBehind(Orders, Window, Lsn(21)).Should().BeNull();
        CdcReadChecks.ReplicaBehind(Orders, Window, Lsn(19)).Should().NotBeNull();
        CdcReadChecks.ReplicaBehind(Orders, Window, SqlLsn.Zero).Should().Contain("captured up to nothing");
    }
}
