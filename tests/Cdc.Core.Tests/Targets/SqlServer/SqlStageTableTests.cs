using Cdc.Core.Targets;
using System.Data.SqlTypes;
using Cdc.Core.Model;
using Cdc.Core.Targets.Postgres;
using Cdc.Core.Targets.SqlServer;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

/// <summary>The stage tables changes and snapshot chunks are bulk-copied into, and the rows staged for them.</summary>
public sealed class SqlStageTableTests
{
    private static readonly TableSchema Items = Simple();

    /// <summary>A key, a hierarchyid, a geography, a sql_variant and an xml column, as the SQL Server source describes them.</summary>
    private static readonly TableSchema Special = Schema("special",
    [
        new("id", LogicalType.Int32, SourceType: "int"),
        new("node", LogicalType.String, SourceType: "hierarchyid"),
        new("place", LogicalType.String, SourceType: "geography"),
        new("any", LogicalType.Json, SourceType: "sql_variant"),
        new("doc", LogicalType.String, SourceType: "xml"),
    ], "id");

    [Fact]
    public void The_stage_has_flags_only_for_columns_that_need_them_and_the_databases_collation()
    {
        var stage = new SqlStageTable(Layout(Items), [false, true, false]);

        stage.CreateSql().Should().Be("CREATE TABLE #ingest_stage (c0 bigint NULL, c1 nvarchar(max) COLLATE DATABASE_DEFAULT NULL, c2 decimal(12,2) NULL, " +
                                      "u1 bit NOT NULL, del bit NOT NULL, commit_at datetimeoffset(7) NOT NULL, seq int NOT NULL PRIMARY KEY)");
        stage.BulkFields.Select(f => f.Name).Should().Equal("c0", "c1", "c2", "u1", "del", "commit_at", "seq");
        stage.DestinationOrdinals.Should().Equal(0, 1, 2, 3, 4, 5, 6);
        stage.ConversionSql().Should().BeNull();
        SqlStageTable.DropSql().Should().Be("DROP TABLE #ingest_stage");
    }

    [Fact]
    public async Task Staged_rows_carry_typed_values_flags_and_keys_only_for_deletes()
    {
        var stage = new SqlStageTable(Layout(Items), [false, true, false]);
        NetChange[] changes =
        [
            new(false, [1L, Unchanged.Value, Dec("1.50")], At(1)),
            new(true, [2L, Unchanged.Value, Unchanged.Value], At(2)),
            new(false, [3L, "three", null], At(3)),
        ];

        var rows = await CopiesAsync(stage.RowsAsync(changes));

        rows.Should().HaveCount(3);
        rows[0].Should().Equal(1L, null, new SqlDecimal(1.50m), true, false, At(1), 0);
        rows[1].Should().Equal(2L, null, null, false, true, At(2), 1);
        rows[2].Should().Equal(3L, "three", null, false, false, At(3), 2);
    }

    [Fact]
    public async Task Values_built_in_sql_are_staged_as_text_and_converted_after_the_copy()
    {
        var stage = new SqlStageTable(Layout(Special), [false, false, false, false, false]);
        NetChange[] changes = [new(false, [1, "/1/3/", "SRID=4326;POINT (1 2)", "{\"type\":\"decimal(10,2)\",\"value\":\"12.50\"}", "<a/>"], At(1))];

        var row = (await CopiesAsync(stage.RowsAsync(changes))).Single();

        stage.CreateSql().Should().Be("CREATE TABLE #ingest_stage (c0 int NULL, c1 hierarchyid NULL, c2 geography NULL, c3 sql_variant NULL, c4 xml NULL, " +
                                      "r1 nvarchar(4000) COLLATE DATABASE_DEFAULT NULL, r2 nvarchar(max) COLLATE DATABASE_DEFAULT NULL, r2_srid int NULL, " +
                                      "r3 nvarchar(max) COLLATE DATABASE_DEFAULT NULL, r3_type nvarchar(64) COLLATE DATABASE_DEFAULT NULL, " +
                                      "del bit NOT NULL, commit_at datetimeoffset(7) NOT NULL, seq int NOT NULL PRIMARY KEY)");
        stage.BulkFields.Select(f => f.Name).Should().Equal("c0", "r1", "r2", "r2_srid", "r3", "r3_type", "c4", "del", "commit_at", "seq");
        stage.DestinationOrdinals.Should().Equal(0, 5, 6, 7, 8, 9, 4, 10, 11, 12);
        row.Should().Equal(1, "/1/3/", "POINT (1 2)", 4326, "12.50", "decimal(10,2)", "<a/>", false, At(1), 0);
        stage.ConversionSql().Should().Be("UPDATE #ingest_stage SET c1 = CASE WHEN r1 IS NULL THEN NULL ELSE hierarchyid::Parse(r1) END, " +
                                          "c2 = CASE WHEN r2 IS NULL THEN NULL ELSE geography::STGeomFromText(r2, r2_srid) END, " +
                                          "c3 = CASE r3_type WHEN N'decimal(10,2)' THEN CAST(CAST(r3 AS decimal(10,2)) AS sql_variant) END");
    }

