using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Staging;
using Cdc.Core.Targets;

namespace Cdc.Core.Metering;

/// <summary>Counts calls to the target (round trips, as call counts), the rows each apply inserted, updated and
/// deleted, the time each table's applies take, and the lag: from the source commit of the newest applied change to
/// the end of its apply.</summary>
internal sealed class MeteredTargetWriter(ITargetWriter inner, RunMeter meter) : ITargetWriter
{
    // Synchronous on purpose: an ingest flow starts with this call, and the step set here stays in effect for the
    // rest of that flow, so its staging reads are charged to the ingest step.
    public Task<AppliedState?> GetAppliedStateAsync(IngestFlow flow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        MeteringScope.Enter(UsageStep.Ingest);
        return Timed(flow, () => inner.GetAppliedStateAsync(flow, cancellationToken));
    }

    public async Task<ApplyResult> LoadSnapshotAsync(IngestFlow flow, IAsyncEnumerable<CommitRecord> chunks, Func<CommitRecord, IAsyncEnumerable<ChangeRow>> readRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(readRows);
        var newest = new NewestCommit();
        var result = await Timed(flow, () => inner.LoadSnapshotAsync(flow, chunks, chunk => Track(readRows(chunk), newest, cancellationToken), cancellationToken));
        Applied(flow, result, newest);
        return result;
    }

    public async Task<ApplyResult> ApplyChangesAsync(IngestFlow flow, CommitRecord batch, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var newest = new NewestCommit();
        var result = await Timed(flow, () => inner.ApplyChangesAsync(flow, batch, Track(rows, newest, cancellationToken), cancellationToken));
        Applied(flow, result, newest);
        return result;
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task<T> Timed<T>(IngestFlow flow, Func<Task<T>> call)
    {
        var step = meter.For(flow.Source, UsageStep.Ingest);
        step.TargetCall();
        var start = meter.Time.GetUtcNow();
        try
        {
            return await call();
        }
        finally
        {
            step.Busy(start, meter.Time.GetUtcNow());
        }
    }

    private void Applied(IngestFlow flow, ApplyResult result, NewestCommit newest)
    {
        var step = meter.For(flow.Source, UsageStep.Ingest);
        step.Applied(result);
        step.AppliedChangesUpTo(newest.Value, meter.Time.GetUtcNow());
    }

    private static async IAsyncEnumerable<ChangeRow> Track(IAsyncEnumerable<ChangeRow> rows, NewestCommit newest, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            newest.See(row.CommitTime);
            yield return row;
        }
    }

    private sealed class NewestCommit
    {
        private readonly Lock _gate = new();

        public DateTimeOffset? Value { get; private set; }

        public void See(DateTimeOffset at)
        {
            lock (_gate)
                if (Value is null || at > Value) Value = at;
        }
    }
}
