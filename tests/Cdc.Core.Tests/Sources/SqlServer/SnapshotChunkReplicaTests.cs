using System.Data.Common;
using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;
using Cdc.Core.Sources.SqlServer.Cdc;
using Cdc.Core.Tests.Sources.SqlServer.Cdc;
using static Cdc.Core.Tests.Sources.SqlServer.SqlServerTestSupport;

namespace Cdc.Core.Tests.Sources.SqlServer;

/// <summary>Each snapshot chunk reads, in its own SNAPSHOT transaction and before its rows, how far its replica has come,
/// and refuses to read on one behind the start its snapshot began at.</summary>
public sealed class SnapshotChunkReplicaTests
{
    private static readonly TableSchema Items = new(new TableId("dbo", "items"), [Column("id", "int", 4, 10, nullable: false), Column("name", "nvarchar", 100)], ["id"]);

    private const string ChunkSql = "SELECT TOP (@n) t.[id], t.[name] FROM [dbo].[items] AS t ORDER BY t.[id]";
    private const string CurrentVersionSql = "SELECT CHANGE_TRACKING_CURRENT_VERSION()";
    private const string CdcPositionSql = "SELECT sys.fn_cdc_get_max_lsn(), sys.fn_cdc_get_min_lsn(@instance)";
    private static readonly SnapshotStart ChangeTrackingStart = new("ct:00000000000000000100", null);
    private static readonly SnapshotStart CdcStart = new(CdcTestData.Lsn(100).ToString(), "dbo_items");

    private static DbDataReader Rows(string sql) => sql == ChunkSql
        ? ResultSet([("id", typeof(int)), ("name", typeof(string))], [1, "a"], [2, "b"])
        : throw new InvalidOperationException($"Unexpected statement: {sql}");

    /// <summary>Answers the current version with each of <paramref name="versions"/> in turn, and the chunk with two rows.</summary>
    private static RecordingSessions VersionsThenRows(params long[] versions)
    {
        var next = new Queue<long>(versions);
        return new RecordingSessions((sql, _) => sql == CurrentVersionSql ? ResultSet([("v", typeof(long))], [next.Dequeue()]) : Rows(sql));
    }

    private static async Task<List<object?[]>> ReadAsync(SqlServerSnapshotReader reader)
    {
        var rows = new List<object?[]>();
        await foreach (var row in reader.ReadChunkAsync(Items, null, 2, null, CancellationToken.None)) rows.Add(row);
        return rows;
    }

    private static SqlServerSnapshotReader Reader(RecordingSessions sessions, TimeProvider time, SnapshotStart? start)
    {
        var reader = new SqlServerSnapshotReader(sessions, time, new CapturedLog());
        if (start is not null) reader.Started(Items.Table, start);
        return reader;
    }

    [Fact]
    public async Task A_change_tracking_chunk_reads_the_current_version_first_in_its_snapshot_transaction()
    {
        var sessions = VersionsThenRows(100);

        var rows = await ReadAsync(Reader(sessions, new ImmediateTime(), ChangeTrackingStart));

        rows.Should().BeEquivalentTo(new object?[][] { [1, "a"], [2, "b"] }, o => o.WithStrictOrdering());
        sessions.Log.Should().Equal("open", "begin snapshot", "sql " + CurrentVersionSql, "sql " + ChunkSql + " | @n=2", "commit", "close");
    }

