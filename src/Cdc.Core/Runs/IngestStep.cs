using Cdc.Core.Staging;
using Cdc.Core.Targets;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Runs;

/// <summary>
/// The ingest half of a run for one flow: applies every committed batch after the one the target last recorded, in
/// sequence order. A snapshot is swapped in only with its final chunk, so a snapshot whose final chunk is not staged
/// yet waits for a later run; chunks of a snapshot generation that was abandoned for a newer one (a full refresh
/// requested mid-snapshot) are skipped.
/// </summary>
public sealed class IngestStep(ITargetWriter target, IStagingArea staging, TimeProvider time, ILogger logger)
{
    public async Task<FlowRunResult> ApplyAsync(string runId, IngestFlow flow, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var applied = await target.GetAppliedStateAsync(flow, cancellationToken);
        var position = new FlowPosition(applied?.Sequence ?? 0);
        if (applied is not null && await staging.LastCommitAsync(flow.Source, cancellationToken) is { } last && last.Sequence < applied.Sequence)
        {
            // Sequences only grow, so the staging area was reset. Going on after the target's old sequence would skip
            // the new batches silently; the target's record must be cleared by someone who knows why.
            RunLog.StagingReset(logger, flow, last.Sequence, applied.Sequence);
            throw new InvalidOperationException(
                $"{flow}: the staging area ends at batch {last.Sequence}, but the target has applied batch {applied.Sequence}: the staging area was reset " +
                $"or replaced. Nothing was applied. If that was intended, remove the target's record of pipeline '{flow.Pipeline}' for " +
                $"{flow.TargetSchema}.{flow.TargetTable} (on PostgreSQL and SQL Server alike: DELETE FROM _ingest.applied_batches WHERE pipeline = {Literal(flow.Pipeline)} AND " +
                $"target_schema = {Literal(flow.TargetSchema)} AND target_table = {Literal(flow.TargetTable)}) and run again; the staged snapshot then replaces the table.");
        }
        var pending = await staging.ListCommitsAsync(flow.Source, position.Sequence, cancellationToken);
        await ApplyPendingAsync(runId, flow, pending, position, progress, cancellationToken);
        return new FlowRunResult(flow, position.Batches, position.Applied, position.Sequence, null);
    }

    private async Task ApplyPendingAsync(
        string runId, IngestFlow flow, IReadOnlyList<CommitRecord> pending, FlowPosition position, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        var i = SupersededCount(flow, pending);
        while (i < pending.Count)
        {
            var commit = pending[i];
            if (commit.Kind == BatchKind.Changes)
            {
                var result = await target.ApplyChangesAsync(flow, commit, staging.ReadRowsAsync(commit, cancellationToken), cancellationToken);
                position.Advance(commit.Sequence, 1, result);
                Report(runId, flow, commit, result, progress);
                i++;
                continue;
            }

            var end = i;
            while (end < pending.Count && IsChunkOf(pending[end], commit.SnapshotGeneration) && !pending[end].SnapshotFinal) end++;
            // The gateway never stages a change batch after an incomplete generation (and a newer generation is skipped
            // to above); should staging hold one anyway, the incomplete chunks are passed over, never loaded with it.
            if (end < pending.Count && !IsChunkOf(pending[end], commit.SnapshotGeneration))
            {
                RunLog.AbandonedSnapshotSkipped(logger, flow, commit.Sequence, pending[end - 1].Sequence, commit.SnapshotGeneration);
                i = end;
                continue;
            }
            if (end == pending.Count)
            {
                // The gateway resumes the snapshot next run; nothing after it can be applied before it.
                RunLog.SnapshotPending(logger, flow, commit.SnapshotGeneration);
                return;
            }

            var chunks = pending.Skip(i).Take(end - i + 1).ToList();
            var loaded = await target.LoadSnapshotAsync(flow, chunks.ToAsyncEnumerable(), chunk => staging.ReadRowsAsync(chunk, cancellationToken), cancellationToken);
            position.Advance(chunks[^1].Sequence, chunks.Count, loaded);
            Report(runId, flow, chunks[^1], loaded, progress);
            i = end + 1;
        }
    }

    /// <summary>
    /// A newer snapshot generation replaces everything staged before it, so pending batches ahead of its first chunk
    /// are skipped. This is also how a full refresh gets past a batch that can never be applied (a corrupt file): the
    /// refresh's snapshot does not wait behind it.
    /// </summary>
    private int SupersededCount(IngestFlow flow, IReadOnlyList<CommitRecord> pending)
    {
        var newest = pending.LastOrDefault(c => c.Kind == BatchKind.SnapshotChunk);
        if (newest is null) return 0;
        var first = 0;
        while (!IsChunkOf(pending[first], newest.SnapshotGeneration)) first++;
        if (first > 0) RunLog.SupersededSkipped(logger, flow, pending[0].Sequence, pending[first - 1].Sequence, newest.SnapshotGeneration);
        return first;
    }

    /// <summary>A Unicode string literal both PostgreSQL and T-SQL read, for the statement in a message.</summary>
    private static string Literal(string value) => "N'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static bool IsChunkOf(CommitRecord commit, int generation) =>
        commit.Kind == BatchKind.SnapshotChunk && commit.SnapshotGeneration == generation;

    private void Report(string runId, IngestFlow flow, CommitRecord commit, ApplyResult result, IProgress<RunEvent>? progress)
    {
        RunLog.BatchApplied(logger, flow, commit.Sequence, commit.Kind, result.Inserted, result.Updated, result.Deleted);
        progress?.Report(new BatchApplied(runId, time.GetUtcNow(), flow, commit.Sequence, commit.Kind, result));
    }

    private sealed class FlowPosition(long sequence)
    {
        public long Sequence { get; private set; } = sequence;
        public long Batches { get; private set; }
        public ApplyResult Applied { get; private set; } = ApplyResult.Empty;

        public void Advance(long sequence, long batches, ApplyResult result)
        {
            Sequence = sequence;
            Batches += batches;
            Applied = Applied.Add(result);
        }
    }
}
