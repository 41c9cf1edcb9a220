using System.Collections.Concurrent;
using Cdc.Core.Model;

namespace Cdc.Core.Metering;

internal readonly record struct StepKey(TableId? Table, UsageStep Step);

/// <summary>Everything one run's metered components count, by table and step. The wrappers in this folder feed it;
/// <see cref="ActivityUsage"/> carries what it counted out of each activity; <see cref="RunUsageBuilder"/> turns the run's activities into usage records.</summary>
internal sealed class RunMeter(TimeProvider time)
{
    private readonly ConcurrentDictionary<StepKey, StepMeter> _steps = new();

    public TimeProvider Time { get; } = time;

    /// <summary>Source row estimates per table, for snapshot progress percentages.</summary>
    public ConcurrentDictionary<TableId, long> RowEstimates { get; } = new();

    public StepMeter Run => For(null, UsageStep.Run);

    public StepMeter For(TableId? table, UsageStep step) =>
        _steps.GetOrAdd(table is null ? new StepKey(null, UsageStep.Run) : new StepKey(table, step), _ => new StepMeter(Time));

    public IReadOnlyList<KeyValuePair<StepKey, StepMeter>> Steps => [.. _steps];

    public void StorageWrite(string path, long bytes) => StepOf(path, write: true).StorageWrite(bytes);

    public void StorageRead(string path, long bytes) => StepOf(path, write: false).StorageRead(bytes);

    public void StorageList(string prefix, long requests) => StepOf(prefix, write: false).StorageList(requests);

    public void StorageDelete(string path) => StepOf(path, write: true).StorageDelete();

    /// <summary>The table's step a request belongs to: the step the flow is in when known, otherwise what the kind of
    /// object says (the gateway writes batches and state, the ingest step reads batches back).</summary>
    private StepMeter StepOf(string path, bool write)
    {
        var (table, area) = StoragePathClassifier.Classify(path);
        if (table is null) return Run;
        var step = MeteringScope.Step ?? area switch
        {
            StorageArea.BatchData or StorageArea.CommitRecords => write ? UsageStep.Gateway : UsageStep.Ingest,
            StorageArea.Quarantine => UsageStep.Ingest,
            _ => UsageStep.Gateway,
        };
        return For(table, step);
    }
}
