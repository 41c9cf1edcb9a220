using System.Data;
using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer.Cdc;
using static Cdc.Core.Tests.Sources.SqlServer.Cdc.CdcTestData;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

public sealed class CdcStatementsTests
{
    [Fact]
    public void The_end_is_the_max_lsn_read_with_the_servers_clock()
    {
        CdcStatements.EndSql.Should().Be("SELECT sys.fn_cdc_get_max_lsn(), SYSDATETIMEOFFSET()");
    }

    [Fact]
    public void The_first_needed_lsn_is_the_increment_of_the_position_read_with_every_instances_minimum()
    {
        CdcStatements.FirstNeededSql(2).Should().Be("SELECT sys.fn_cdc_increment_lsn(@after), sys.fn_cdc_get_min_lsn(@instance0), sys.fn_cdc_get_min_lsn(@instance1)");
        CdcStatements.FirstNeededSql(1).Should().Be("SELECT sys.fn_cdc_increment_lsn(@after), sys.fn_cdc_get_min_lsn(@instance0)");
        var parameters = CdcStatements.FirstNeededParameters(Lsn(42), [Instance("dbo_orders", 1, 0), Instance("dbo_orders_2", 5, 1)]);
        parameters.Select(p => (p.ParameterName, p.SqlDbType, p.Size)).Should().Equal(
            ("@after", SqlDbType.Binary, 10), ("@instance0", SqlDbType.NVarChar, 128), ("@instance1", SqlDbType.NVarChar, 128));
        ((byte[])parameters[0].Value).Should().Equal(Lsn(42).ToBytes());
        parameters[1].Value.Should().Be("dbo_orders");
        parameters[2].Value.Should().Be("dbo_orders_2");
    }

    [Fact]
    public void The_position_is_the_max_lsn_read_with_the_instances_minimum()
    {
        CdcStatements.PositionSql.Should().Be("SELECT sys.fn_cdc_get_max_lsn(), sys.fn_cdc_get_min_lsn(@instance)");
        var parameter = CdcStatements.InstanceParameter("dbo_orders");
        (parameter.ParameterName, parameter.SqlDbType, parameter.Size, parameter.Value).Should().Be(("@instance", SqlDbType.NVarChar, 128, "dbo_orders"));
        CdcStatements.LsnOf(Lsn(42).ToBytes()).Should().Be(Lsn(42));
        CdcStatements.LsnOf(null).Should().BeNull();
        CdcStatements.LsnOf(DBNull.Value).Should().BeNull();
    }

    [Fact]
    public void A_new_instance_captures_every_column_with_the_older_ones_settings()
    {
        CdcStatements.EnableTableSql.Should().Be(
            "EXEC sys.sp_cdc_enable_table @source_schema = @source_schema, @source_name = @source_name, @capture_instance = @capture_instance, "
            + "@supports_net_changes = @supports_net_changes, @role_name = @role_name, @index_name = @index_name, @filegroup_name = @filegroup_name, "
            + "@allow_partition_switch = @allow_partition_switch");
        var template = Instance("dbo_orders", 1, 0) with { RoleName = "cdc_reader", FilegroupName = "CDC", SupportsNetChanges = false, AllowPartitionSwitch = false };
        var parameters = CdcStatements.EnableTableParameters(new TableId("dbo", "orders"), "dbo_orders_2", template);
        parameters.Select(p => (p.ParameterName, p.Value)).Should().Equal(
            ("@source_schema", "dbo"), ("@source_name", "orders"), ("@capture_instance", "dbo_orders_2"), ("@supports_net_changes", false),
            ("@role_name", "cdc_reader"), ("@index_name", "PK_orders"), ("@filegroup_name", "CDC"), ("@allow_partition_switch", false));
    }

    [Fact]
    public void No_gating_role_is_passed_as_an_explicit_null()
    {
        var parameters = CdcStatements.EnableTableParameters(new TableId("dbo", "orders"), "dbo_orders_2", Instance("dbo_orders", 1, 0));
        parameters.Single(p => p.ParameterName == "@role_name").Value.Should().Be(DBNull.Value);
        parameters.Single(p => p.ParameterName == "@filegroup_name").Value.Should().Be(DBNull.Value);
    }

    [Fact]
    public void An_instance_is_dropped_by_name()
    {
        CdcStatements.DisableTableSql.Should().Be(
            "EXEC sys.sp_cdc_disable_table @source_schema = @source_schema, @source_name = @source_name, @capture_instance = @capture_instance");
        CdcStatements.DisableTableParameters(new TableId("dbo", "orders"), "dbo_orders").Select(p => (p.ParameterName, p.Value))
            .Should().Equal(("@source_schema", "dbo"), ("@source_name", "orders"), ("@capture_instance", "dbo_orders"));
    }

    [Fact]
    public void An_instance_named_all_is_never_dropped_since_that_would_drop_every_instance()
    {
        FluentActions.Invoking(() => CdcStatements.DisableTableParameters(new TableId("dbo", "orders"), "All"))
            .Should().Throw<SourceException>().WithMessage("*'all'*every instance*");
    }

    [Fact]
    public void The_hint_for_a_table_without_cdc_is_the_statement_enabling_it()
    {
        CdcStatements.EnableTableHint(new TableId("dbo", "o'rders")).Should().Be(
            "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'o''rders', @role_name = NULL;");
    }
}
