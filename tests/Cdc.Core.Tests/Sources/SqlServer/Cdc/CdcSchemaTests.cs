using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;
using Cdc.Core.Sources.SqlServer.Cdc;
using static Cdc.Core.Tests.Sources.SqlServer.Cdc.CdcTestData;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

public sealed class CdcSchemaTests
{
    [Fact]
    public void The_schema_carries_the_instances_columns_in_change_table_order_typed_as_discovered()
    {
        var instance = Instance("dbo_orders", 100, 0, Column("amount", 3, "decimal", 9, 18, 2), Column("id", 1), Column("note", 2, "nvarchar", 100, 0, 0));
        var discovered = Discovered();
        var schema = CdcSchema.For(discovered, Info([instance], "id", "note", "amount"));
        schema.Columns.Should().Equal(discovered.Columns);
        schema.KeyColumns.Should().Equal("id");
        schema.Fingerprint.Should().Be(discovered.Fingerprint);
    }

    [Fact]
    public void A_column_added_after_the_instance_is_not_carried_until_an_instance_captures_it()
    {
        var info = Info([Instance("dbo_orders", 100, 0, OrdersColumns())], "id", "note", "amount", "extra");
        var schema = CdcSchema.For(Discovered("extra"), info);
        schema.Columns.Select(c => c.Name).Should().Equal("id", "note", "amount");
        CdcSchema.Uncaptured(info).Should().Equal("extra");
    }

    [Fact]
    public void A_dropped_column_stays_typed_from_the_change_table_and_nullable()
    {
        var instance = Instance("dbo_orders", 100, 0, [.. OrdersColumns(), Column("legacy", 4, "varchar", 20, 0, 0)]);
        var schema = CdcSchema.For(Discovered(), Info([instance], "id", "note", "amount"));
        schema.Columns.Select(c => c.Name).Should().Equal("id", "note", "amount", "legacy");
        schema.Columns[3].Should().Be(SqlServerTypeMapping.Map("legacy", "varchar", 20, 0, 0, true));
    }

    [Fact]
    public void Computed_columns_are_left_out_since_cdc_records_them_as_null()
    {
        var instance = Instance("dbo_orders", 100, 0, [.. OrdersColumns(), Column("total", 4, computed: true)]);
        CdcSchema.For(Discovered("total"), Info([instance])).Columns.Select(c => c.Name).Should().Equal("id", "note", "amount");
    }

    [Fact]
    public void The_newest_started_instance_is_in_use_and_one_not_started_waits()
    {
        var old = Instance("dbo_orders", 100, 0, OrdersColumns());
        var started = Instance("dbo_orders_2", 500, 5, OrdersColumns("extra"));
        var notStarted = started with { StartLsn = null };
        CdcSchema.For(Discovered("extra"), Info([old, started])).Columns.Select(c => c.Name).Should().Equal("id", "note", "amount", "extra");
        CdcSchema.For(Discovered("extra"), Info([old, notStarted])).Columns.Select(c => c.Name).Should().Equal("id", "note", "amount");
        Info([notStarted]).InUse.Should().Be(notStarted);
    }

    [Fact]
    public void A_key_the_instance_does_not_capture_is_refused_with_what_to_do()
    {
        var instance = Instance("dbo_orders", 100, 0, Column("note", 2, "nvarchar", 100, 0, 0), Column("amount", 3, "decimal", 9, 18, 2));
        FluentActions.Invoking(() => CdcSchema.For(Discovered(), Info([instance])))
            .Should().Throw<SourceException>().WithMessage("*\"id\" of dbo.orders is not captured by its capture instance dbo_orders*@captured_column_list*keys:*");
        var computedKey = Instance("dbo_orders", 100, 0, Column("id", 1, computed: true), Column("note", 2, "nvarchar", 100, 0, 0));
        FluentActions.Invoking(() => CdcSchema.For(Discovered(), Info([computedKey])))
            .Should().Throw<SourceException>().WithMessage("*it is computed*");
    }
}
