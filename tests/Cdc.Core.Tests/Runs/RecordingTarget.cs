using Cdc.Core.Model;
using Cdc.Core.Staging;
using Cdc.Core.Targets;

namespace Cdc.Core.Tests.Runs;

/// <summary>A target that records what it was asked to apply and keeps the applied sequence like a real one.</summary>
public sealed class RecordingTarget : ITargetWriter
{
    public long AppliedSequence { get; private set; }
    public List<string> Calls { get; } = [];

    public Task<AppliedState?> GetAppliedStateAsync(IngestFlow flow, CancellationToken cancellationToken) =>
        Task.FromResult(AppliedSequence == 0 ? null : new AppliedState(AppliedSequence, 1, null, DateTimeOffset.UnixEpoch));

    public async Task<ApplyResult> LoadSnapshotAsync(IngestFlow flow, IAsyncEnumerable<CommitRecord> chunks, Func<CommitRecord, IAsyncEnumerable<ChangeRow>> readRows, CancellationToken cancellationToken)
    {
        long rows = 0;
        var loaded = new List<CommitRecord>();
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            loaded.Add(chunk);
            await foreach (var _ in readRows(chunk).WithCancellation(cancellationToken)) rows++;
            if (chunk.SnapshotFinal) break;
        }
        if (loaded.Count == 0 || !loaded[^1].SnapshotFinal) throw new ArgumentException("the chunks ended before the final one");
        Calls.Add($"snapshot g{loaded[0].SnapshotGeneration} {string.Join(",", loaded.Select(c => c.Sequence))} rows={rows}");
        AppliedSequence = loaded[^1].Sequence;
        return new ApplyResult(rows, rows, 0, 0);
    }

    public async Task<ApplyResult> ApplyChangesAsync(IngestFlow flow, CommitRecord batch, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var _ in rows.WithCancellation(cancellationToken)) count++;
        Calls.Add($"changes {batch.Sequence} rows={count}");
        AppliedSequence = batch.Sequence;
        return new ApplyResult(count, 0, count, 0);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
