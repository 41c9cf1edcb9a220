using Cdc.Core.Staging;
using Cdc.Core.Targets;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Runs;

/// <summary>
/// The ingest half of a run for one flow: applies every committed batch after the one the target last recorded, in
/// sequence order. A snapshot is loaded only once its final chunk is staged; chunks of a snapshot generation that was
/// abandoned for a newer one (a full refresh requested mid-snapshot) are skipped.
/// </summary>
public sealed class IngestStep(ITargetWriter target, IStagingArea staging, TimeProvider time, ILogger logger)
{
    public async Task<FlowRunResult> ApplyAsync(string runId, IngestFlow flow, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var applied = await target.GetAppliedStateAsync(flow, cancellationToken);
        var appliedSequence = applied?.Sequence ?? 0;
        var pending = await staging.ListCommitsAsync(flow.Source, appliedSequence, cancellationToken);
        var total = ApplyResult.Empty;
        var batches = 0L;
        var i = 0;
        while (i < pending.Count)
        {
            var commit = pending[i];
            if (commit.Kind == BatchKind.Changes)
            {
                var result = await target.ApplyChangesAsync(flow, commit, staging.ReadRowsAsync(commit, cancellationToken), cancellationToken);
                Report(runId, flow, commit, result, progress);
                total = total.Add(result);
                appliedSequence = commit.Sequence;
                batches++;
                i++;
                continue;
            }

            var end = i;
            while (end < pending.Count && IsChunkOf(pending[end], commit.SnapshotGeneration) && !pending[end].SnapshotFinal) end++;
            if (end == pending.Count)
            {
                RunLog.SnapshotPending(logger, flow, commit.SnapshotGeneration);
                break;
            }
            if (!IsChunkOf(pending[end], commit.SnapshotGeneration))
            {
                RunLog.AbandonedSnapshotSkipped(logger, flow, commit.Sequence, pending[end - 1].Sequence, commit.SnapshotGeneration);
                i = end;
                continue;
            }
            var chunks = pending.Skip(i).Take(end - i + 1).ToList();
            var loaded = await target.LoadSnapshotAsync(flow, chunks, chunk => staging.ReadRowsAsync(chunk, cancellationToken), cancellationToken);
            Report(runId, flow, pending[end], loaded, progress);
            total = total.Add(loaded);
            appliedSequence = pending[end].Sequence;
            batches += chunks.Count;
            i = end + 1;
        }
        return new FlowRunResult(flow, batches, total, appliedSequence, null);
    }

    private static bool IsChunkOf(CommitRecord commit, int generation) =>
        commit.Kind == BatchKind.SnapshotChunk && commit.SnapshotGeneration == generation;

    private void Report(string runId, IngestFlow flow, CommitRecord commit, ApplyResult result, IProgress<RunEvent>? progress)
    {
        RunLog.BatchApplied(logger, flow, commit.Sequence, commit.Kind, result.Inserted, result.Updated, result.Deleted);
        progress?.Report(new BatchApplied(runId, time.GetUtcNow(), flow, commit.Sequence, commit.Kind, result));
    }
}
