using Cdc.Core.Model;

namespace Cdc.Core.Staging;

/// <summary>
/// Batches of staged rows per table over an <see cref="IStagingStore"/>: the layout, file format, commit protocol,
/// checksums and quarantine described in docs/staging-format.md.
/// </summary>
public interface IStagingArea
{
    IStagingStore Store { get; }

    /// <summary>
    /// Starts writing batch <paramref name="sequence"/> of <paramref name="schema"/>'s table. Nothing is visible until
    /// <see cref="IBatchWriter.CommitAsync"/> writes the commit record; an abandoned batch leaves only unreferenced files
    /// that a retry overwrites.
    /// </summary>
    IBatchWriter StartBatch(TableSchema schema, long sequence, BatchKind kind, int snapshotGeneration);

    /// <summary>Committed batches of a table with sequence greater than <paramref name="afterSequence"/>, in order.
    /// Throws <see cref="StagingGapException"/> if a sequence number is missing.</summary>
    Task<IReadOnlyList<CommitRecord>> ListCommitsAsync(TableId table, long afterSequence, CancellationToken cancellationToken);

    /// <summary>The newest committed batch of a table, or null when it has none.</summary>
    Task<CommitRecord?> LastCommitAsync(TableId table, CancellationToken cancellationToken);

    /// <summary>Tables that have at least one committed batch.</summary>
    Task<IReadOnlyList<TableId>> ListTablesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads a batch's rows in staged order. Every file is verified against the checksum and size in the commit record
    /// before any of its rows is returned; a file that fails is copied to the quarantine area, reported, and
    /// <see cref="CorruptStagedFileException"/> is thrown, so a corrupt batch is never applied and never skipped.
    /// </summary>
    IAsyncEnumerable<ChangeRow> ReadRowsAsync(CommitRecord commit, CancellationToken cancellationToken);
}

/// <summary>Writes one batch: rows go to compressed part files as they arrive; the commit record is written last.</summary>
public interface IBatchWriter : IAsyncDisposable
{
    long RowCount { get; }

    /// <summary>Compressed bytes written to part files so far.</summary>
    long BytesWritten { get; }

    ValueTask WriteAsync(ChangeRow row, CancellationToken cancellationToken);

    /// <summary>Flushes the last part and writes the commit record (create-only). Throws
    /// <see cref="StagingConflictException"/> if that sequence number is already committed.</summary>
    Task<CommitRecord> CommitAsync(BatchCommitInfo info, CancellationToken cancellationToken);
}

/// <summary>What the writer cannot know by itself about the batch it commits.</summary>
public sealed record BatchCommitInfo(string? FromPosition, string? ToPosition, bool SnapshotFinal = false, string? SnapshotCursor = null);

public sealed class StagingGapException(TableId table, long missingSequence)
    : Exception($"Staged batches of {table} have a gap: sequence {missingSequence} is missing. The staging area was altered outside Ingest; run a full refresh of {table}.")
{
    public TableId Table { get; } = table;
    public long MissingSequence { get; } = missingSequence;
}

public sealed class CorruptStagedFileException(string path, string quarantinedAt, string reason)
    : Exception($"Staged file '{path}' is corrupt ({reason}). It was quarantined at '{quarantinedAt}' and nothing from its batch was applied.")
{
    public string Path { get; } = path;
    public string QuarantinedAt { get; } = quarantinedAt;
    public string Reason { get; } = reason;
}
