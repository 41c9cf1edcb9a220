using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Staging;
using Cdc.Core.Targets;

namespace Cdc.Core.Tests.Crash;

/// <summary>Crashes the target before or after an apply commits, or in the middle of its rows (inside the transaction).</summary>
public sealed class FaultyTargetWriter(ITargetWriter inner, FaultPlan plan) : ITargetWriter
{
    public Task<AppliedState?> GetAppliedStateAsync(IngestFlow flow, CancellationToken cancellationToken) => inner.GetAppliedStateAsync(flow, cancellationToken);

    public Task<ApplyResult> LoadSnapshotAsync(IngestFlow flow, IAsyncEnumerable<CommitRecord> chunks, Func<CommitRecord, IAsyncEnumerable<ChangeRow>> readRows, CancellationToken cancellationToken) =>
        plan.RunAsync($"load snapshot into {flow}", () => inner.LoadSnapshotAsync(flow, chunks, chunk => Interrupt(readRows(chunk), $"snapshot row of {flow}"), cancellationToken));

    public Task<ApplyResult> ApplyChangesAsync(IngestFlow flow, CommitRecord batch, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken) =>
        plan.RunAsync($"apply batch {batch.Sequence} to {flow}", () => inner.ApplyChangesAsync(flow, batch, Interrupt(rows, $"row of batch {batch.Sequence} to {flow}"), cancellationToken));

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>The first row of each batch is a crash point too: a crash with the apply's transaction open.</summary>
    private async IAsyncEnumerable<ChangeRow> Interrupt(IAsyncEnumerable<ChangeRow> rows, string what, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var first = true;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (first) plan.Point($"first {what}");
            first = false;
            yield return row;
        }
    }
}
