using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Staging;

namespace Cdc.Core.Runs;

/// <summary>
/// Turns captured transactions into staged change batches, one open batch per table. A batch is committed at a
/// transaction boundary once it reaches the row limit, when the table's schema changes, and at the end of the capture.
/// A transaction at or before a table's checkpoint position was staged before a crash and is skipped, so re-reading
/// unacknowledged changes never stages them twice.
/// </summary>
internal sealed class StagingChangeSink(
    IStagingArea staging,
    IReadOnlyDictionary<TableId, TableCheckpoint> checkpoints,
    int maxBatchRows,
    Func<string, string, int> comparePositions,
    Func<CommitRecord, Task> onCommitted) : IChangeSink, IAsyncDisposable
{
    private readonly Dictionary<TableId, OpenBatch> _open = [];
    private string? _transactionPosition;

    public ValueTask BeginTransactionAsync(string commitPosition, CancellationToken cancellationToken)
    {
        _transactionPosition = commitPosition;
        return ValueTask.CompletedTask;
    }

    public async ValueTask ChangeAsync(TableSchema schema, ChangeRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!checkpoints.TryGetValue(schema.Table, out var checkpoint)) return;
        var staged = checkpoint.State.Position;
        if (_transactionPosition is not null && staged is not null && comparePositions(_transactionPosition, staged) <= 0) return;

        if (_open.TryGetValue(schema.Table, out var batch) && batch.Schema.Fingerprint != schema.Fingerprint)
        {
            // A schema change inside a transaction splits it; the first part ends at the previous transaction.
            await CommitAsync(batch, cancellationToken);
            batch = null;
        }
        if (batch is null)
        {
            var state = checkpoint.State;
            batch = new OpenBatch(schema, staging.StartBatch(schema, state.LastSequence + 1, BatchKind.Changes, state.SnapshotGeneration), state.Position);
            _open[schema.Table] = batch;
        }
        await batch.Writer.WriteAsync(row, cancellationToken);
        batch.TouchedInTransaction = true;
    }

    public async ValueTask CommitAsync(string position, CancellationToken cancellationToken)
    {
        foreach (var batch in _open.Values.Where(b => b.TouchedInTransaction).ToList())
        {
            batch.TouchedInTransaction = false;
            batch.LastPosition = position;
            if (batch.Writer.RowCount >= maxBatchRows) await CommitAsync(batch, cancellationToken);
        }
        _transactionPosition = null;
    }

    /// <summary>
    /// Moves an idle table's position up to what the source has read, so it does not fall behind the source's change
    /// retention between changes. With a batch open, the batch ends there; otherwise only the checkpoint moves (commit
    /// records stay the authority: a checkpoint lost to a crash falls back to the last batch, and re-reading from there
    /// is harmless).
    /// </summary>
    public async ValueTask AdvanceAsync(TableId table, string position, CancellationToken cancellationToken)
    {
        if (!checkpoints.TryGetValue(table, out var checkpoint)) return;
        if (_open.TryGetValue(table, out var batch))
        {
            if (!batch.TouchedInTransaction && (batch.LastPosition is null || comparePositions(position, batch.LastPosition) > 0)) batch.LastPosition = position;
            return;
        }
        var state = checkpoint.State;
        var covered = state.Position ?? state.SnapshotStartPosition;
        if (covered is not null && comparePositions(position, covered) <= 0) return;
        await checkpoint.SaveAsync(state with { Position = position }, cancellationToken);
    }

    /// <summary>Where the source must not be acknowledged past, per table whose open transaction was cut off.</summary>
    public Dictionary<TableId, string?> CutOff { get; } = [];

    /// <summary>
    /// Commits every open batch. Called once the source has handed over everything it read. A batch holding rows of a
    /// transaction the source stopped in the middle of is abandoned instead, so no transaction is ever staged in part;
    /// its table is listed in <see cref="CutOff"/> with the position the next capture must start from.
    /// </summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        foreach (var batch in _open.Values.ToList())
        {
            if (_transactionPosition is not null && batch.TouchedInTransaction)
            {
                _open.Remove(batch.Schema.Table);
                CutOff[batch.Schema.Table] = batch.FromPosition;
                await batch.Writer.DisposeAsync();
                continue;
            }
            await CommitAsync(batch, cancellationToken);
        }
    }

    private async Task CommitAsync(OpenBatch batch, CancellationToken cancellationToken)
    {
        _open.Remove(batch.Schema.Table);
        await using (batch.Writer)
        {
            if (batch.Writer.RowCount == 0) return;
            var commit = await batch.Writer.CommitAsync(new BatchCommitInfo(batch.FromPosition, batch.LastPosition ?? batch.FromPosition), cancellationToken);
            await checkpoints[batch.Schema.Table].RecordCommitAsync(commit, cancellationToken);
            await onCommitted(commit);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var batch in _open.Values) await batch.Writer.DisposeAsync();
        _open.Clear();
    }

    private sealed class OpenBatch(TableSchema schema, IBatchWriter writer, string? fromPosition)
    {
        public TableSchema Schema { get; } = schema;
        public IBatchWriter Writer { get; } = writer;
        public string? FromPosition { get; } = fromPosition;
        public string? LastPosition { get; set; }
        public bool TouchedInTransaction { get; set; }
    }
}
