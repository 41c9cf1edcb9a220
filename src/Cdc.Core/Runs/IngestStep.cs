using System.Runtime.CompilerServices;
using Cdc.Core.Staging;
using Cdc.Core.Targets;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Runs;

/// <summary>
/// The ingest half of a run for one flow: applies every committed batch after the one the target last recorded, in
/// sequence order. A snapshot is swapped in only with its final chunk; chunks of a snapshot generation that was
/// abandoned for a newer one (a full refresh requested mid-snapshot) are skipped.
/// Run beside the gateway (with <see cref="GatewaySignals"/>), a snapshot streams into its shadow table as chunks are
/// committed, and change batches wait until the gateway has finished, so a run applies whole capture rounds.
/// </summary>
public sealed class IngestStep(ITargetWriter target, IStagingArea staging, TimeProvider time, ILogger logger)
{
    public async Task<FlowRunResult> ApplyAsync(string runId, IngestFlow flow, IProgress<RunEvent>? progress, CancellationToken cancellationToken, GatewaySignals? gateway = null)
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
                $"{flow.TargetSchema}.{flow.TargetTable} (PostgreSQL: DELETE FROM _ingest.applied_batches WHERE pipeline = '{flow.Pipeline}' AND " +
                $"target_schema = '{flow.TargetSchema}' AND target_table = '{flow.TargetTable}') and run again; the staged snapshot then replaces the table.");
        }
        while (true)
        {
            var next = gateway?.NextAsync();
            var finished = gateway?.Finished ?? true;
            var pending = await staging.ListCommitsAsync(flow.Source, position.Sequence, cancellationToken);
            await ApplyPendingAsync(runId, flow, pending, finished, gateway, position, progress, cancellationToken);
            if (finished || position.Waiting) break;
            await next!.WaitAsync(cancellationToken);
        }
        return new FlowRunResult(flow, position.Batches, position.Applied, position.Sequence, null);
    }

    private async Task ApplyPendingAsync(
        string runId, IngestFlow flow, IReadOnlyList<CommitRecord> pending, bool finished, GatewaySignals? gateway, FlowPosition position, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        var i = SupersededCount(flow, pending);
        while (i < pending.Count)
        {
            var commit = pending[i];
            if (commit.Kind == BatchKind.Changes)
            {
                if (!finished) return;
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
            if (end == pending.Count && finished)
            {
                RunLog.SnapshotPending(logger, flow, commit.SnapshotGeneration);
                position.Waiting = true;
                return;
            }

            var chunks = new LoadedChunks();
            try
            {
                var stream = end < pending.Count
                    ? pending.Skip(i).Take(end - i + 1).ToAsyncEnumerable()
                    : StreamChunksAsync(flow, commit.SnapshotGeneration, commit.Sequence - 1, gateway!, cancellationToken);
                var loaded = await target.LoadSnapshotAsync(flow, chunks.Track(stream, cancellationToken), chunk => staging.ReadRowsAsync(chunk, cancellationToken), cancellationToken);
                position.Advance(chunks.Last!.Sequence, chunks.Count, loaded);
                Report(runId, flow, chunks.Last, loaded, progress);
            }
            catch (SnapshotNotCompleteException ex)
            {
                // Either a newer generation began, which the caller's next listing skips to, or the gateway stopped
                // before the final chunk (it resumes next run).
                if (!ex.NewerGenerationStaged && (gateway is null || gateway.Finished))
                {
                    RunLog.SnapshotPending(logger, flow, ex.Generation);
                    position.Waiting = true;
                }
                return;
            }
            // The rest of what the streamed load saw is listed again by the caller.
            if (end == pending.Count) return;
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

    /// <summary>The chunks of one generation as the gateway commits them, ending with the final one.</summary>
    private async IAsyncEnumerable<CommitRecord> StreamChunksAsync(
        IngestFlow flow, int generation, long afterSequence, GatewaySignals gateway, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = afterSequence;
        while (true)
        {
            var next = gateway.NextAsync();
            var finished = gateway.Finished;
            foreach (var commit in await staging.ListCommitsAsync(flow.Source, last, cancellationToken))
            {
                if (!IsChunkOf(commit, generation)) throw new SnapshotNotCompleteException(generation, newerGenerationStaged: true);
                yield return commit;
                last = commit.Sequence;
                if (commit.SnapshotFinal) yield break;
            }
            if (finished) throw new SnapshotNotCompleteException(generation);
            await next.WaitAsync(cancellationToken);
        }
    }

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

        /// <summary>A snapshot waits for chunks a later run will stage: nothing more to do now.</summary>
        public bool Waiting { get; set; }

        public void Advance(long sequence, long batches, ApplyResult result)
        {
            Sequence = sequence;
            Batches += batches;
            Applied = Applied.Add(result);
        }
    }

    /// <summary>Remembers what a load consumed, to know where it ended.</summary>
    private sealed class LoadedChunks
    {
        public CommitRecord? Last { get; private set; }
        public int Count { get; private set; }

        public async IAsyncEnumerable<CommitRecord> Track(IAsyncEnumerable<CommitRecord> chunks, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var chunk in chunks.WithCancellation(cancellationToken))
            {
                Last = chunk;
                Count++;
                yield return chunk;
            }
        }
    }
}

/// <summary>A snapshot's chunks ended before its final one: the gateway stopped (it resumes next run) or moved on to a
/// newer generation. The load rolled back; nothing is wrong.</summary>
public sealed class SnapshotNotCompleteException(int generation, bool newerGenerationStaged = false)
    : Exception($"Snapshot generation {generation} is not complete yet.")
{
    public int Generation { get; } = generation;

    /// <summary>The chunks stopped because a newer generation began, not because the gateway stopped.</summary>
    public bool NewerGenerationStaged { get; } = newerGenerationStaged;
}
