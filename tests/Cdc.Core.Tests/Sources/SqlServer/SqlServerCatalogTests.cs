using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;
using Microsoft.Extensions.Logging.Abstractions;
using static Cdc.Core.Tests.Sources.SqlServer.SqlServerTestSupport;

namespace Cdc.Core.Tests.Sources.SqlServer;

public sealed class SqlServerCatalogTests
{
    private static readonly SqlServerDatabaseFacts Database = new("shop", 1, CdcEnabled: true, ChangeTrackingVersion: 5);

    /// <summary>The columns of the third result set of <see cref="SqlServerCatalog.SchemaSql"/>, typed as SqlClient returns them.</summary>
    private static readonly (string, Type)[] ColumnSet =
    [
        ("object_id", typeof(int)), ("name", typeof(string)), ("type_name", typeof(string)), ("base_type_name", typeof(string)),
        ("is_user_defined", typeof(bool)), ("is_assembly_type", typeof(bool)), ("max_length", typeof(short)), ("precision", typeof(byte)),
        ("scale", typeof(byte)), ("is_nullable", typeof(bool)), ("is_computed", typeof(bool)), ("is_column_set", typeof(bool)), ("key_ordinal", typeof(byte)),
    ];

    private static readonly (string, Type)[] ObjectSet =
    [
        ("object_id", typeof(int)), ("name", typeof(string)), ("type", typeof(string)), ("is_tracked_by_cdc", typeof(bool)), ("is_tracked_by_ct", typeof(bool)),
    ];

    [Fact]
    public void The_database_statement_is_exact() =>
        SqlServerCatalog.DatabaseSql.Should().Be(
            "SELECT DB_NAME() AS database_name, d.snapshot_isolation_state, d.is_cdc_enabled, CHANGE_TRACKING_CURRENT_VERSION() AS change_tracking_version\n" +
            "FROM sys.databases AS d\n" +
            "WHERE d.database_id = DB_ID()");

    [Fact]
    public void The_schema_statement_is_exact()
    {
        SqlServerCatalog.SchemaSql.Should().Be(
            "SELECT s.name FROM sys.schemas AS s WHERE s.name = @schema;\n" +
            "SELECT o.object_id, o.name, o.type, CAST(ISNULL(tb.is_tracked_by_cdc, 0) AS bit) AS is_tracked_by_cdc, CAST(CASE WHEN ctt.object_id IS NULL THEN 0 ELSE 1 END AS bit) AS is_tracked_by_ct\n" +
            "FROM sys.objects AS o\n" +
            "LEFT OUTER JOIN sys.tables AS tb ON tb.object_id = o.object_id\n" +
            "LEFT OUTER JOIN sys.change_tracking_tables AS ctt ON ctt.object_id = o.object_id\n" +
            "WHERE o.schema_id = SCHEMA_ID(@schema) AND o.type IN ('U', 'V') AND o.is_ms_shipped = 0 AND (@table IS NULL OR o.name = @table)\n" +
            "ORDER BY o.name;\n" +
            "SELECT c.object_id, c.name, ty.name AS type_name, bt.name AS base_type_name, ty.is_user_defined, ty.is_assembly_type, c.max_length, c.precision, c.scale, c.is_nullable, c.is_computed, c.is_column_set, ic.key_ordinal\n" +
            "FROM sys.columns AS c\n" +
            "JOIN sys.objects AS o ON o.object_id = c.object_id\n" +
            "JOIN sys.types AS ty ON ty.user_type_id = c.user_type_id\n" +
            "LEFT OUTER JOIN sys.types AS bt ON bt.user_type_id = c.system_type_id\n" +
            "LEFT OUTER JOIN sys.indexes AS pk ON pk.object_id = c.object_id AND pk.is_primary_key = 1\n" +
            "LEFT OUTER JOIN sys.index_columns AS ic ON ic.object_id = pk.object_id AND ic.index_id = pk.index_id AND ic.column_id = c.column_id\n" +
            "WHERE o.schema_id = SCHEMA_ID(@schema) AND o.type = 'U' AND o.is_ms_shipped = 0 AND (@table IS NULL OR o.name = @table)\n" +
            "ORDER BY c.object_id, c.column_id;");
        SqlServerCatalog.RowEstimateSql.Should().Be("SELECT SUM(p.rows) FROM sys.partitions AS p WHERE p.object_id = OBJECT_ID(@table) AND p.index_id IN (0, 1)");
        SqlServerCatalog.CurrentTimeSql.Should().Be("SELECT SYSDATETIMEOFFSET()");
    }

