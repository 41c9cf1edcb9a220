using System.Data;
using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;
using Cdc.Core.Sources.SqlServer.Cdc;
using static Cdc.Core.Tests.Sources.SqlServer.Cdc.CdcTestData;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

public sealed class CdcChangeQueryTests
{
    private const string Tail =
        " FROM [cdc].[fn_cdc_get_all_changes_dbo_orders](@from_lsn, @to_lsn, N'all update old') AS c"
        + " OUTER APPLY (SELECT TOP (1) l.[tran_end_time] FROM [cdc].[lsn_time_mapping] AS l WHERE l.[start_lsn] = c.[__$start_lsn]) AS m"
        + " ORDER BY c.[__$start_lsn], c.[__$seqval], c.[__$operation]";

    private const string Meta = "SELECT c.[__$start_lsn], c.[__$seqval], c.[__$operation], c.[__$update_mask]";

    [Fact]
    public void Reads_all_changes_with_before_images_and_commit_times_in_commit_and_change_order()
    {
        var projection = CdcProjection.Create(Discovered(), Instance("dbo_orders", 100, 0, OrdersColumns()));
        var (sql, layout) = CdcChangeQuery.Build(projection);
        sql.Should().Be(Meta + ", c.[id] AS [id], c.[note] AS [note], c.[amount] AS [amount], m.[tran_end_time]" + Tail);
        layout.ColumnOrdinals.Should().Equal(4, 5, 6);
        layout.CommitTimeOrdinal.Should().Be(7);
    }

    [Fact]
    public void Columns_the_instance_lacks_are_not_selected_and_ones_it_has_beyond_the_schema_are_not_either()
    {
        var instance = Instance("dbo_orders", 100, 0, [.. OrdersColumns(), Column("legacy", 4)]);
        var (sql, layout) = CdcChangeQuery.Build(CdcProjection.Create(Discovered("extra"), instance));
        sql.Should().Be(Meta + ", c.[id] AS [id], c.[note] AS [note], c.[amount] AS [amount], m.[tran_end_time]" + Tail);
        layout.ColumnOrdinals.Should().Equal(4, 5, 6, -1);
        layout.CommitTimeOrdinal.Should().Be(7);
    }

    [Fact]
    public void Identifiers_are_quoted_as_one_name_each_however_odd()
    {
        var table = new TableId("my]schema", "Order Lines");
        var schema = new TableSchema(table, [SqlServerTypeMapping.Map("line]id", "int", 4, 10, 0, false)], ["line]id"]);
        var instance = Instance("my]schema_Order Lines", 100, 0, Column("line]id", 1));
        var (sql, _) = CdcChangeQuery.Build(CdcProjection.Create(schema, instance));
        sql.Should().Contain("c.[line]]id] AS [line]]id]").And.Contain("FROM [cdc].[fn_cdc_get_all_changes_my]]schema_Order Lines](@from_lsn");
    }

    [Fact]
    public void Identity_columns_the_change_table_widened_are_read_back_in_the_source_type()
    {
        // The change table declares identity columns int or bigint whatever the source declares.
        var schema = new TableSchema(Orders,
            [SqlServerTypeMapping.Map("id", "tinyint", 1, 3, 0, false), SqlServerTypeMapping.Map("big", "decimal", 9, 18, 0, false)], ["id"]);
        var instance = Instance("dbo_orders", 100, 0, Column("id", 1, "int"), Column("big", 2, "bigint", 8, 19, 0));
        var (sql, _) = CdcChangeQuery.Build(CdcProjection.Create(schema, instance));
        sql.Should().Contain("CAST(c.[id] AS tinyint) AS [id], CAST(c.[big] AS decimal(18,0)) AS [big]");
    }

    [Fact]
    public void Types_the_client_cannot_read_directly_go_through_the_shared_select_expressions()
    {
        var schema = new TableSchema(Orders,
            [SqlServerTypeMapping.Map("id", "int", 4, 10, 0, false), SqlServerTypeMapping.Map("node", "hierarchyid", 892, 0, 0, true),
             SqlServerTypeMapping.Map("stamp", "timestamp", 8, 0, 0, false)], ["id"]);
        var instance = Instance("dbo_orders", 100, 0, Column("id", 1), Column("node", 2, "hierarchyid", 892, 0, 0), Column("stamp", 3, "binary", 8, 0, 0));
        var (sql, _) = CdcChangeQuery.Build(CdcProjection.Create(schema, instance));
        sql.Should().Contain("CAST(c.[node] AS nvarchar(4000)) AS [node], c.[stamp] AS [stamp]");
    }

    [Fact]
    public void A_key_column_the_instance_does_not_capture_is_refused()
    {
        var instance = Instance("dbo_orders", 100, 0, Column("note", 2, "nvarchar", 100, 0, 0));
        FluentActions.Invoking(() => CdcProjection.Create(Discovered(), instance))
            .Should().Throw<SourceException>().WithMessage("*dbo_orders of dbo.orders does not capture key column \"id\"*");
    }

    [Fact]
    public void The_window_travels_as_two_binary_10_parameters()
    {
        var parameters = CdcChangeQuery.Parameters(new CdcWindow(Instance("dbo_orders", 100, 0), Lsn(0x2A), Lsn(0x1F4)));
        parameters.Select(p => (p.ParameterName, p.SqlDbType, p.Size)).Should().Equal(("@from_lsn", SqlDbType.Binary, 10), ("@to_lsn", SqlDbType.Binary, 10));
        ((byte[])parameters[0].Value).Should().Equal(Lsn(0x2A).ToBytes());
        ((byte[])parameters[1].Value).Should().Equal(Lsn(0x1F4).ToBytes());
    }
}
