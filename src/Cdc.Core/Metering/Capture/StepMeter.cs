using Cdc.Core.Model;
using Cdc.Core.Targets;

namespace Cdc.Core.Metering;

/// <summary>Counters of one table's step (or of the run itself) while the run works; thread-safe.</summary>
internal sealed class StepMeter(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly long[] _read = new long[3];
    private readonly long[] _staged = new long[3];
    private readonly long[] _applied = new long[3];
    private readonly List<(DateTimeOffset Start, DateTimeOffset End)> _busy = [];
    private long _bytesRead, _bytesStaged, _filesStaged;
    private long _writes, _reads, _lists, _deletes, _storageBytesWritten, _storageBytesRead;
    private long _sourceCalls, _targetCalls;
    private double _sharedBusySeconds;
    private DateTimeOffset? _first, _last, _newestApplied, _lastApplyEnd;

    public void RowRead(ChangeKind kind, long bytes) => Update(() =>
    {
        _read[Index(kind)]++;
        _bytesRead += bytes;
    });

    public void BatchRead(long bytes) => Update(() => _bytesRead += bytes);

    public void Staged(RowCounts rows, long bytes, long files) => Update(() =>
    {
        _staged[0] += rows.Inserts;
        _staged[1] += rows.Updates;
        _staged[2] += rows.Deletes;
        _bytesStaged += bytes;
        _filesStaged += files;
    });

    public void Applied(ApplyResult result) => Update(() =>
    {
        _applied[0] += result.Inserted;
        _applied[1] += result.Updated;
        _applied[2] += result.Deleted;
    });

    /// <summary>An apply finished at <paramref name="appliedAt"/>; its newest change was committed at the source at
    /// <paramref name="newestCommit"/>.</summary>
    public void AppliedChangesUpTo(DateTimeOffset? newestCommit, DateTimeOffset appliedAt) => Update(() =>
    {
        if (newestCommit is null) return;
        if (_newestApplied is null || newestCommit > _newestApplied) _newestApplied = newestCommit;
        if (_lastApplyEnd is null || appliedAt > _lastApplyEnd) _lastApplyEnd = appliedAt;
    });

    public void StorageWrite(long bytes) => Update(() =>
    {
        _writes++;
        _storageBytesWritten += bytes;
    });

    public void StorageRead(long bytes) => Update(() =>
    {
        _reads++;
        _storageBytesRead += bytes;
    });

    public void StorageList(long requests) => Update(() => _lists += requests);

    public void StorageDelete() => Update(() => _deletes++);

    public void SourceCall() => Update(() => _sourceCalls++);

    public void TargetCall() => Update(() => _targetCalls++);

    public void Busy(DateTimeOffset start, DateTimeOffset end) => Update(() =>
    {
        if (end > start) _busy.Add((start, end));
        Touch(start);
    });

    /// <summary>Part of a call shared with other tables (a change capture reads every table's changes at once).</summary>
    public void SharedBusy(double seconds, DateTimeOffset start) => Update(() =>
    {
        _sharedBusySeconds += seconds;
        Touch(start);
    });

    public StepTotals Totals()
    {
        lock (_gate)
        {
            double? lag = _newestApplied is { } newest && _lastApplyEnd is { } end ? Math.Max(0, (end - newest).TotalSeconds) : null;
            return new StepTotals(
                Counts(_read), Counts(_staged), Counts(_applied), _bytesRead, _bytesStaged, _filesStaged,
                new StorageOperations(_writes, _reads, _lists, _deletes, _storageBytesWritten, _storageBytesRead),
                _sourceCalls, _targetCalls, UnionSeconds(_busy) + _sharedBusySeconds, _first, _last, lag);
        }
    }

    private void Update(Action change)
    {
        lock (_gate)
        {
            change();
            Touch(time.GetUtcNow());
        }
    }

    private void Touch(DateTimeOffset at)
    {
        if (_first is null || at < _first) _first = at;
        if (_last is null || at > _last) _last = at;
    }

    private static int Index(ChangeKind kind) => kind switch
    {
        ChangeKind.Update => 1,
        ChangeKind.Delete => 2,
        _ => 0,
    };

    private static RowCounts Counts(long[] counts) => new(counts[0], counts[1], counts[2]);

    /// <summary>Seconds covered by at least one interval: nested or overlapping calls of one table count once.</summary>
    private static double UnionSeconds(List<(DateTimeOffset Start, DateTimeOffset End)> intervals)
    {
        double total = 0;
        DateTimeOffset? start = null, end = null;
        foreach (var (s, e) in intervals.OrderBy(i => i.Start))
        {
            if (end is null || s > end)
            {
                if (start is not null) total += (end!.Value - start.Value).TotalSeconds;
                start = s;
                end = e;
            }
            else if (e > end)
            {
                end = e;
            }
        }
        if (start is not null) total += (end!.Value - start.Value).TotalSeconds;
        return total;
    }
}

internal sealed record StepTotals(
    RowCounts RowsRead,
    RowCounts RowsStaged,
    RowCounts RowsApplied,
    long BytesRead,
    long BytesStaged,
    long FilesStaged,
    StorageOperations Storage,
    long SourceCalls,
    long TargetCalls,
    double BusySeconds,
    DateTimeOffset? FirstActivity,
    DateTimeOffset? LastActivity,
    double? LagSeconds);
