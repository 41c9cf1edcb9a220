using Microsoft.Azure.Functions.Worker;

namespace Ingest.Functions.Triggers;

/// <summary>
/// The window (From, To] a schedule tick covers. Ticks fire every minute on the minute, so To is the minute the tick
/// belongs to (the clock rounded to the nearest minute, which absorbs a tick firing a little early or late) and From
/// the minute before. When ticks were missed (host asleep, scaled in, deploying), the timer's last recorded
/// occurrence reaches further back, and the window grows to cover the gap, at most a day: due pipelines then start
/// once, they do not pile up.
/// </summary>
public readonly record struct TickWindow(DateTimeOffset From, DateTimeOffset To)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestCatchUp = TimeSpan.FromDays(1);

    public static TickWindow For(TimerInfo timer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var to = new DateTimeOffset((now.UtcTicks + (Tick.Ticks / 2)) / Tick.Ticks * Tick.Ticks, TimeSpan.Zero);
        var from = to - Tick;
        if (timer.ScheduleStatus is { } status && status.Last != default)
        {
            var last = AsUtc(status.Last);
            if (last < from && last >= to - LongestCatchUp) from = last;
        }
        return new TickWindow(from, to);
    }

    // The timer records occurrences in the host's local time zone, which is UTC on Azure unless WEBSITE_TIME_ZONE says otherwise.
    private static DateTimeOffset AsUtc(DateTime time) =>
        time.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : new DateTimeOffset(time.ToUniversalTime());
}
