using Cdc.Core.Model;

namespace Cdc.Core.Tests.Model;

public sealed class TableIdTests
{
    [Theory]
    [InlineData("public.drivers", "public", "drivers")]
    [InlineData("sales.\"Order Details\"", "sales", "Order Details")]
    [InlineData("\"a.b\".\"c\"\"d\"", "a.b", "c\"d")]
    [InlineData("dbo.Ünïcödé", "dbo", "Ünïcödé")]
    [InlineData("public.select", "public", "select")]
    public void Parse_reads_plain_and_quoted_parts(string text, string schema, string name)
    {
        TableId.Parse(text).Should().Be(new TableId(schema, name));
    }

    [Theory]
    [InlineData("drivers")]
    [InlineData("a.b.c")]
    [InlineData("\"unterminated.x")]
    [InlineData(".x")]
    [InlineData("x.")]
    public void Parse_refuses_malformed_names_quoting_them(string text)
    {
        var act = () => TableId.Parse(text);
        act.Should().Throw<FormatException>().WithMessage($"*{text}*");
    }

    [Theory]
    [InlineData("public", "drivers")]
    [InlineData("sales", "Order Details")]
    [InlineData("a.b", "c\"d/e%f")]
    [InlineData("dbo", "Ünïcödé")]
    public void Path_segment_is_safe_and_reversible(string schema, string name)
    {
        var id = new TableId(schema, name);
        var segment = id.ToPathSegment();
        segment.Should().MatchRegex("^[A-Za-z0-9_%-]+\\.[A-Za-z0-9_%-]+$");
        TableId.FromPathSegment(segment).Should().Be(id);
    }

    [Fact]
    public void Path_segments_of_different_names_differ_even_when_case_or_escapes_collide()
    {
        new TableId("a", "B").ToPathSegment().Should().NotBe(new TableId("a", "b").ToPathSegment());
        new TableId("a", "%41").ToPathSegment().Should().NotBe(new TableId("a", "A").ToPathSegment());
    }
}
