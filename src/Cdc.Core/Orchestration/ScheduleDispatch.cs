using Cdc.Core.Pipeline;

namespace Cdc.Core.Orchestration;

/// <summary>
/// Which pipelines a scheduler tick starts. A tick covers the time since the previous tick, (previousTick, now]: a
/// pipeline is due when its schedule has an occurrence in that window. However many occurrences a long gap holds (a
/// host asleep, a slow run), the pipeline is due once: runs catch up, they do not pile up.
/// </summary>
public static class ScheduleDispatch
{
    /// <summary>Names of the pipelines due in (<paramref name="previousTick"/>, <paramref name="now"/>], each once,
    /// in ordinal name order. Pipelines without a schedule are never due. An empty or backwards window is due nothing.</summary>
    /// <exception cref="ArgumentException">A pipeline's schedule does not parse (only possible for definitions built in
    /// code; the loader checks files).</exception>
    public static IReadOnlyList<string> Due(IReadOnlyList<PipelineDefinition> pipelines, DateTimeOffset previousTick, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        if (now <= previousTick) return [];
        var due = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pipeline in pipelines)
        {
            if (ScheduleOf(pipeline) is { } schedule && schedule.NextOccurrence(previousTick) is { } next && next <= now)
                due.Add(pipeline.Name);
        }
        return due.ToList();
    }

    /// <summary>The first tick of a scheduler has no previous tick: nothing is due, since no occurrence is known to
    /// have been missed. The window of the next tick starts at this one.</summary>
    public static IReadOnlyList<string> Due(IReadOnlyList<PipelineDefinition> pipelines, DateTimeOffset? previousTick, DateTimeOffset now) =>
        previousTick is { } previous ? Due(pipelines, previous, now) : [];

    /// <summary>The earliest occurrence strictly after <paramref name="after"/> of any pipeline's schedule, or null when
    /// none is scheduled: when a scheduler should wake up at the latest.</summary>
    public static DateTimeOffset? NextOccurrence(IReadOnlyList<PipelineDefinition> pipelines, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        DateTimeOffset? earliest = null;
        foreach (var pipeline in pipelines)
        {
            if (ScheduleOf(pipeline)?.NextOccurrence(after) is { } next && (earliest is null || next < earliest)) earliest = next;
        }
        return earliest;
    }

    private static PipelineSchedule? ScheduleOf(PipelineDefinition pipeline)
    {
        if (pipeline.Schedule is null) return null;
        return PipelineSchedule.TryParse(pipeline.Schedule, out var schedule, out var error)
            ? schedule
            : throw new ArgumentException($"Pipeline '{pipeline.Name}' ({pipeline.SourceFile ?? "built in code"}): schedule: {error}", nameof(pipeline));
    }
}
