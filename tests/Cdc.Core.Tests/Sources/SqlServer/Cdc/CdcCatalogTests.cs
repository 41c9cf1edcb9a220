using System.Data;
using Cdc.Core.Model;
using Cdc.Core.Sources.SqlServer.Cdc;
using static Cdc.Core.Tests.Sources.SqlServer.Cdc.CdcTestData;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

public sealed class CdcCatalogTests
{
    [Fact]
    public void Describe_reads_instances_with_their_change_table_columns_and_the_tables_current_columns()
    {
        CdcCatalog.DescribeSql.Should().Be(
            "SELECT s.[name] AS source_schema, t.[name] AS source_table, ct.[capture_instance], ct.[start_lsn], ct.[create_date], "
            + "ct.[supports_net_changes], ct.[role_name], ct.[index_name], ct.[filegroup_name], ct.[partition_switch], "
            + "cc.[column_name], cc.[column_ordinal], cc.[is_computed], TYPE_NAME(CASE WHEN c.[system_type_id] = 240 THEN c.[user_type_id] ELSE c.[system_type_id] END) AS column_type, "
            + "c.[max_length], c.[precision], c.[scale], c.[is_nullable] "
            + "FROM cdc.change_tables AS ct "
            + "JOIN sys.tables AS t ON t.[object_id] = ct.[source_object_id] "
            + "JOIN sys.schemas AS s ON s.[schema_id] = t.[schema_id] "
            + "JOIN cdc.captured_columns AS cc ON cc.[object_id] = ct.[object_id] "
            + "JOIN sys.columns AS c ON c.[object_id] = ct.[object_id] AND c.[name] COLLATE DATABASE_DEFAULT = cc.[column_name] "
            + "ORDER BY s.[name], t.[name], ct.[create_date], ct.[capture_instance], cc.[column_ordinal];\n"
            + "SELECT s.[name] AS source_schema, t.[name] AS source_table, c.[name] AS column_name, c.[is_computed] "
            + "FROM sys.tables AS t JOIN sys.schemas AS s ON s.[schema_id] = t.[schema_id] JOIN sys.columns AS c ON c.[object_id] = t.[object_id] "
            + "WHERE t.[is_tracked_by_cdc] = 1 ORDER BY s.[name], t.[name], c.[column_id];");
        CdcCatalog.DatabaseEnabledSql.Should().Be("SELECT CAST(d.[is_cdc_enabled] AS int) FROM sys.databases AS d WHERE d.[database_id] = DB_ID()");
        CdcCatalog.InstanceNamesSql.Should().Be("SELECT ct.[capture_instance] FROM cdc.change_tables AS ct");
    }

    private static DataTable Instances()
    {
        var table = new DataTable();
        table.Columns.Add("source_schema", typeof(string));
        table.Columns.Add("source_table", typeof(string));
        table.Columns.Add("capture_instance", typeof(string));
        table.Columns.Add("start_lsn", typeof(byte[]));
        table.Columns.Add("create_date", typeof(DateTime));
        table.Columns.Add("supports_net_changes", typeof(bool));
        table.Columns.Add("role_name", typeof(string));
        table.Columns.Add("index_name", typeof(string));
        table.Columns.Add("filegroup_name", typeof(string));
        table.Columns.Add("partition_switch", typeof(bool));
        table.Columns.Add("column_name", typeof(string));
        table.Columns.Add("column_ordinal", typeof(int));
        table.Columns.Add("is_computed", typeof(bool));
        table.Columns.Add("column_type", typeof(string));
        table.Columns.Add("max_length", typeof(short));
        table.Columns.Add("precision", typeof(byte));
        table.Columns.Add("scale", typeof(byte));
        table.Columns.Add("is_nullable", typeof(bool));
        return table;
    }

    private static DataTable SourceColumns()
    {
        var table = new DataTable();
        table.Columns.Add("source_schema", typeof(string));
        table.Columns.Add("source_table", typeof(string));
        table.Columns.Add("column_name", typeof(string));
        table.Columns.Add("is_computed", typeof(bool));
        return table;
    }

    [Fact]
    public async Task Instances_are_grouped_per_table_oldest_first_with_columns_in_change_table_order()
    {
        var instances = Instances();
        var created = new DateTime(2025, 1, 1, 12, 0, 0);
        object start = Lsn(100).ToBytes();
        instances.Rows.Add("dbo", "orders", "dbo_orders", start, created, true, null, "PK_orders", null, true, "id", 1, false, "int", (short)4, (byte)10, (byte)0, false);
        instances.Rows.Add("dbo", "orders", "dbo_orders", start, created, true, null, "PK_orders", null, true, "note", 2, false, "nvarchar", (short)100, (byte)0, (byte)0, true);
        instances.Rows.Add("dbo", "orders", "dbo_orders_2", DBNull.Value, created.AddMinutes(5), false, "cdc_reader", "PK_orders", "CDC", false, "id", 1, false, "int", (short)4, (byte)10, (byte)0, false);
        instances.Rows.Add("dbo", "orders", "dbo_orders_2", DBNull.Value, created.AddMinutes(5), false, "cdc_reader", "PK_orders", "CDC", false, "total", 2, true, "int", (short)4, (byte)10, (byte)0, true);
        instances.Rows.Add("sales", "lines", "sales_lines", Lsn(7).ToBytes(), created, false, null, null, null, true, "line", 1, false, "bigint", (short)8, (byte)19, (byte)0, false);
        var columns = SourceColumns();
        columns.Rows.Add("dbo", "orders", "id", false);
        columns.Rows.Add("dbo", "orders", "total", true);

        using var reader = new DataTableReader([instances, columns]);
        var described = await CdcCatalog.ReadAsync(reader, CancellationToken.None);

        described.Keys.Should().BeEquivalentTo([new TableId("dbo", "orders"), new TableId("sales", "lines")]);
        var orders = described[new TableId("dbo", "orders")];
        orders.Instances.Select(i => i.Name).Should().Equal("dbo_orders", "dbo_orders_2");
        orders.Instances[0].Should().BeEquivalentTo(new
        {
            StartLsn = (SqlLsn?)Lsn(100), CreateDate = created, SupportsNetChanges = true, RoleName = (string?)null, IndexName = "PK_orders",
            FilegroupName = (string?)null, AllowPartitionSwitch = true,
        });
        orders.Instances[0].Columns.Should().Equal(
            new CdcCapturedColumn("id", 1, false, "int", 4, 10, 0, false), new CdcCapturedColumn("note", 2, false, "nvarchar", 100, 0, 0, true));
        orders.Instances[1].StartLsn.Should().BeNull();
        orders.Instances[1].IsReady.Should().BeFalse();
        orders.Instances[1].RoleName.Should().Be("cdc_reader");
        orders.Instances[1].FilegroupName.Should().Be("CDC");
        orders.Instances[1].Columns[1].IsComputed.Should().BeTrue();
        orders.InUse.Name.Should().Be("dbo_orders");
        orders.SourceColumns.Should().Equal(new CdcSourceColumn("id", false), new CdcSourceColumn("total", true));
        described[new TableId("sales", "lines")].SourceColumns.Should().BeEmpty();
    }

    [Fact]
    public void Instances_order_by_creation_then_start_with_not_started_last()
    {
        var a = Instance("a", null, 0);
        var b = Instance("b", 5, 0);
        var c = Instance("c", 1, 1);
        var d = Instance("d", 5, 0);
        CdcCatalog.Order([c, a, d, b]).Select(i => i.Name).Should().Equal("b", "d", "a", "c");
    }
}