    [Fact]
    public async Task Database_facts_read_from_sys_databases()
    {
        using var reader = ResultSet(
            [("database_name", typeof(string)), ("snapshot_isolation_state", typeof(byte)), ("is_cdc_enabled", typeof(bool)), ("change_tracking_version", typeof(long))],
            ["shop", (byte)1, false, null]);
        var facts = await SqlServerCatalog.ReadDatabaseAsync(reader, CancellationToken.None);
        facts.Should().Be(new SqlServerDatabaseFacts("shop", 1, false, null));
        facts.ChangeTrackingEnabled.Should().BeFalse();
        facts.SnapshotIsolationOn.Should().BeTrue();
    }

    [Fact]
    public async Task Objects_and_columns_map_from_the_catalog_result_sets()
    {
        using var objects = ResultSet(ObjectSet, [101, "Orders", "U ", false, true], [102, "OrderView", "V ", false, false]);
        (await SqlServerCatalog.ReadObjectsAsync(objects, CancellationToken.None)).Should().Equal(
            new CatalogObject(101, "Orders", "U", false, true),
            new CatalogObject(102, "OrderView", "V", false, false));

        using var columns = ResultSet(ColumnSet,
            [101, "id", "int", "int", false, false, (short)4, (byte)10, (byte)0, false, false, false, (byte)1],
            [101, "code", "sysname", "nvarchar", false, false, (short)256, (byte)0, (byte)0, true, false, false, null],
            [101, "node", "hierarchyid", null, false, true, (short)892, (byte)0, (byte)0, true, false, false, null]);
        var read = await SqlServerCatalog.ReadColumnsAsync(columns, CancellationToken.None);
        read.Select(c => c.SystemTypeName).Should().Equal("int", "nvarchar", "hierarchyid");
        read[0].KeyOrdinal.Should().Be(1);
        read[1].KeyOrdinal.Should().BeNull();
    }

    [Fact]
    public void A_table_builds_with_alias_types_resolved_computed_columns_kept_and_the_column_set_left_out()
    {
        var skipped = new List<string>();
        var table = SqlServerTableBuilder.Build(new TableId("sales", "Orders"), new CatalogObject(101, "Orders", "U", false, true),
        [
            Raw("region", "RegionCode", "nchar", 10, key: 2, nullable: false, userDefined: true),
            Raw("id", "bigint", "bigint", 8, key: 1, nullable: false),
            Raw("total", "decimal", "decimal", 17, precision: 38, scale: 10),
            Raw("total_x2", "decimal", "decimal", 17, precision: 38, scale: 10, computed: true),
            Raw("props", "xml", "xml", -1, columnSet: true),
        ], null, CaptureMode.Auto, Database, skipped.Add);

        table.Mode.Should().Be(CaptureMode.ChangeTracking);
        table.KeysDeclared.Should().BeFalse();
        table.Schema.KeyColumns.Should().Equal("id", "region");
        table.Schema.Columns.Select(c => c.Name).Should().Equal("region", "id", "total", "total_x2");
        table.Schema.Columns[0].Should().Be(new ColumnSchema("region", LogicalType.String, false, 5, null, null, "nchar(5)"));
        table.Schema.Columns[2].SourceType.Should().Be("decimal(38,10)");
        skipped.Should().Equal("props");
    }

    [Fact]
    public void A_clr_user_defined_type_is_refused_by_name()
    {
        FluentActions.Invoking(() => SqlServerTableBuilder.Build(new TableId("dbo", "Shapes"), new CatalogObject(7, "Shapes", "U", true, false),
            [Raw("id", "int", "int", 4, key: 1, nullable: false), new CatalogColumn(7, "shape", "Polygon", null, true, true, 100, 0, 0, true, false, false, null)],
            null, CaptureMode.Auto, Database)).Should().Throw<SourceException>()
            .WithMessage("Column \"shape\" of table dbo.Shapes has type Polygon, which cannot be captured: it is a CLR user-defined type*");
    }

