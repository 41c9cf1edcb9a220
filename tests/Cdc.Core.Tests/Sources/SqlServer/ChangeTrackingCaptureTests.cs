using System.Data.Common;
using Cdc.Core.Model;
using Cdc.Core.Sources.SqlServer;
using Cdc.Core.Tests.Sources.SqlServer.Cdc;
using static Cdc.Core.Tests.Sources.SqlServer.SqlServerTestSupport;

namespace Cdc.Core.Tests.Sources.SqlServer;

/// <summary>Change tracking capture reads every table in one SNAPSHOT transaction up to the current version read
/// there, and leaves a table whose position lies beyond it (a replica behind an earlier one) as it is.</summary>
public sealed class ChangeTrackingCaptureTests
{
    private static readonly TableSchema Lines = new(new TableId("sales", "Lines"), [Column("id", "int", 4, 10, nullable: false), Column("qty", "int", 4, 10)], ["id"]);
    private static readonly TableSchema Orders = new(new TableId("sales", "Orders"), [Column("id", "int", 4, 10, nullable: false), Column("qty", "int", 4, 10)], ["id"]);

    private const string CurrentVersion = "SELECT CHANGE_TRACKING_CURRENT_VERSION()";
    private const string MinValid = "SELECT CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(@table))";
    private const string ServerClock = "SELECT SYSDATETIMEOFFSET()";
    private static readonly DateTimeOffset ServerNow = new(2025, 3, 4, 5, 6, 7, 123, TimeSpan.FromHours(1));

    private const string LinesChanges =
        "SELECT ct.SYS_CHANGE_VERSION, ct.SYS_CHANGE_OPERATION, ct.[id], t.[id], t.[qty] "
        + "FROM CHANGETABLE(CHANGES [sales].[Lines], @after) AS ct LEFT OUTER JOIN [sales].[Lines] AS t ON t.[id] = ct.[id] "
        + "WHERE ct.SYS_CHANGE_VERSION <= @to ORDER BY ct.SYS_CHANGE_VERSION, ct.[id]";

    private static DbDataReader Answer(string sql) => sql switch
    {
        CurrentVersion => ResultSet([("v", typeof(long))], [90L]),
        MinValid => ResultSet([("v", typeof(long))], [10L]),
        ServerClock => ResultSet([("now", typeof(DateTimeOffset))], [ServerNow]),
        LinesChanges => ResultSet(
            [("SYS_CHANGE_VERSION", typeof(long)), ("SYS_CHANGE_OPERATION", typeof(string)), ("ct.id", typeof(int)), ("id", typeof(int)), ("qty", typeof(int))],
            [85L, "U", 7, 7, 3]),
        _ => throw new InvalidOperationException($"Unexpected statement: {sql}"),
    };

    [Fact]
    public async Task A_table_ahead_of_the_replicas_current_version_is_not_read_and_keeps_its_position()
    {
        var sessions = new RecordingSessions((sql, _) => Answer(sql));
        var log = new CapturedLog();
        var sink = new RecordedChanges();

        var highest = await new ChangeTrackingCapture(sessions, log)
            .CaptureAsync([(Orders, 100), (Lines, 80)], sink, CancellationToken.None);

        highest.Should().Be(85);
        sink.Events.Should().Equal(
            "begin ct:00000000000000000085", "Update sales.Lines", "commit ct:00000000000000000085", "advance sales.Lines ct:00000000000000000090");
        sessions.Log.Should().Equal(
            "open", "begin snapshot", "sql " + CurrentVersion, "sql " + ServerClock,
            "sql " + MinValid + " | @table=[sales].[Lines]",
            "sql " + LinesChanges + " | @after=80, @to=90",
            "commit", "close");
        sink.Rows.Should().OnlyContain(r => r.Row.CommitTime == ServerNow, "changes carry the server's clock read in the capture's transaction");
        log.Lines.Should().Contain(l => l.StartsWith("Warning 1324: The position of sales.Orders, change tracking version 100, lies beyond the current version 90", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_table_at_the_current_version_is_read_and_stays_there()
    {
        var sessions = new RecordingSessions((sql, _) => sql == LinesChanges ? ResultSet(
            [("SYS_CHANGE_VERSION", typeof(long)), ("SYS_CHANGE_OPERATION", typeof(string)), ("ct.id", typeof(int)), ("id", typeof(int)), ("qty", typeof(int))]) : Answer(sql));
        var sink = new RecordedChanges();

        var highest = await new ChangeTrackingCapture(sessions, new CapturedLog()).CaptureAsync([(Lines, 90)], sink, CancellationToken.None);

        highest.Should().BeNull();
        sink.Events.Should().Equal("advance sales.Lines ct:00000000000000000090");
        sessions.Statements.Should().Equal(CurrentVersion, ServerClock, MinValid, LinesChanges);
    }
}
