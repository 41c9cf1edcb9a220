namespace Cdc.Core.Orchestration;

/// <summary>
/// The window (From, To] a once-a-minute schedule tick covers, for <see cref="ScheduleDispatch.Due(IReadOnlyList{Pipeline.PipelineDefinition}, DateTimeOffset, DateTimeOffset)"/>.
/// Ticks fire every minute on the minute, so To is the minute the tick belongs to (the clock rounded to the nearest
/// minute, which absorbs a tick firing a little early or late) and From the minute before. When ticks were missed
/// (host asleep, scaled in, deploying), the last recorded tick reaches further back, and the window grows to cover the
/// gap, at most a day: due pipelines then start once, they do not pile up.
/// </summary>
public readonly record struct TickWindow(DateTimeOffset From, DateTimeOffset To)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMinutes(1);

    /// <summary>How far back a missed stretch of ticks is caught up.</summary>
    public static readonly TimeSpan LongestCatchUp = TimeSpan.FromDays(1);

    /// <param name="lastTick">The timer's last recorded occurrence, in UTC; null when it has none.</param>
    public static TickWindow For(DateTimeOffset now, DateTimeOffset? lastTick)
    {
        var to = new DateTimeOffset((now.UtcTicks + (Tick.Ticks / 2)) / Tick.Ticks * Tick.Ticks, TimeSpan.Zero);
        var from = to - Tick;
        if (lastTick is { } last && last < from && last >= to - LongestCatchUp) from = last;
        return new TickWindow(from, to);
    }
}
