using Cdc.Core.Model;
using Cdc.Core.Targets.SqlServer;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

public sealed class SqlTargetLayoutTests
{
    [Fact]
    public void Unbounded_key_columns_get_the_longest_length_an_index_key_takes()
    {
        var schema = Schema("docs", [new("code", LogicalType.String), new("hash", LogicalType.Binary), new("body", LogicalType.String)], "code", "hash");

        var layout = Layout(schema);

        layout.DataColumns.Select(c => c.Type.Sql).Should().Equal("nvarchar(450)", "varbinary(900)", "nvarchar(max)");
    }

    [Theory]
    [InlineData("__START_AT")]
    [InlineData("__deleted_at")]
    public void Source_columns_cannot_take_bookkeeping_names(string name)
    {
        var schema = Schema("t", [new("id", LogicalType.Int32), new(name, LogicalType.String)], "id");

        var act = () => Layout(schema);

        act.Should().Throw<ArgumentException>().WithMessage("*has the name of a column the target keeps for itself*");
    }

    [Fact]
    public void Names_longer_than_sql_server_allows_are_refused()
    {
        var schema = Schema("t", [new(new string('x', 129), LogicalType.Int32)]);

        var act = () => Layout(schema);

        act.Should().Throw<ArgumentException>().WithMessage("*column of src.t*129 characters long; SQL Server allows at most 128*");
    }

    [Fact]
    public void Only_scd_1_and_2_are_supported()
    {
        var act = () => Layout(Simple(), scd: 3);

        act.Should().Throw<ArgumentException>().WithMessage("*SCD type 3 is not supported*");
    }
}
