using Cdc.Core.Sources.SqlServer.Cdc;
using static Cdc.Core.Tests.Sources.SqlServer.Cdc.CdcTestData;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

public sealed class CdcCapturePlannerTests
{
    private static readonly CdcCaptureInstance Old = Instance("dbo_orders", 100, 0, OrdersColumns());
    private static readonly CdcCaptureInstance New = Instance("dbo_orders_2", 500, 5, OrdersColumns("extra"));
    private static readonly string[] Current = ["id", "note", "amount"];
    private static readonly string[] CurrentWithExtra = ["id", "note", "amount", "extra"];

    private static IReadOnlyList<string> Describe(IReadOnlyList<CdcWindow> windows) =>
        windows.Select(w => $"{w.Instance.Name} {w.From} {w.To}").ToList();

    private static string W(string instance, long from, long to) => $"{instance} {Lsn(from)} {Lsn(to)}";

    [Fact]
    public void One_instance_is_read_from_the_first_needed_lsn_to_the_end()
    {
        var (windows, gap) = CdcCapturePlanner.Windows([Reported(Old)], Lsn(150), Lsn(900));
        gap.Should().BeNull();
        Describe(windows).Should().Equal(W("dbo_orders", 150, 900));
    }

    [Fact]
    public void Nothing_is_read_when_the_table_is_already_at_the_end()
    {
        var (windows, gap) = CdcCapturePlanner.Windows([Reported(Old)], Lsn(901), Lsn(900));
        windows.Should().BeEmpty();
        gap.Should().BeNull();
        CdcCapturePlanner.Windows([Reported(Old)], Lsn(900), Lsn(900)).Windows.Should().ContainSingle().Which.From.Should().Be(Lsn(900));
    }

    [Fact]
    public void A_change_at_the_minimum_is_still_there_one_below_it_is_gone()
    {
        // from is sys.fn_cdc_increment_lsn(position): the first LSN still needed. Rows with __$start_lsn >= min remain.
        CdcCapturePlanner.RetentionGap([Reported(Old)], Lsn(100)).Should().BeNull();
        var gap = CdcCapturePlanner.RetentionGap([Reported(Old)], Lsn(99));
        gap.Should().NotBeNull();
        gap!.Instance.Should().Be(Old);
        gap.FirstNeeded.Should().Be(Lsn(99));
        gap.Min.Should().Be(Lsn(100));
        gap.Describe(Orders).Should().Contain($"from {Lsn(99)} on").And.Contain($"dbo_orders keeps changes only from {Lsn(100)} on").And.Contain("cleanup");
    }

    [Fact]
    public void A_gap_reads_nothing()
    {
        var (windows, gap) = CdcCapturePlanner.Windows([Reported(Old, min: 300)], Lsn(150), Lsn(900));
        windows.Should().BeEmpty();
        gap!.Min.Should().Be(Lsn(300));
    }

    [Fact]
    public void Two_instances_split_at_the_newer_ones_start()
    {
        var (windows, gap) = CdcCapturePlanner.Windows([Reported(Old), Reported(New)], Lsn(150), Lsn(900));
        gap.Should().BeNull();
        Describe(windows).Should().Equal(W("dbo_orders", 150, 499), W("dbo_orders_2", 500, 900));
    }

    [Fact]
    public void A_position_past_the_switch_reads_only_the_newer_instance()
    {
        Describe(CdcCapturePlanner.Windows([Reported(Old), Reported(New)], Lsn(500), Lsn(900)).Windows).Should().Equal(W("dbo_orders_2", 500, 900));
        Describe(CdcCapturePlanner.Windows([Reported(Old), Reported(New)], Lsn(700), Lsn(900)).Windows).Should().Equal(W("dbo_orders_2", 700, 900));
    }

    [Fact]
    public void An_end_before_the_switch_reads_only_the_older_instance()
    {
        Describe(CdcCapturePlanner.Windows([Reported(Old), Reported(New)], Lsn(150), Lsn(400)).Windows).Should().Equal(W("dbo_orders", 150, 400));
        Describe(CdcCapturePlanner.Windows([Reported(Old), Reported(New)], Lsn(150), Lsn(499)).Windows).Should().Equal(W("dbo_orders", 150, 499));
        Describe(CdcCapturePlanner.Windows([Reported(Old), Reported(New)], Lsn(150), Lsn(500)).Windows).Should().Equal(W("dbo_orders", 150, 499), W("dbo_orders_2", 500, 500));
    }

    [Fact]
    public void A_newer_instance_not_yet_started_leaves_everything_to_the_older()
    {
        var notStarted = Instance("dbo_orders_2", null, 5, OrdersColumns("extra"));
        Describe(CdcCapturePlanner.Windows([Reported(Old), Reported(notStarted)], Lsn(150), Lsn(900)).Windows).Should().Equal(W("dbo_orders", 150, 900));
        CdcCapturePlanner.RetentionGap([Reported(Old), Reported(notStarted)], Lsn(99))!.Instance.Should().Be(Old);
    }

    [Fact]
    public void Nothing_started_means_nothing_to_read_and_nothing_lost()
    {
        var notStarted = Instance("dbo_orders", null, 0, OrdersColumns());
        var (windows, gap) = CdcCapturePlanner.Windows([Reported(notStarted)], Lsn(1), Lsn(900));
        windows.Should().BeEmpty();
        gap.Should().BeNull();
    }

