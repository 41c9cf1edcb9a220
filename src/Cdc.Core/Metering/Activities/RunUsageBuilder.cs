using Cdc.Core.Model;

namespace Cdc.Core.Metering;

/// <summary>
/// Turns the activities of an orchestrated run into its usage records: one for the run and one per table and step,
/// each step's counts added up over the activities that worked on it. The run's compute is the time at least one of
/// its activities was running (the union of their spans: what an instance running them bills). It is attributed by
/// the time each table's step kept the source, staging or target busy; where that adds up to more than the run's
/// compute (steps in parallel) the shares are scaled down, and the run record keeps the rest (planning, lease,
/// bookkeeping, waiting). CPU seconds and GB-seconds follow the same shares.
/// </summary>
internal static class RunUsageBuilder
{
    public static IReadOnlyList<UsageRecord> Build(
        IReadOnlyList<ActivityUsage> activities, RunFacts run, IReadOnlyDictionary<string, string> tags, MeteringSettings settings, PriceList prices)
    {
        ArgumentNullException.ThrowIfNull(activities);
        var merged = activities
            .SelectMany(a => a.Steps)
            .GroupBy(s => (s.Table, Step: s.Table is null ? UsageStep.Run : s.Step))
            .Select(g => g.Aggregate((sum, next) => sum.Add(next)))
            .ToList();
        var runTotals = merged.FirstOrDefault(s => s.Table is null) ?? Empty;
        var steps = merged
            .Where(s => s.Table is not null)
            .Select(s => (Table: TableId.Parse(s.Table!), Usage: s))
            .OrderBy(s => s.Table)
            .ThenBy(s => s.Usage.Step)
            .ToList();

        var wall = Math.Max(0, run.WallSeconds);
        var busy = steps.Sum(s => s.Usage.BusySeconds);
        var scale = busy > wall && busy > 0 ? wall / busy : 1.0;
        var gbPerMb = settings.InstanceMemoryMb / 1024.0;

        UsageRecord Record(TableId? table, UsageStep step, StepUsage usage, double seconds, long executions, string outcome)
        {
            var record = new UsageRecord
            {
                Pipeline = run.Pipeline,
                RunId = run.RunId,
                Trigger = run.Trigger,
                Step = step,
                Table = table,
                Start = table is null ? run.Start : Clamp(usage.FirstActivity ?? run.Start, run),
                End = table is null ? run.End : Clamp(usage.LastActivity ?? run.End, run),
                Outcome = outcome,
                RowsRead = usage.RowsRead,
                RowsStaged = usage.RowsStaged,
                RowsApplied = usage.RowsApplied,
                BytesRead = usage.BytesRead,
                BytesStaged = usage.BytesStaged,
                FilesStaged = usage.FilesStaged,
                StorageOperations = usage.Storage,
                SourceRoundTrips = usage.SourceCalls,
                TargetRoundTrips = usage.TargetCalls,
                ComputeSeconds = Math.Round(seconds, 6),
                CpuSeconds = wall > 0 ? Math.Round(run.CpuSeconds * seconds / wall, 6) : 0,
                MemoryMb = settings.InstanceMemoryMb,
                MemoryGbSeconds = Math.Round(gbPerMb * seconds, 6),
                Executions = executions,
                LagSeconds = usage.LagSeconds is { } lag ? Math.Round(lag, 3) : null,
                Cost = CostEstimate.Zero(prices.Currency),
                Tags = tags,
            };
            return record with { Cost = CostEstimator.Estimate(record, settings, prices) };
        }

        var tableRecords = steps.Select(s => Record(
            s.Table, s.Usage.Step, s.Usage, s.Usage.BusySeconds * scale, 0,
            run.FailedSteps.Contains((s.Table, s.Usage.Step)) ? "failed" : "succeeded")).ToList();
        var remaining = Math.Max(0, wall - tableRecords.Sum(r => r.ComputeSeconds));
        var runRecord = Record(null, UsageStep.Run, runTotals, remaining, Executions(activities.Count, settings), run.Outcome);
        return [runRecord, .. tableRecords];
    }

    /// <summary>The activities that run after the usage is built: finishing itself, publishing usage, notifying.</summary>
    internal const int TrailingActivities = 3;

    /// <summary>
    /// Executions the run is billed for. Under Durable Functions each activity is one, and the orchestrator runs one
    /// episode at the start and one after each completed activity; completions that arrive together share an episode,
    /// so this is an upper bound.
    /// </summary>
    internal static long Executions(int meteredActivities, MeteringSettings settings)
    {
        if (!settings.CountsDurableExecutions) return settings.ExecutionsPerRun;
        var activities = meteredActivities + TrailingActivities;
        return activities + activities + 1;
    }

    /// <summary>Seconds during which at least one of the activities was running.</summary>
    public static double UnionSeconds(IEnumerable<ActivityUsage> activities)
    {
        double total = 0;
        DateTimeOffset? start = null, end = null;
        foreach (var activity in activities.OrderBy(a => a.Start))
        {
            if (end is null || activity.Start > end)
            {
                if (start is not null) total += (end!.Value - start.Value).TotalSeconds;
                start = activity.Start;
                end = activity.End;
            }
            else if (activity.End > end)
            {
                end = activity.End;
            }
        }
        if (start is not null) total += Math.Max(0, (end!.Value - start.Value).TotalSeconds);
        return total;
    }

    /// <summary>Process CPU of the activities, less what parallel activities in one process measured twice.</summary>
    public static double CpuSeconds(IReadOnlyList<ActivityUsage> activities)
    {
        var cpu = activities.Sum(a => a.CpuSeconds);
        var spans = activities.Sum(a => a.WallSeconds);
        var union = UnionSeconds(activities);
        return spans > union && spans > 0 ? cpu * union / spans : cpu;
    }

    private static readonly StepUsage Empty = new(
        null, UsageStep.Run, RowCounts.Zero, RowCounts.Zero, RowCounts.Zero, 0, 0, 0, StorageOperations.Zero, 0, 0, 0, null, null, null);

    private static DateTimeOffset Clamp(DateTimeOffset at, RunFacts run) => at < run.Start ? run.Start : at > run.End ? run.End : at;
}