    [Fact]
    public void Tables_are_selected_by_their_exact_names()
    {
        CatalogObject[] objects = [new(1, "Orders", "U", false, true), new(2, "Lines", "U", false, true), new(3, "OrderView", "V", false, false)];
        SqlServerTableDiscovery.Select(new TableSelection("sales", null, null, ["Lines", "Missing"]), objects, NullLogger.Instance)
            .Select(t => t.Id).Should().Equal(new TableId("sales", "Orders"));
        SqlServerTableDiscovery.Select(new TableSelection("sales", "Orders", null, []), objects, NullLogger.Instance)
            .Single().Object.ObjectId.Should().Be(1);

        FluentActions.Invoking(() => SqlServerTableDiscovery.Select(new TableSelection("sales", "orders", null, []), [objects[0]], NullLogger.Instance))
            .Should().Throw<SourceException>().WithMessage("Table sales.orders was not found in the source database; it has sales.Orders (names are matched exactly).");
        FluentActions.Invoking(() => SqlServerTableDiscovery.Select(new TableSelection("sales", "Gone", null, []), [], NullLogger.Instance))
            .Should().Throw<SourceException>().WithMessage("Table sales.Gone was not found in the source database.");
        FluentActions.Invoking(() => SqlServerTableDiscovery.Select(new TableSelection("sales", "OrderView", null, []), [objects[2]], NullLogger.Instance))
            .Should().Throw<SourceException>().WithMessage("sales.OrderView is a view, not a table; only tables can be captured.");
    }

    [Fact]
    public void Rediscovery_keeps_a_table_mode_and_does_not_take_derived_keys_as_declared()
    {
        var earlier = new DiscoveredTable(new TableSchema(new TableId("sales", "Orders"), [Column("id", "int", 4, 10, nullable: false)], ["id"]), CaptureMode.Cdc, KeysDeclared: false);

        SqlServerTableDiscovery.Request(new TableSelection("sales", "Orders", ["id"], []), earlier, CaptureMode.Auto).Should().Be((CaptureMode.Cdc, (IReadOnlyList<string>?)null));
        SqlServerTableDiscovery.Request(new TableSelection("sales", "Orders", ["id"], [], CaptureMode.ChangeTracking), earlier, CaptureMode.Auto).Requested.Should().Be(CaptureMode.ChangeTracking);
        SqlServerTableDiscovery.Request(new TableSelection("sales", "Orders", ["id"], []), earlier with { KeysDeclared = true }, CaptureMode.Auto).Declared.Should().Equal("id");
        SqlServerTableDiscovery.Request(new TableSelection("sales", "Orders", ["code"], []), null, CaptureMode.ChangeTracking).Should().BeEquivalentTo((CaptureMode.ChangeTracking, new[] { "code" }));
        SqlServerTableDiscovery.Request(new TableSelection("sales", null, null, []), null, CaptureMode.Auto).Should().Be((CaptureMode.Auto, (IReadOnlyList<string>?)null));
    }

    [Fact]
    public async Task A_table_schema_builds_from_the_catalog_result_set()
    {
        using var columns = ResultSet(ColumnSet,
            [5, "id", "int", "int", false, false, (short)4, (byte)10, (byte)0, false, false, false, (byte)1],
            [5, "when", "datetime2", "datetime2", false, false, (short)8, (byte)27, (byte)7, true, false, false, null],
            [5, "name", "sysname", "nvarchar", false, false, (short)256, (byte)0, (byte)0, false, false, false, null]);
        var read = await SqlServerCatalog.ReadColumnsAsync(columns, CancellationToken.None);

        var table = SqlServerTableBuilder.Build(new TableId("dbo", "Events"), new CatalogObject(5, "Events", "U", true, false), read, null, CaptureMode.Auto, Database);

        table.Mode.Should().Be(CaptureMode.Cdc, "the table has CDC and no change tracking");
        table.Schema.Should().BeEquivalentTo(new TableSchema(new TableId("dbo", "Events"),
        [
            new ColumnSchema("id", LogicalType.Int32, false, null, null, null, "int"),
            new ColumnSchema("when", LogicalType.Timestamp, true, null, 7, null, "datetime2(7)"),
            new ColumnSchema("name", LogicalType.String, false, 128, null, null, "nvarchar(128)"),
        ], ["id"]));
    }

    [Fact]
    public void Schemas_are_matched_exactly()
    {
        FluentActions.Invoking(() => SqlServerTableDiscovery.CheckSchema("sales", ["sales"])).Should().NotThrow();
        FluentActions.Invoking(() => SqlServerTableDiscovery.CheckSchema("sales", ["Sales"])).Should().Throw<SourceException>()
            .WithMessage("Schema \"sales\" was not found in the source database; it has \"Sales\" (names are matched exactly).");
        FluentActions.Invoking(() => SqlServerTableDiscovery.CheckSchema("sales", [])).Should().Throw<SourceException>()
            .WithMessage("Schema \"sales\" was not found in the source database.");
    }

    private static CatalogColumn Raw(string name, string typeName, string baseType, short maxLength, byte precision = 0, byte scale = 0, byte? key = null,
        bool nullable = true, bool computed = false, bool columnSet = false, bool userDefined = false) =>
        new(101, name, typeName, baseType, userDefined, false, maxLength, precision, scale, nullable, computed, columnSet, key);
}
