using Cdc.Core.Sources.SqlServer;

namespace Cdc.Core.Tests.Sources.SqlServer;

public sealed class SqlServerPositionsTests
{
    private static int Compare(string left, string right) => SqlServerPositions.Compare(left, right);

    [Theory]
    [InlineData(0L, "ct:00000000000000000000")]
    [InlineData(1234L, "ct:00000000000000001234")]
    [InlineData(long.MaxValue, "ct:09223372036854775807")]
    public void Versions_format_as_twenty_padded_digits_and_parse_back(long version, string position)
    {
        SqlServerPositions.FromVersion(version).Should().Be(position);
        SqlServerPositions.ToVersion(position).Should().Be(version);
    }

    [Fact]
    public void A_negative_version_is_refused() =>
        FluentActions.Invoking(() => SqlServerPositions.FromVersion(-1)).Should().Throw<ArgumentOutOfRangeException>();

    [Theory]
    [InlineData("ct:")]
    [InlineData("ct:12a")]
    [InlineData("ct:-5")]
    [InlineData("lsn:0000002A000001F40003")]
    [InlineData("00000000000000001234")]
    public void Anything_else_is_not_a_version(string position) =>
        FluentActions.Invoking(() => SqlServerPositions.ToVersion(position)).Should().Throw<FormatException>().WithMessage("*change tracking position*");

    [Fact]
    public void Versions_order_numerically()
    {
        Compare(SqlServerPositions.FromVersion(9), SqlServerPositions.FromVersion(10)).Should().BeNegative();
        Compare(SqlServerPositions.FromVersion(10), SqlServerPositions.FromVersion(9)).Should().BePositive();
        Compare(SqlServerPositions.FromVersion(42), SqlServerPositions.FromVersion(42)).Should().Be(0);
    }

    [Fact]
    public void Lsns_order_by_the_lsn_comparer()
    {
        var connector = Comparer();
        connector("lsn:0000002A000001F40003", "lsn:0000002A000001F40004").Should().BeNegative();
        connector("lsn:0000002B000000000000", "lsn:0000002A000001F40004").Should().BePositive();
        connector("lsn:0000002A000001F40003", "lsn:0000002A000001F40003").Should().Be(0);
    }

    [Fact]
    public void Across_kinds_change_tracking_sorts_first_and_never_throws()
    {
        var compare = Comparer();
        compare("ct:09223372036854775807", "lsn:00000000000000000000").Should().BeNegative();
        compare("lsn:00000000000000000000", "ct:00000000000000000000").Should().BePositive();
    }

    [Fact]
    public void An_unknown_position_kind_is_refused_by_name() =>
        FluentActions.Invoking(() => Compare("16/B374D848", "ct:00000000000000000001")).Should().Throw<FormatException>().WithMessage("*16/B374D848*");

    /// <summary>The connector's own comparison, with the CDC reader's LSN ordering.</summary>
    private static Func<string, string, int> Comparer() => SqlServerTestSupport.OfflineConnector().ComparePositions;
}
