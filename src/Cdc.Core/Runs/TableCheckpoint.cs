using Cdc.Core.Model;
using Cdc.Core.Staging;
using Cdc.Core.State;

namespace Cdc.Core.Runs;

/// <summary>
/// A table's gateway state with the ETag of its last write. Loading folds in any commit records newer than the state
/// (a crash between a commit and the state write), so the commit records stay the authority.
/// </summary>
internal sealed class TableCheckpoint
{
    private readonly IGatewayStateStore _store;
    private string? _etag;

    private TableCheckpoint(IGatewayStateStore store, TableGatewayState state, string? etag)
    {
        _store = store;
        State = state;
        _etag = etag;
    }

    public TableGatewayState State { get; private set; }

    public static async Task<TableCheckpoint> LoadAsync(IGatewayStateStore store, IStagingArea staging, TableId table, CancellationToken cancellationToken)
    {
        var read = await store.ReadTableAsync(table, cancellationToken);
        var checkpoint = new TableCheckpoint(store, read?.Value ?? TableGatewayState.New(table), read?.ETag);
        var missed = await staging.ListCommitsAsync(table, checkpoint.State.LastSequence, cancellationToken);
        if (missed.Count > 0)
        {
            var state = checkpoint.State;
            foreach (var commit in missed) state = Fold(state, commit);
            await checkpoint.SaveAsync(state, cancellationToken);
        }
        return checkpoint;
    }

    public async Task SaveAsync(TableGatewayState state, CancellationToken cancellationToken)
    {
        _etag = await _store.WriteTableAsync(state, _etag, cancellationToken);
        State = state;
    }

    public Task RecordCommitAsync(CommitRecord commit, CancellationToken cancellationToken) => SaveAsync(Fold(State, commit), cancellationToken);

    /// <summary>The state after a committed batch. A snapshot chunk's FromPosition is where change capture for the table
    /// starts; a completed snapshot clears the skip position, because replaying changes over a snapshot is harmless.</summary>
    public static TableGatewayState Fold(TableGatewayState state, CommitRecord commit) => commit.Kind switch
    {
        BatchKind.SnapshotChunk => state with
        {
            LastSequence = commit.Sequence,
            SnapshotGeneration = commit.SnapshotGeneration,
            SnapshotComplete = commit.SnapshotFinal,
            SnapshotCursor = commit.SnapshotCursor,
            SnapshotStartPosition = commit.FromPosition,
            Position = null,
            SchemaFingerprint = commit.Schema.Fingerprint,
            FullRefreshRequested = state.FullRefreshRequested && commit.SnapshotGeneration <= state.SnapshotGeneration,
            // A snapshot generation newer than the gap starts over from the source's present.
            RetentionGap = commit.SnapshotGeneration > state.SnapshotGeneration ? null : state.RetentionGap,
        },
        _ => state with
        {
            LastSequence = commit.Sequence,
            Position = commit.ToPosition ?? state.Position,
            SchemaFingerprint = commit.Schema.Fingerprint,
        },
    };
}
