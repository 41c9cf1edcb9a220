using Cdc.Core.Model;
using Cdc.Core.Sources.SqlServer.Cdc;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

public sealed class CdcInstanceNamesTests
{
    [Fact]
    public void A_new_instance_is_named_schema_table_and_a_number()
    {
        CdcInstanceNames.Next(new TableId("dbo", "orders"), "dbo_orders", []).Should().Be("dbo_orders_2");
        CdcInstanceNames.Next(new TableId("dbo", "orders"), "dbo_orders_2", []).Should().Be("dbo_orders_3");
        CdcInstanceNames.Next(new TableId("dbo", "orders"), "my_custom_name", []).Should().Be("dbo_orders_2");
    }

    [Fact]
    public void Names_taken_anywhere_in_the_database_are_skipped_whatever_their_case()
    {
        CdcInstanceNames.Next(new TableId("dbo", "orders"), "dbo_orders", ["DBO_ORDERS_2", "dbo_orders_3"]).Should().Be("dbo_orders_4");
    }

    [Fact]
    public void Long_names_are_cut_to_a_hundred_characters_keeping_the_number()
    {
        var name = CdcInstanceNames.Next(new TableId("sales", new string('x', 120)), "sales_xxx", []);
        name.Should().HaveLength(100).And.EndWith("_2").And.StartWith("sales_xxx");
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var table = new TableId("s", new string('a', 95) + "😀😀");
        var name = CdcInstanceNames.Next(table, "x", []);
        name.Length.Should().BeLessThanOrEqualTo(100);
        name.Should().EndWith("_2");
        char.IsHighSurrogate(name[^3]).Should().BeFalse();
    }

    [Fact]
    public void Odd_characters_stay_as_they_are_since_every_use_quotes_the_name()
    {
        CdcInstanceNames.Next(new TableId("my schema", "order]s"), "my schema_order]s", []).Should().Be("my schema_order]s_2");
    }
}