    [Fact]
    public async Task A_value_that_cannot_be_staged_names_table_column_and_key()
    {
        var stage = new SqlStageTable(Layout(Items), [false, false, false]);
        NetChange[] changes = [new(false, [42L, "x", Dec("1.234")], At(1))];

        var act = () => ToListAsync(stage.RowsAsync(changes));

        await act.Should().ThrowAsync<TargetValueException>().WithMessage("Cannot write column \"amount\" of [dbo].[items] for the row with key (id=42): 1.234 has more digits after the point*");
    }

    [Fact]
    public async Task A_wrong_clr_type_names_the_expected_representation()
    {
        var stage = new SqlStageTable(Layout(Items), [false, false, false]);
        NetChange[] changes = [new(false, [43L, "x", 1.5m], At(1))];

        var act = () => ToListAsync(stage.RowsAsync(changes));

        await act.Should().ThrowAsync<TargetValueException>().WithMessage("*\"amount\"*id=43*Decimal*Numeric*");
    }

    [Fact]
    public async Task Snapshot_rows_go_straight_into_the_load_table_with_the_commit_time_for_scd2()
    {
        var staged = new SqlStagedColumns(Layout(Items, scd: 2));
        var fields = SqlSnapshotLoad.BulkFields(staged);

        var rows = await CopiesAsync(SqlSnapshotLoad.SnapshotRowsAsync(staged, fields.Count, Rows([Insert(At(5), 1L, "a", null)])));

        fields.Select(f => f.Name).Should().Equal("c0", "c1", "c2", "start_at");
        rows.Single().Should().Equal(1L, "a", null, At(5));
    }

    [Fact]
    public async Task Snapshot_rows_must_be_whole_inserts_with_keys()
    {
        var staged = new SqlStagedColumns(Layout(Items));

        var update = () => ToListAsync(SqlSnapshotLoad.SnapshotRowsAsync(staged, 3, Rows([Update(T0, 1L, "a", null)])));
        var nullKey = () => ToListAsync(SqlSnapshotLoad.SnapshotRowsAsync(staged, 3, Rows([Insert(T0, null, "a", null)])));
        var unchanged = () => ToListAsync(SqlSnapshotLoad.SnapshotRowsAsync(staged, 3, Rows([Insert(T0, 7L, Unchanged.Value, null)])));

        await update.Should().ThrowAsync<InvalidDataException>().WithMessage("*row 1 of a snapshot chunk is a Update*");
        await nullKey.Should().ThrowAsync<TargetValueException>().WithMessage("*\"id\" of [dbo].[items]*key column cannot be NULL*");
        await unchanged.Should().ThrowAsync<TargetValueException>().WithMessage("*\"name\"*id=7*not sent by the source*");
    }

    [Fact]
    public async Task A_snapshot_with_values_built_in_sql_goes_through_its_own_stage()
    {
        var staged = new SqlStagedColumns(Layout(Special, scd: 2));
        var rows = await CopiesAsync(SqlSnapshotLoad.SnapshotRowsAsync(staged, SqlSnapshotLoad.BulkFields(staged).Count,
            Rows([Insert(At(1), 1, "/1/", "SRID=4326;POINT (1 2)", "{\"type\":\"int\",\"value\":\"5\"}", "<a/>")])));

        rows.Single().Should().Equal(1, "/1/", "POINT (1 2)", 4326, "5", "int", "<a/>", At(1));

        SqlSnapshotLoad.CreateStageSql(staged).Should().Be(
            "CREATE TABLE #ingest_snapshot (c0 int NULL, r1 nvarchar(4000) COLLATE DATABASE_DEFAULT NULL, r2 nvarchar(max) COLLATE DATABASE_DEFAULT NULL, r2_srid int NULL, " +
            "r3 nvarchar(max) COLLATE DATABASE_DEFAULT NULL, r3_type nvarchar(64) COLLATE DATABASE_DEFAULT NULL, c4 xml NULL, start_at datetimeoffset(7) NULL)");
        SqlSnapshotLoad.InsertFromStageSql(staged, "special__ingest_load").Should().Be(
            "INSERT INTO [dbo].[special__ingest_load] WITH (TABLOCK) ([id], [node], [place], [any], [doc], [__START_AT]) " +
            "SELECT s.c0, CASE WHEN s.r1 IS NULL THEN NULL ELSE hierarchyid::Parse(s.r1) END, " +
            "CASE WHEN s.r2 IS NULL THEN NULL ELSE geography::STGeomFromText(s.r2, s.r2_srid) END, " +
            "CASE s.r3_type WHEN N'int' THEN CAST(CAST(s.r3 AS int) AS sql_variant) END, s.c4, s.start_at FROM #ingest_snapshot AS s");
    }

    [Fact]
    public void Duplicate_keys_are_named_from_the_servers_message()
    {
        var message = "The CREATE UNIQUE INDEX statement terminated because a duplicate key was found for the object name 'dbo.items__ingest_load' " +
                      "and the index name 'items__ingest_load__ingest_pk'. The duplicate key value is (7, abc).\r\nCould not create constraint or index. See previous errors.";

        SqlSnapshotLoad.DuplicateKey(["id", "code"], message).Should().Be("key (id, code) = (7, abc) occurs more than once");
    }
}