    [Fact]
    public void Changes_below_the_switch_are_lost_when_the_older_instance_lost_them_or_is_gone()
    {
        CdcCapturePlanner.RetentionGap([Reported(Old, min: 200), Reported(New)], Lsn(150))!.Instance.Should().Be(Old);
        CdcCapturePlanner.RetentionGap([Reported(Old, min: 200), Reported(New)], Lsn(200)).Should().BeNull();
        // Only the newer instance is left: what lay below its start went with the older one.
        CdcCapturePlanner.RetentionGap([Reported(New)], Lsn(150))!.Instance.Should().Be(New);
        CdcCapturePlanner.RetentionGap([Reported(New)], Lsn(500)).Should().BeNull();
    }

    [Fact]
    public void Cleanup_past_the_newer_start_raises_both_instances_to_one_watermark_and_the_split_follows()
    {
        // Both low ends at 600: the older instance serves nothing, the newer one everything from 600.
        Describe(CdcCapturePlanner.Windows([Reported(Old, 600), Reported(New, 600)], Lsn(650), Lsn(900)).Windows).Should().Equal(W("dbo_orders_2", 650, 900));
        CdcCapturePlanner.RetentionGap([Reported(Old, 600), Reported(New, 600)], Lsn(599))!.Min.Should().Be(Lsn(600));
        CdcCapturePlanner.RetentionGap([Reported(Old, 600), Reported(New, 600)], Lsn(600)).Should().BeNull();
    }

    [Fact]
    public void The_older_instance_is_dropped_once_the_table_needs_nothing_below_the_switch()
    {
        CdcCapturePlanner.Actions(Orders, [Reported(Old), Reported(New)], Lsn(499), CurrentWithExtra, []).Should().BeEmpty();
        CdcCapturePlanner.Actions(Orders, [Reported(Old), Reported(New)], Lsn(500), CurrentWithExtra, []).Should().ContainSingle()
            .Which.Should().Be(new DropCaptureInstance(Old, Lsn(500)));
    }

    [Fact]
    public void The_older_instance_stays_while_the_newer_one_has_not_started()
    {
        var notStarted = Instance("dbo_orders_2", null, 5, OrdersColumns("extra"));
        CdcCapturePlanner.Actions(Orders, [Reported(Old), Reported(notStarted)], Lsn(9000), CurrentWithExtra, []).Should().BeEmpty();
    }

    [Fact]
    public void Changed_columns_create_an_instance_copying_the_newest_ones_settings()
    {
        var actions = CdcCapturePlanner.Actions(Orders, [Reported(Old)], Lsn(150), CurrentWithExtra, ["dbo_orders"]);
        actions.Should().ContainSingle().Which.Should().Be(new CreateCaptureInstance(Old, "dbo_orders_2"));
        // A dropped column counts as a change too.
        CdcCapturePlanner.Actions(Orders, [Reported(Old)], Lsn(150), ["id", "amount"], []).Should().ContainSingle().Which.Should().BeOfType<CreateCaptureInstance>();
    }

    [Fact]
    public void Same_columns_in_another_order_or_computed_captured_columns_need_no_new_instance()
    {
        CdcCapturePlanner.Actions(Orders, [Reported(Old)], Lsn(150), ["amount", "id", "note"], []).Should().BeEmpty();
        var withComputed = Instance("dbo_orders", 100, 0, [.. OrdersColumns(), Column("total", 4, computed: true)]);
        CdcCapturePlanner.Actions(Orders, [Reported(withComputed)], Lsn(150), Current, []).Should().BeEmpty();
    }

    [Fact]
    public void A_third_instance_waits_until_the_older_one_is_dropped()
    {
        var actions = CdcCapturePlanner.Actions(Orders, [Reported(Old), Reported(New)], Lsn(150), [.. CurrentWithExtra, "more"], []);
        actions.Should().ContainSingle().Which.Should().BeOfType<CaptureInstanceCreationWaits>()
            .Which.Reason.Should().Contain("two capture instances").And.Contain(Lsn(500).ToString()).And.Contain("dbo_orders is dropped");
    }

    [Fact]
    public void Dropping_the_older_instance_makes_room_for_the_next_one_in_the_same_round()
    {
        var actions = CdcCapturePlanner.Actions(Orders, [Reported(Old), Reported(New)], Lsn(600), [.. CurrentWithExtra, "more"], ["dbo_orders", "dbo_orders_2"]);
        actions.Should().Equal(new DropCaptureInstance(Old, Lsn(500)), new CreateCaptureInstance(New, "dbo_orders_3"));
    }

    [Fact]
    public void A_table_whose_columns_are_unknown_gets_no_instance()
    {
        CdcCapturePlanner.Actions(Orders, [Reported(Old)], Lsn(150), [], []).Should().BeEmpty();
    }

    [Fact]
    public void The_plan_manages_instances_only_when_asked_and_never_across_a_gap()
    {
        CdcCapturePlanner.Plan(Orders, [Reported(Old)], Lsn(150), Lsn(900), false, CurrentWithExtra, []).Actions.Should().BeEmpty();
        CdcCapturePlanner.Plan(Orders, [Reported(Old)], Lsn(150), Lsn(900), true, CurrentWithExtra, []).Actions.Should().ContainSingle();
        var gap = CdcCapturePlanner.Plan(Orders, [Reported(Old)], Lsn(50), Lsn(900), true, CurrentWithExtra, []);
        gap.Gap.Should().NotBeNull();
        gap.Windows.Should().BeEmpty();
        gap.Actions.Should().BeEmpty();
    }
}
