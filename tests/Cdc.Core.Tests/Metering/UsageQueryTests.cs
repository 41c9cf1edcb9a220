using Cdc.Core.Metering;
using Cdc.Core.Model;

namespace Cdc.Core.Tests.Metering;

public sealed class UsageQueryTests
{
    private static readonly DateTimeOffset June10 = new(2025, 6, 10, 8, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<UsageRecord> Records()
    {
        var a = new Dictionary<string, string> { ["team"] = "a" };
        var b = new Dictionary<string, string> { ["Team"] = "b" };
        var run1 = MeteringTestKit.CostingRecord("orders", "r1", June10, 1m, a);
        var run2 = MeteringTestKit.CostingRecord("billing", "r2", June10.AddDays(1), 2m, b);
        return
        [
            run1,
            run1 with { Step = UsageStep.Gateway, Table = new TableId("public", "orders"), RowsStaged = new RowCounts(10, 0, 0) },
            run1 with { Step = UsageStep.Ingest, Table = new TableId("public", "orders"), RowsApplied = new RowCounts(10, 0, 0) },
            run2,
            run2 with { Step = UsageStep.Gateway, Table = new TableId("public", "invoices"), RowsStaged = new RowCounts(0, 5, 1) },
            MeteringTestKit.CostingRecord("orders", "r3", June10.AddDays(1), 4m, new Dictionary<string, string>()),
        ];
    }

    [Theory]
    [InlineData("pipeline", "billing:1:4, orders:2:7, total:3:11")]
    [InlineData("table", "(run):3:7, public.invoices:1:2, public.orders:1:2, total:3:11")]
    [InlineData("tag:TEAM", "(untagged):1:4, a:1:3, b:1:4, total:3:11")]
    [InlineData("day", "2025-06-10:1:3, 2025-06-11:2:8, total:3:11")]
    public void Records_sum_per_group_with_a_total(string by, string expected)
    {
        var rows = UsageQuery.Summarize(Records(), UsageGrouping.Parse(by));

        string.Join(", ", rows.Select(r => $"{r.Group}:{r.Runs}:{r.Cost:0.##}")).Should().Be(expected);
        rows[^1].RowsStaged.Should().Be(new RowCounts(10, 5, 1));
        rows[^1].RowsApplied.Total.Should().Be(10);
    }

    [Theory]
    [InlineData("tag:")]
    [InlineData("owner")]
    public void An_unknown_grouping_lists_the_choices(string by)
    {
        var act = () => UsageGrouping.Parse(by);

        act.Should().Throw<ArgumentException>().Which.Message.Should().ContainAny("tag:KEY", "pipeline, table, day, run");
    }
}
