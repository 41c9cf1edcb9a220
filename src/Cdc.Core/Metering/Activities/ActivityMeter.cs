using Cdc.Core.Model;
using Cdc.Core.Orchestration;
using Cdc.Core.Runs;
using Cdc.Core.Staging;

namespace Cdc.Core.Metering;

/// <summary>
/// Meters one activity: the overrides it hands the components factory wrap the staging store, source and target to
/// count (outside any wrapping of the caller's own), and <see cref="Stop"/> hands back what was counted.
/// </summary>
internal sealed class ActivityMeter
{
    private readonly RunMeter _meter;
    private readonly ComputeClock _clock;
    private readonly DateTimeOffset _start;
    private readonly TimeProvider _time;

    public ActivityMeter(TimeProvider time)
    {
        _time = time;
        _meter = new RunMeter(time);
        _start = time.GetUtcNow();
        _clock = ComputeClock.Start(time);
    }

    /// <summary>The staging store as it was before metering, for writes that are bookkeeping of metering itself.</summary>
    public IStagingStore? UnmeteredStore { get; private set; }

    public IReadOnlyDictionary<TableId, long> RowEstimates => _meter.RowEstimates;

    public ComponentOverrides Overrides => new(
        WrapStore: store =>
        {
            UnmeteredStore ??= store;
            return new MeteredStagingStore(store, _meter);
        },
        WrapSource: source => new MeteredSourceConnector(source, _meter),
        WrapTarget: target => new MeteredTargetWriter(target, _meter),
        Time: _time);

    /// <summary>The components with their staging area counting rows and bytes as well.</summary>
    public PipelineComponents Wrap(PipelineComponents components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return components with { Staging = new MeteredStagingArea(components.Staging, _meter) };
    }

    public ActivityUsage Stop()
    {
        var (_, cpu) = _clock.Stop();
        var steps = _meter.Steps
            .Select(s => Usage(s.Key, s.Value.Totals()))
            .OrderBy(s => s.Table is null ? 0 : 1)
            .ThenBy(s => s.Table, StringComparer.Ordinal)
            .ThenBy(s => s.Step)
            .ToList();
        return new ActivityUsage(_start, _time.GetUtcNow(), cpu, steps);
    }

    private static StepUsage Usage(StepKey key, StepTotals totals) => new(
        key.Table is { } table ? TableText.Format(table) : null,
        key.Step,
        totals.RowsRead,
        totals.RowsStaged,
        totals.RowsApplied,
        totals.BytesRead,
        totals.BytesStaged,
        totals.FilesStaged,
        totals.Storage,
        totals.SourceCalls,
        totals.TargetCalls,
        totals.BusySeconds,
        totals.FirstActivity,
        totals.LastActivity,
        totals.LagSeconds);
}
