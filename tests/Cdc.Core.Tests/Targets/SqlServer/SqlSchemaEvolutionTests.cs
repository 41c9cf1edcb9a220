using Cdc.Core.Model;
using Cdc.Core.Targets;
using Cdc.Core.Targets.SqlServer;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

public sealed class SqlSchemaEvolutionTests
{
    private static readonly TableSchema Original = Schema("orders",
    [
        new("id", LogicalType.Int32),
        new("qty", LogicalType.Int16),
        new("price", LogicalType.Decimal, Precision: 10, Scale: 2),
        new("comment", LogicalType.String, MaxLength: 50),
    ], "id");

    private static ExistingSqlTable Existing(TableSchema schema) =>
        new(Layout(schema).AllColumns.ToList(), ["id"]);

    [Fact]
    public void Nothing_changes_for_the_same_schema()
    {
        SqlSchemaEvolution.Plan(Layout(Original), Existing(Original)).IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void New_columns_are_added_and_widened_types_altered()
    {
        var evolved = Schema("orders",
        [
            new("id", LogicalType.Int32),
            new("qty", LogicalType.Int64),
            new("price", LogicalType.Decimal, Precision: 20, Scale: 4),
            new("comment", LogicalType.String, MaxLength: 200),
            new("note", LogicalType.String),
        ], "id");

        var plan = SqlSchemaEvolution.Plan(Layout(evolved), Existing(Original));

        plan.Added.Should().Equal(new SqlTargetColumn("note", SqlColumnType.NVarCharMax));
        plan.Widened.Select(w => (w.Column, w.From.Sql, w.To.Sql)).Should().Equal(
            ("qty", "smallint", "bigint"), ("price", "decimal(10,2)", "decimal(20,4)"), ("comment", "nvarchar(50)", "nvarchar(200)"));
        plan.FinalColumns.Select(c => $"{c.Name} {c.Type.Sql}").Should().Equal("id int", "qty bigint", "price decimal(20,4)", "comment nvarchar(200)", "note nvarchar(max)");
    }

    [Fact]
    public void A_column_dropped_at_the_source_stays()
    {
        var fewer = Schema("orders", Original.Columns.Where(c => c.Name != "comment").ToList(), "id");

        var plan = SqlSchemaEvolution.Plan(Layout(fewer), Existing(Original));

        plan.IsEmpty.Should().BeTrue();
        plan.FinalColumns.Select(c => c.Name).Should().Contain("comment");
    }

    [Fact]
    public void Columns_match_ignoring_case_as_a_case_insensitive_database_does()
    {
        var renamed = Schema("orders", [new("ID", LogicalType.Int32), .. Original.Columns.Skip(1)], "ID");

        SqlSchemaEvolution.Plan(Layout(renamed), Existing(Original)).IsEmpty.Should().BeTrue();
    }

    [Theory]
    [InlineData("qty", LogicalType.Boolean, null, null, "\"qty\" changed type from smallint to bit")]
    [InlineData("price", LogicalType.Decimal, 8, 2, "\"price\" changed type from decimal(10,2) to decimal(8,2)")]
    [InlineData("comment", LogicalType.Int32, null, null, "\"comment\" changed type from nvarchar(50) to int")]
    [InlineData("id", LogicalType.Int64, null, null, "key column \"id\" changed type from int to bigint")]
    public void Breaking_changes_throw_naming_the_column(string column, LogicalType type, int? precision, int? scale, string message)
    {
        var changed = Schema("orders", Original.Columns.Select(c => c.Name == column ? new ColumnSchema(column, type, Precision: precision, Scale: scale) : c).ToList(), "id");

        var act = () => SqlSchemaEvolution.Plan(Layout(changed), Existing(Original));

        act.Should().Throw<SchemaEvolutionException>().WithMessage("*" + message + "*");
    }

    [Fact]
    public void A_changed_key_is_breaking()
    {
        var rekeyed = Schema("orders", Original.Columns, "id", "qty");

        var act = () => SqlSchemaEvolution.Plan(Layout(rekeyed), Existing(Original));

        act.Should().Throw<SchemaEvolutionException>().WithMessage("*key changed from (\"id\") to (\"id\", \"qty\")*");
    }
}
