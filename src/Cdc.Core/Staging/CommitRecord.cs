using Cdc.Core.Model;

namespace Cdc.Core.Staging;

/// <summary>
/// The record that makes one staged batch visible. It is written last, after every data file of the batch, with
/// create-only semantics, so a batch is either wholly visible or not at all and two writers cannot both commit the
/// same sequence number. It is also the authority the gateway state is rebuilt from after a crash.
/// </summary>
/// <param name="Sequence">1, 2, 3, ... per table, ordered and without gaps.</param>
/// <param name="SnapshotGeneration">Which snapshot of the table this batch belongs to or follows (1 = initial, +1 per full refresh).</param>
/// <param name="SnapshotFinal">True on the last chunk of a snapshot: the target may load and swap it in.</param>
/// <param name="SnapshotCursor">For snapshot chunks: the last key read, as JSON, so the next chunk resumes after it.</param>
/// <param name="FromPosition">Source position the batch starts after (exclusive); null for the first.</param>
/// <param name="ToPosition">Source position the batch reaches (inclusive): where the next batch resumes.</param>
public sealed record CommitRecord(
    int FormatVersion,
    TableId Table,
    long Sequence,
    BatchKind Kind,
    int SnapshotGeneration,
    bool SnapshotFinal,
    string? SnapshotCursor,
    string? FromPosition,
    string? ToPosition,
    TableSchema Schema,
    IReadOnlyList<StagedFileInfo> Files,
    long RowCount,
    DateTimeOffset CommittedAt)
{
    public const int CurrentFormatVersion = 1;
}

/// <summary>One data file of a batch, with the checksum and size its reader verifies.</summary>
public sealed record StagedFileInfo(string Path, long Bytes, string Sha256, long Rows);
