using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;
using Cdc.Core.Tests.Fixtures;
using static Cdc.Core.Tests.Sources.SqlServer.SqlServerSourceDatabase;

namespace Cdc.Core.Tests.Sources.SqlServer;

[Collection(SqlServerCollection.Name)]
public sealed class SqlServerSourceServerTests(SqlServerFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SqlServerFact]
    public async Task Discovery_reads_keys_types_and_capture_modes()
    {
        var db = await CreateAsync(fixture,
            "CREATE SCHEMA sales",
            "CREATE TYPE sales.Code FROM nvarchar(12) NOT NULL",
            "CREATE TABLE sales.Orders (region char(2) NOT NULL, id bigint NOT NULL, code sales.Code, total decimal(38,10) NULL, doubled AS id * 2, CONSTRAINT pk_orders PRIMARY KEY (id, region))",
            "ALTER TABLE sales.Orders ENABLE CHANGE_TRACKING",
            "CREATE TABLE sales.Skipped (id int PRIMARY KEY)",
            "CREATE VIEW sales.OrderView AS SELECT id FROM sales.Orders");
        var connector = db.Connector();

        var tables = await connector.DiscoverAsync([new TableSelection("sales", null, null, ["Skipped"])], None);

        var orders = tables.Should().ContainSingle().Subject;
        orders.Table.Should().Be(new TableId("sales", "Orders"));
        orders.KeyColumns.Should().Equal("id", "region");
        orders.Columns.Select(c => (c.Name, c.SourceType)).Should().Equal(
            ("region", "char(2)"), ("id", "bigint"), ("code", "nvarchar(12)"), ("total", "decimal(38,10)"), ("doubled", "bigint"));
        orders.Columns.Take(4).Select(c => c.Nullable).Should().Equal(false, false, false, true);
        (await connector.EstimateRowCountAsync(orders, None)).Should().Be(0);
    }

    [SqlServerFact]
    public async Task A_table_without_capture_enabled_is_refused_with_the_statements()
    {
        var db = await CreateAsync(fixture, "CREATE TABLE dbo.[it's] (id int PRIMARY KEY)", "CREATE TABLE dbo.heap (id int)");
        var connector = db.Connector();
        var database = await db.ScalarAsync<string>("SELECT DB_NAME()");

        var keyed = await FluentActions.Awaiting(() => connector.DiscoverAsync([Table("dbo", "it's")], None)).Should().ThrowAsync<SourceException>();
        keyed.Which.Message.Should().Contain("ALTER TABLE [dbo].[it's] ENABLE CHANGE_TRACKING;").And.Contain("EXEC sys.sp_cdc_enable_db;");
        var heap = await FluentActions.Awaiting(() => connector.DiscoverAsync([Table("dbo", "heap", mode: CaptureMode.ChangeTracking)], None)).Should().ThrowAsync<SourceException>();
        heap.Which.Message.Should().StartWith("Table dbo.heap has no primary key, and change tracking");
        var wrongCase = await FluentActions.Awaiting(() => connector.DiscoverAsync([Table("dbo", "HEAP")], None)).Should().ThrowAsync<SourceException>();
        wrongCase.Which.Message.Should().Contain("not found");

        await db.ExecuteAsync($"ALTER DATABASE [{database}] SET ALLOW_SNAPSHOT_ISOLATION OFF");
        var snapshot = await FluentActions.Awaiting(() => connector.DiscoverAsync([Table("dbo", "it's")], None)).Should().ThrowAsync<SourceException>();
        snapshot.Which.Message.Should().EndWith($"ALTER DATABASE [{database}] SET ALLOW_SNAPSHOT_ISOLATION ON;");
    }

    [SqlServerFact]
    public async Task Every_type_round_trips_through_snapshot_and_change_tracking()
    {
        var db = await CreateAsync(fixture, """
            CREATE TABLE dbo.types (
                id int NOT NULL PRIMARY KEY, b bit, ti tinyint, si smallint, bi bigint, d38 decimal(38,10), n9 numeric(9,0), m money, sm smallmoney, f float, r real,
                dt date, tm time(7), dtm datetime, sdt smalldatetime, dt2 datetime2(7), dto datetimeoffset(7), c char(3), vc varchar(20), nc nchar(2), nvm nvarchar(max),
                tx text, ntx ntext, bn binary(4), vbm varbinary(max), img image, rv rowversion, g uniqueidentifier, x xml, h hierarchyid, geo geography, gm geometry, v sql_variant)
            """,
            "ALTER TABLE dbo.types ENABLE CHANGE_TRACKING");
        const string values = """
            1, 255, -32768, 9223372036854775807, -9999999999999999999999999999.9999999999, 123456789, -922337203685477.5808, 214748.3647, 0.30000000000000004, 3.4028235E+38,
            '0001-01-01', '23:59:59.9999999', '1753-01-01T00:00:00.003', '2079-06-06T23:59:00', '9999-12-31T23:59:59.9999999', '2024-02-29T23:59:59.1234567-09:30',
            'ab', 'plain', N'ü€', N'日本語 😀 ]''"', 'old text', N'old ntext', 0x000102FF, 0x09, 0x0707, '6F9619FF-8B86-D011-B42D-00C04FC964FF', N'<a b="1"/>',
            hierarchyid::Parse('/1/2.5/'), geography::STGeomFromText('POINT(-122.35 47.65 10 5)', 4326), geometry::STGeomFromText('LINESTRING(1 1, 2 4)', 0), CAST(12.50 AS decimal(10,2))
            """;
        await db.ExecuteAsync($"INSERT INTO dbo.types (id, b, ti, si, bi, d38, n9, m, sm, f, r, dt, tm, dtm, sdt, dt2, dto, c, vc, nc, nvm, tx, ntx, bn, vbm, img, g, x, h, geo, gm, v) VALUES (1, {values})");
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([Table("dbo", "types")], None)).Single();
        var start = await connector.BeginSnapshotAsync(table, resumeFrom: null, None);
        var snapshot = (await ReadAllAsync(connector, table)).Single();

        await db.ExecuteAsync($"INSERT INTO dbo.types (id, b, ti, si, bi, d38, n9, m, sm, f, r, dt, tm, dtm, sdt, dt2, dto, c, vc, nc, nvm, tx, ntx, bn, vbm, img, g, x, h, geo, gm, v) VALUES (2, {values})");
        var (changes, reached) = await CaptureAsync(connector, table, start);
        var captured = changes.Rows.Single().Row;
        captured.Kind.Should().Be(ChangeKind.Insert);
        reached.Should().Be(changes.Transactions.Single().Position);

        foreach (var row in new[] { snapshot, captured.Values })
        {
            object?[] expected =
            [
                row[0], true, (short)255, (short)-32768, long.MaxValue, Numeric.Parse("-9999999999999999999999999999.9999999999"), new Numeric(123456789, 0),
                Numeric.Parse("-922337203685477.5808"), Numeric.Parse("214748.3647"), 0.30000000000000004, 3.4028235E+38f,
                new DateOnly(1, 1, 1), new TimeOnly(863999999999), new DateTime(1753, 1, 1, 0, 0, 0, 3), new DateTime(2079, 6, 6, 23, 59, 0), DateTime.MaxValue,
                new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromMinutes(-570)).AddTicks(1234567),
                "ab ", "plain", "ü€", "日本語 😀 ]'\"", "old text", "old ntext", new byte[] { 0, 1, 2, 255 }, new byte[] { 9 }, new byte[] { 7, 7 }, row[26],
                Guid.Parse("6F9619FF-8B86-D011-B42D-00C04FC964FF"), "<a b=\"1\"/>", "/1/2.5/", "SRID=4326;POINT (-122.35 47.65 10 5)", "SRID=0;LINESTRING (1 1, 2 4)",
                "{\"type\":\"decimal(10,2)\",\"value\":\"12.50\"}",
            ];
            row.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
            ((byte[])row[26]!).Should().HaveCount(8);
            for (var i = 0; i < row.Length; i++)
                if (row[i] is not null) row[i].Should().BeOfType(LogicalTypeClr.ClrTypeOf(table.Columns[i].Type), table.Columns[i].Name);
        }
        snapshot[0].Should().Be(1);
        captured.Values[0].Should().Be(2);
    }

    [SqlServerFact]
    public async Task Sql_variant_values_carry_their_base_type()
    {
        var db = await CreateAsync(fixture,
            "CREATE TABLE dbo.v (id int PRIMARY KEY, v sql_variant)",
            "ALTER TABLE dbo.v ENABLE CHANGE_TRACKING",
            "INSERT INTO dbo.v VALUES (1, CAST(42 AS int)), (2, CAST(N'héllo' AS nvarchar(10))), (3, CAST(0.1 AS float)), (4, CAST('2024-01-02T03:04:05.123' AS datetime)), " +
            "(5, CAST(0x00FF AS varbinary(4))), (6, CAST(1.5 AS money)), (7, CAST('2024-01-02T03:04:05.1234567+02:00' AS datetimeoffset(7))), (8, NULL)");
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([Table("dbo", "v")], None)).Single();

        var rows = (await ReadAllAsync(connector, table)).Select(r => (string?)r[1]).ToList();

        rows.Should().Equal(
            "{\"type\":\"int\",\"value\":\"42\"}",
            "{\"type\":\"nvarchar(10)\",\"value\":\"héllo\"}",
            rows[2],
            "{\"type\":\"datetime\",\"value\":\"2024-01-02 03:04:05.123\"}",
            "{\"type\":\"varbinary(4)\",\"value\":\"0x00FF\"}",
            "{\"type\":\"money\",\"value\":\"1.5000\"}",
            "{\"type\":\"datetimeoffset(7)\",\"value\":\"2024-01-02 03:04:05.1234567 +02:00\"}",
            null);
        using var json = System.Text.Json.JsonDocument.Parse(rows[2]!);
        json.RootElement.GetProperty("type").GetString().Should().Be("float");
        double.Parse(json.RootElement.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Should().Be(0.1);
    }

    [SqlServerFact]
    public async Task Snapshots_page_by_composite_keys_in_key_order()
    {
        var db = await CreateAsync(fixture,
            "CREATE TABLE dbo.t (a varchar(10) NOT NULL, b int NOT NULL, c datetime2(3) NOT NULL, v int, PRIMARY KEY (a, b, c))",
            "ALTER TABLE dbo.t ENABLE CHANGE_TRACKING",
            "INSERT INTO dbo.t VALUES ('b', 1, '2024-01-01', 1), ('a', 2, '2024-01-01', 2), ('a', 1, '2024-01-02', 3), ('a', 1, '2024-01-01', 4), ('c', 0, '2000-01-01', 5), ('b', 1, '2023-12-31', 6)");
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([Table("dbo", "t")], None)).Single();

        var rows = await ReadAllAsync(connector, table, chunkRows: 2);

        rows.Select(r => (int)r[3]!).Should().Equal(4, 3, 2, 6, 1, 5);
    }

    [SqlServerFact]
    public async Task Change_tracking_captures_inserts_updates_deletes_and_key_changes()
    {
        var db = await CreateAsync(fixture,
            "CREATE TABLE dbo.t (id int PRIMARY KEY, name nvarchar(20))",
            "ALTER TABLE dbo.t ENABLE CHANGE_TRACKING",
            "INSERT INTO dbo.t VALUES (1, N'one'), (2, N'two'), (3, N'three')");
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([Table("dbo", "t")], None)).Single();
        var start = await connector.BeginSnapshotAsync(table, resumeFrom: null, None);
        (await ReadAllAsync(connector, table)).Should().HaveCount(3);

        await db.ExecuteAsync(
            "INSERT INTO dbo.t VALUES (4, N'four')",
            "UPDATE dbo.t SET name = N'TWO' WHERE id = 2",
            "DELETE FROM dbo.t WHERE id = 3",
            "UPDATE dbo.t SET id = 10 WHERE id = 1");
        var (changes, reached) = await CaptureAsync(connector, table, start);

        changes.Transactions.Should().HaveCount(4);
        changes.Transactions.Select(t => t.Position).Should().BeInAscendingOrder(StringComparer.Ordinal);
        reached.Should().Be(changes.Transactions[^1].Position);
        changes.Rows.Select(r => (r.Row.Kind, r.Row.Values[0], r.Row.Values[1])).Should().Equal(new (ChangeKind, object?, object?)[]
        {
            (ChangeKind.Insert, 4, "four"),
            (ChangeKind.Update, 2, "TWO"),
            (ChangeKind.Delete, 3, Unchanged.Value),
            (ChangeKind.Delete, 1, Unchanged.Value),
            (ChangeKind.Insert, 10, "one"),
        });

        var (again, none) = await CaptureAsync(connector, table, reached!);
        again.Transactions.Should().BeEmpty();
        none.Should().BeNull();
        (await connector.PrepareAsync([new CaptureTable(table, reached)], None)).Should().BeEmpty();
    }

    [SqlServerFact]
    public async Task A_position_older_than_change_tracking_holds_is_a_retention_gap_and_capture_refuses_it()
    {
        var db = await CreateAsync(fixture, "CREATE TABLE dbo.t (id int PRIMARY KEY)", "ALTER TABLE dbo.t ENABLE CHANGE_TRACKING", "INSERT INTO dbo.t VALUES (1)");
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([Table("dbo", "t")], None)).Single();
        var start = await connector.BeginSnapshotAsync(table, resumeFrom: null, None);
        await db.ExecuteAsync("INSERT INTO dbo.t VALUES (2)");

        // Turning tracking off and on again raises the table's minimum valid version past every saved position.
        await db.ExecuteAsync("ALTER TABLE dbo.t DISABLE CHANGE_TRACKING", "INSERT INTO dbo.t VALUES (3)", "ALTER TABLE dbo.t ENABLE CHANGE_TRACKING");
        var minimum = await db.ScalarAsync<long>("SELECT CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(N'dbo.t'))");
        minimum.Should().BeGreaterThan(SqlServerPositions.ToVersion(start));

        var gaps = await connector.PrepareAsync([new CaptureTable(table, start)], None);
        gaps.Should().ContainKey(table.Table).WhoseValue.Should()
            .Contain("dbo.t").And.Contain($"version {SqlServerPositions.ToVersion(start)}").And.Contain($"{minimum} (CHANGE_TRACKING_MIN_VALID_VERSION)");
        await FluentActions.Awaiting(() => CaptureAsync(connector, table, start)).Should().ThrowAsync<SourceException>().WithMessage("*rather than skip them*");

        await db.ExecuteAsync("ALTER TABLE dbo.t DISABLE CHANGE_TRACKING");
        await FluentActions.Awaiting(() => connector.PrepareAsync([new CaptureTable(table, start)], None)).Should().ThrowAsync<SourceException>()
            .WithMessage("Change tracking information for dbo.t is not available*");
    }

    [SqlServerFact]
    public async Task Added_and_dropped_columns_show_on_rediscovery_and_in_captured_rows()
    {
        var db = await CreateAsync(fixture, "CREATE TABLE dbo.t (id int PRIMARY KEY, old_col int, keep nvarchar(5))", "ALTER TABLE dbo.t ENABLE CHANGE_TRACKING", "INSERT INTO dbo.t VALUES (1, 1, N'a')");
        var connector = db.Connector();
        var before = (await connector.DiscoverAsync([Table("dbo", "t")], None)).Single();
        var start = await connector.BeginSnapshotAsync(before, resumeFrom: null, None);

        await db.ExecuteAsync("ALTER TABLE dbo.t ADD added datetime2(3) NULL", "ALTER TABLE dbo.t DROP COLUMN old_col", "INSERT INTO dbo.t (id, keep, added) VALUES (2, N'b', '2024-01-01')");
        var after = (await connector.DiscoverAsync([Table("dbo", "t", before.KeyColumns)], None)).Single();

        after.Columns.Select(c => c.Name).Should().Equal("id", "keep", "added");
        after.Fingerprint.Should().NotBe(before.Fingerprint);
        var (changes, _) = await CaptureAsync(connector, after, start);
        changes.Rows.Single().Row.Values.Should().Equal(2, "b", new DateTime(2024, 1, 1));
        (await ReadAllAsync(connector, after)).Select(r => r[2]).Should().Equal(null, new DateTime(2024, 1, 1));
    }
}
