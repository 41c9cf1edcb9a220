using Cdc.Core.Model;
using Cdc.Core.Runs;

namespace Cdc.Core.Metering;

/// <summary>What the builder needs to know about the run besides what its meter counted.</summary>
internal sealed record RunFacts(
    string Pipeline,
    string RunId,
    RunTrigger Trigger,
    DateTimeOffset Start,
    DateTimeOffset End,
    string Outcome,
    double WallSeconds,
    double CpuSeconds,
    IReadOnlySet<(TableId Table, UsageStep Step)> FailedSteps);

/// <summary>
/// Turns a run's meter into usage records: one for the run and one per table and step. Compute is attributed by the
/// time each table's step kept the source, staging or target busy; where tables ran in parallel those times are
/// scaled down so that the records add up to the run's wall time, and the run record keeps the rest (lease,
/// discovery, bookkeeping, waiting). CPU seconds and GB-seconds follow the same shares.
/// </summary>
internal static class UsageRecordBuilder
{
    public static IReadOnlyList<UsageRecord> Build(RunMeter meter, RunFacts run, IReadOnlyDictionary<string, string> tags, MeteringSettings settings, PriceList prices)
    {
        var steps = meter.Steps
            .Where(s => s.Key.Table is not null)
            .Select(s => (s.Key, Totals: s.Value.Totals()))
            .OrderBy(s => s.Key.Table!.Value)
            .ThenBy(s => s.Key.Step)
            .ToList();
        var runTotals = meter.Run.Totals();

        var wall = Math.Max(0, run.WallSeconds);
        var busy = steps.Sum(s => s.Totals.BusySeconds);
        var scale = busy > wall && busy > 0 ? wall / busy : 1.0;
        var gbPerMb = settings.InstanceMemoryMb / 1024.0;

        UsageRecord Record(TableId? table, UsageStep step, StepTotals totals, double seconds, long executions, string outcome)
        {
            var record = new UsageRecord
            {
                Pipeline = run.Pipeline,
                RunId = run.RunId,
                Trigger = run.Trigger,
                Step = step,
                Table = table,
                Start = table is null ? run.Start : Clamp(totals.FirstActivity ?? run.Start, run),
                End = table is null ? run.End : Clamp(totals.LastActivity ?? run.End, run),
                Outcome = outcome,
                RowsRead = totals.RowsRead,
                RowsStaged = totals.RowsStaged,
                RowsApplied = totals.RowsApplied,
                BytesRead = totals.BytesRead,
                BytesStaged = totals.BytesStaged,
                FilesStaged = totals.FilesStaged,
                StorageOperations = totals.Storage,
                SourceRoundTrips = totals.SourceCalls,
                TargetRoundTrips = totals.TargetCalls,
                ComputeSeconds = Math.Round(seconds, 6),
                CpuSeconds = wall > 0 ? Math.Round(run.CpuSeconds * seconds / wall, 6) : 0,
                MemoryMb = settings.InstanceMemoryMb,
                MemoryGbSeconds = Math.Round(gbPerMb * seconds, 6),
                Executions = executions,
                LagSeconds = totals.LagSeconds is { } lag ? Math.Round(lag, 3) : null,
                Cost = CostEstimate.Zero(prices.Currency),
                Tags = tags,
            };
            return record with { Cost = CostEstimator.Estimate(record, settings, prices) };
        }

        var tableRecords = steps.Select(s => Record(
            s.Key.Table, s.Key.Step, s.Totals, s.Totals.BusySeconds * scale, 0,
            run.FailedSteps.Contains((s.Key.Table!.Value, s.Key.Step)) ? "failed" : "succeeded")).ToList();
        var remaining = Math.Max(0, wall - tableRecords.Sum(r => r.ComputeSeconds));
        var runRecord = Record(null, UsageStep.Run, runTotals, remaining, settings.ExecutionsPerRun, run.Outcome);
        return [runRecord, .. tableRecords];
    }

    private static DateTimeOffset Clamp(DateTimeOffset at, RunFacts run) => at < run.Start ? run.Start : at > run.End ? run.End : at;
}
