using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Staging;

namespace Cdc.Core.Metering;

/// <summary>Counts rows by operation as the gateway stages them (only batches that commit) and as the ingest step
/// reads them back, with the staged bytes and files each batch's commit record lists.</summary>
internal sealed class MeteredStagingArea(IStagingArea inner, RunMeter meter) : IStagingArea
{
    public IStagingStore Store => inner.Store;

    public IBatchWriter StartBatch(TableSchema schema, long sequence, BatchKind kind, int snapshotGeneration)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new MeteredBatchWriter(inner.StartBatch(schema, sequence, kind, snapshotGeneration), meter.For(schema.Table, UsageStep.Gateway), meter.Time);
    }

    public Task<IReadOnlyList<CommitRecord>> ListCommitsAsync(TableId table, long afterSequence, CancellationToken cancellationToken) =>
        inner.ListCommitsAsync(table, afterSequence, cancellationToken);

    public Task<CommitRecord?> LastCommitAsync(TableId table, CancellationToken cancellationToken) =>
        inner.LastCommitAsync(table, cancellationToken);

    public Task<IReadOnlyList<TableId>> ListTablesAsync(CancellationToken cancellationToken) => inner.ListTablesAsync(cancellationToken);

    public async IAsyncEnumerable<ChangeRow> ReadRowsAsync(CommitRecord commit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var step = meter.For(commit.Table, UsageStep.Ingest);
        step.BatchRead(commit.Files.Sum(f => f.Bytes));
        await foreach (var row in inner.ReadRowsAsync(commit, cancellationToken))
        {
            step.RowRead(row.Kind, 0);
            yield return row;
        }
    }

    private sealed class MeteredBatchWriter(IBatchWriter inner, StepMeter step, TimeProvider time) : IBatchWriter
    {
        private long _inserts, _updates, _deletes;

        public long RowCount => inner.RowCount;

        public long BytesWritten => inner.BytesWritten;

        public ValueTask WriteAsync(ChangeRow row, CancellationToken cancellationToken)
        {
            switch (row.Kind)
            {
                case ChangeKind.Update:
                    _updates++;
                    break;
                case ChangeKind.Delete:
                    _deletes++;
                    break;
                default:
                    _inserts++;
                    break;
            }
            return inner.WriteAsync(row, cancellationToken);
        }

        public async Task<CommitRecord> CommitAsync(BatchCommitInfo info, CancellationToken cancellationToken)
        {
            var start = time.GetUtcNow();
            var commit = await inner.CommitAsync(info, cancellationToken);
            step.Busy(start, time.GetUtcNow());
            step.Staged(new RowCounts(_inserts, _updates, _deletes), commit.Files.Sum(f => f.Bytes), commit.Files.Count);
            return commit;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