    [Fact]
    public async Task A_replica_behind_the_start_is_left_and_a_new_connection_tried_after_a_growing_wait()
    {
        var sessions = VersionsThenRows(98, 99, 250);
        var time = new ImmediateTime();

        var rows = await ReadAsync(Reader(sessions, time, ChangeTrackingStart));

        rows.Should().HaveCount(2);
        time.Delays.Should().Equal(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        sessions.Log.Should().Equal(
            "open", "begin snapshot", "sql " + CurrentVersionSql, "close",
            "open", "begin snapshot", "sql " + CurrentVersionSql, "close",
            "open", "begin snapshot", "sql " + CurrentVersionSql, "sql " + ChunkSql + " | @n=2", "commit", "close");
    }

    [Fact]
    public async Task A_replica_that_stays_behind_fails_the_chunk_without_reading_a_row()
    {
        var sessions = VersionsThenRows(99, 99, 99, 99);
        var time = new ImmediateTime();

        var failure = await FluentActions.Awaiting(() => ReadAsync(Reader(sessions, time, ChangeTrackingStart))).Should().ThrowAsync<SourceException>();

        failure.Which.Message.Should().Be(
            "The replica reading a snapshot chunk of dbo.items is behind: it has come to ct:00000000000000000099, below ct:00000000000000000100 where the snapshot started, "
            + "so the chunk could miss changes that capture, reading only after the start, would never bring; still so after 4 attempts over 7 s. "
            + "Nothing was read. The run can be repeated once the replica has caught up (sys.dm_hadr_database_replica_states shows how far behind it is).");
        time.Delays.Should().Equal(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        sessions.Statements.Should().Equal(Enumerable.Repeat(CurrentVersionSql, 4));
        sessions.Log.Count(l => l == "open").Should().Be(4);
        sessions.Log.Count(l => l == "close").Should().Be(4);
        sessions.Log.Should().NotContain("commit");
    }

    [Fact]
    public async Task A_cdc_chunk_reads_the_end_and_the_instances_start_as_the_snapshot_start_was_computed()
    {
        // Right after the instance was enabled the end lies below its start; the snapshot started at the start's
        // predecessor, and a chunk finding the same is not behind.
        var sessions = new RecordingSessions((sql, _) => sql == CdcPositionSql
            ? ResultSet([("max", typeof(byte[])), ("min", typeof(byte[]))], [CdcTestData.Lsn(90).ToBytes(), CdcTestData.Lsn(101).ToBytes()])
            : Rows(sql));

        var rows = await ReadAsync(Reader(sessions, new ImmediateTime(), CdcStart));

        rows.Should().HaveCount(2);
        sessions.Log.Should().Equal(
            "open", "begin snapshot", "sql " + CdcPositionSql + " | @instance=dbo_items", "sql " + ChunkSql + " | @n=2", "commit", "close");
    }

    [Fact]
    public async Task A_cdc_replica_behind_the_start_is_refused()
    {
        var sessions = new RecordingSessions((sql, _) => sql == CdcPositionSql
            ? ResultSet([("max", typeof(byte[])), ("min", typeof(byte[]))], [CdcTestData.Lsn(95).ToBytes(), CdcTestData.Lsn(50).ToBytes()])
            : Rows(sql));

        await FluentActions.Awaiting(() => ReadAsync(Reader(sessions, new ImmediateTime(), CdcStart))).Should().ThrowAsync<SourceException>()
            .WithMessage($"The replica reading a snapshot chunk of dbo.items is behind: it has come to {CdcTestData.Lsn(95)}, below {CdcTestData.Lsn(100)}*");
        sessions.Statements.Should().NotContain(ChunkSql);
    }

    [Fact]
    public async Task A_chunk_of_a_snapshot_not_begun_here_reads_only_its_rows()
    {
        var sessions = new RecordingSessions((sql, _) => Rows(sql));

        (await ReadAsync(Reader(sessions, new ImmediateTime(), null))).Should().HaveCount(2);

        sessions.Log.Should().Equal("open", "begin snapshot", "sql " + ChunkSql + " | @n=2", "commit", "close");
    }

    [Fact]
    public async Task The_latest_start_begun_here_is_the_one_chunks_are_held_to()
    {
        var sessions = VersionsThenRows(150, 150, 150, 150);
        var reader = Reader(sessions, new ImmediateTime(), ChangeTrackingStart);
        reader.Started(Items.Table, new SnapshotStart("ct:00000000000000000200", null));

        await FluentActions.Awaiting(() => ReadAsync(reader)).Should().ThrowAsync<SourceException>().WithMessage("*below ct:00000000000000000200*");
    }

    [Theory]
    [InlineData("ct:00000000000000000100", true)]
    [InlineData("ct:00000000000000000101", true)]
    [InlineData("ct:00000000000000000099", false)]
    [InlineData(null, false)]
    public void A_replica_is_far_enough_when_it_has_come_at_least_to_the_start(string? reached, bool farEnough) =>
        (ChangeTrackingStart.Behind(Items.Table, reached) is null).Should().Be(farEnough);

    [Fact]
    public void What_a_replica_has_come_to_is_read_as_the_start_was()
    {
        SqlServerSnapshotReader.ReachedQuery(ChangeTrackingStart).Sql.Should().Be(CurrentVersionSql);
        SqlServerSnapshotReader.ReachedQuery(ChangeTrackingStart).Parameters.Should().BeEmpty();
        var (sql, parameters) = SqlServerSnapshotReader.ReachedQuery(CdcStart);
        sql.Should().Be(CdcPositionSql);
        parameters.Select(p => (p.ParameterName, p.Value)).Should().Equal(("@instance", "dbo_items"));

        SqlServerSnapshotReader.Reached(ChangeTrackingStart, [123L], "shop").Should().Be("ct:00000000000000000123");
        FluentActions.Invoking(() => SqlServerSnapshotReader.Reached(ChangeTrackingStart, [null], "shop")).Should().Throw<SourceException>()
            .WithMessage("Change tracking is not enabled for database shop*");
        SqlServerSnapshotReader.Reached(CdcStart, [CdcTestData.Lsn(95).ToBytes(), CdcTestData.Lsn(50).ToBytes()], "shop").Should().Be(CdcTestData.Lsn(95).ToString());
        SqlServerSnapshotReader.Reached(CdcStart, [null, CdcTestData.Lsn(0).ToBytes()], "shop").Should().BeNull();
    }
}
