using Cdc.Core.Orchestration;

namespace Cdc.Core.Tests.Orchestration;

public sealed class DispatchTickWindowTests
{
    private static readonly DateTimeOffset Noon = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(-20)]
    [InlineData(0)]
    [InlineData(25)]
    public void A_tick_covers_the_minute_it_belongs_to_however_early_or_late_it_fires(int secondsOff)
    {
        var window = TickWindow.For(Noon.AddSeconds(secondsOff), lastTick: null);

        window.Should().Be(new TickWindow(Noon.AddMinutes(-1), Noon));
    }

    [Fact]
    public void After_missed_ticks_the_window_reaches_back_to_the_last_one()
    {
        TickWindow.For(Noon, Noon.AddMinutes(-17)).Should().Be(new TickWindow(Noon.AddMinutes(-17), Noon));
    }

    [Fact]
    public void A_last_tick_older_than_a_day_or_within_the_minute_leaves_the_minute_window()
    {
        TickWindow.For(Noon, Noon.AddDays(-2)).Should().Be(new TickWindow(Noon.AddMinutes(-1), Noon), "a day at most is caught up");
        TickWindow.For(Noon, Noon.AddSeconds(-30)).Should().Be(new TickWindow(Noon.AddMinutes(-1), Noon));
    }

    [Fact]
    public void The_window_is_in_utc_whatever_offset_the_clock_reads_in()
    {
        var window = TickWindow.For(new DateTimeOffset(2026, 6, 1, 14, 0, 10, TimeSpan.FromHours(2)), null);

        window.To.Should().Be(Noon);
        window.To.Offset.Should().Be(TimeSpan.Zero);
    }
}
