using Cdc.Core.Model;
using Cdc.Core.Orchestration;

namespace Cdc.Core.Tests.Orchestration;

public sealed class DispatchInstanceIdTests
{
    private static readonly string LongestPipeline = "p" + new string('x', 62);

    [Fact]
    public void A_pipeline_has_one_fixed_readable_id()
    {
        OrchestrationInstanceIds.ForPipeline("orders").Should().Be("run.orders");
        OrchestrationInstanceIds.ForPipeline("orders").Should().Be(OrchestrationInstanceIds.ForPipeline("orders"));
        OrchestrationInstanceIds.IsValid(OrchestrationInstanceIds.ForPipeline(LongestPipeline)).Should().BeTrue();
    }

    [Fact]
    public void A_table_id_is_stable_readable_and_listed_under_its_pipeline()
    {
        var id = OrchestrationInstanceIds.ForTableIngest("orders", "public.customers");

        id.Should().MatchRegex("^table\\.orders\\.public\\.customers\\.[0-9a-f]{16}$");
        OrchestrationInstanceIds.ForTableIngest("orders", new TableId("public", "customers")).Should().Be(id);
        id.Should().NotBe(OrchestrationInstanceIds.ForPipeline("orders"));
    }

    [Theory]
    [InlineData("sales", "Order Details")]
    [InlineData("販売", "注文明細")]
    [InlineData("emoji", "🚚 deliveries 📦")]
    [InlineData("ctl", "tab\there\nnewline")]
    [InlineData("seps", "a/b\\c#d?e@f")]
    [InlineData("dots.in.schema", "and.in.table")]
    public void Any_unicode_table_name_gives_a_valid_id(string schema, string name)
    {
        var id = OrchestrationInstanceIds.ForTableIngest("orders", new TableId(schema, name));

        OrchestrationInstanceIds.IsValid(id).Should().BeTrue(id);
        id.Should().StartWith("table.orders.").And.NotStartWith("@");
        id.Should().NotContainAny("/", "\\", "#", "?", " ", "\t", "\n");
    }

    [Fact]
    public void Ids_stay_within_100_characters_for_the_longest_pipeline_and_huge_table_names()
    {
        var huge = new TableId(new string('s', 300), string.Concat(Enumerable.Repeat("長い名前", 200)));

        var id = OrchestrationInstanceIds.ForTableIngest(LongestPipeline, huge);

        id.Length.Should().BeLessThanOrEqualTo(OrchestrationInstanceIds.MaxLength);
        OrchestrationInstanceIds.IsValid(id).Should().BeTrue(id);
        id.Should().StartWith($"table.{LongestPipeline}.");
    }

    [Fact]
    public void Names_that_share_a_readable_hint_still_get_different_ids()
    {
        var tables = new[]
        {
            new TableId("public", "Customers"), new TableId("public", "customers"), new TableId("public", "cust omers"),
            new TableId("public", "cust_omers"), new TableId("public", "cust-omers"), new TableId("publi", "ccustomers"),
            new TableId("public.customers", "x"), new TableId("public", "customers.x"), new TableId("販売", "注文"), new TableId("販売", "注文明細"),
            new TableId("p", new string('a', 500)), new TableId("p", new string('a', 501)),
        };

        var ids = tables.Select(t => OrchestrationInstanceIds.ForTableIngest("orders", t)).ToList();

        ids.Should().OnlyHaveUniqueItems();
        ids.Select(i => i.ToLowerInvariant()).Should().OnlyHaveUniqueItems("backends that compare ids case-insensitively must not merge them");
    }

    [Fact]
    public void The_same_table_in_two_pipelines_gets_two_ids()
    {
        var table = new TableId("public", "customers");

        OrchestrationInstanceIds.ForTableIngest("orders", table).Should().NotBe(OrchestrationInstanceIds.ForTableIngest("orders-2", table));
        OrchestrationInstanceIds.ForTableIngest("a-b", new TableId("c", "d")).Should().NotBe(OrchestrationInstanceIds.ForTableIngest("a", new TableId("b-c", "d")));
    }

    [Fact]
    public void Thousands_of_similar_tables_do_not_collide()
    {
        var ids = Enumerable.Range(0, 20_000).Select(i => OrchestrationInstanceIds.ForTableIngest("orders", new TableId("s", $"t{i}"))).ToList();

        ids.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void A_table_text_that_does_not_parse_or_an_invalid_pipeline_name_is_refused_by_name()
    {
        var unparsable = () => OrchestrationInstanceIds.ForTableIngest("orders", "no-schema");
        var badPipeline = () => OrchestrationInstanceIds.ForPipeline("Orders/2");
        var emptyPart = () => OrchestrationInstanceIds.ForTableIngest("orders", new TableId("", "t"));

        unparsable.Should().Throw<FormatException>().WithMessage("*no-schema*");
        badPipeline.Should().Throw<ArgumentException>().WithMessage("*Orders/2*");
        emptyPart.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Table_text_round_trips_through_TableId_Parse_for_names_with_dots_and_quotes()
    {
        foreach (var table in new[] { new TableId("public", "customers"), new TableId("a.b", "c"), new TableId("s", "\"quoted\".x"), new TableId("販売", "注文 明細") })
        {
            var text = BlobArrival.TableText(table);

            TableId.Parse(text).Should().Be(table, text);
            OrchestrationInstanceIds.ForTableIngest("orders", text).Should().Be(OrchestrationInstanceIds.ForTableIngest("orders", table));
        }
        BlobArrival.TableText(new TableId("public", "customers")).Should().Be("public.customers");
    }
}
