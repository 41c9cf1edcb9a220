using Cdc.Core.Model;

namespace Cdc.Core.State;

/// <summary>
/// The gateway's checkpoint for one table, kept in the staging store and written with ETag guards. It caches what
/// the commit records say (they stay the authority: a crash between a commit and this write is repaired by reading
/// commits past <see cref="LastSequence"/>) plus what no commit records: a requested full refresh.
/// </summary>
/// <param name="LastSequence">Highest committed batch sequence of the table (0 = none yet).</param>
/// <param name="SnapshotGeneration">Generation of the newest snapshot, started or complete (0 = never started).</param>
/// <param name="SnapshotComplete">Whether that generation's final chunk is committed.</param>
/// <param name="SnapshotCursor">Last key read by the newest committed chunk (JSON), where the snapshot resumes.</param>
/// <param name="SnapshotStartPosition">Where change capture for this table starts after the snapshot.</param>
/// <param name="Position">Position of the last change staged for this table; changes at or before it are skipped.</param>
/// <param name="SchemaFingerprint">Fingerprint of the schema of the last staged batch.</param>
/// <param name="FullRefreshRequested">A full refresh was asked for and has not started yet.</param>
/// <param name="RetentionGap">Why the table's changes can no longer be read from its position, when the pipeline's
/// <c>on_retention_gap</c> is <c>fail</c>: the table stays failed until a full refresh starts a new snapshot.</param>
public sealed record TableGatewayState(
    TableId Table,
    long LastSequence,
    int SnapshotGeneration,
    bool SnapshotComplete,
    string? SnapshotCursor,
    string? SnapshotStartPosition,
    string? Position,
    string? SchemaFingerprint,
    bool FullRefreshRequested,
    string? RetentionGap = null)
{
    public static TableGatewayState New(TableId table) => new(table, 0, 0, false, null, null, null, null, false);
}

/// <summary>A value read from the store together with the ETag its next write must match.</summary>
public sealed record Versioned<T>(T Value, string ETag);
