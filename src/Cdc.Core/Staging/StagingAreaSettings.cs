namespace Cdc.Core.Staging;

/// <summary>How a staging area cuts batches into part files and reads them back.</summary>
public sealed record StagingAreaSettings
{
    /// <summary>A part file is closed once it holds this many rows.</summary>
    public int PartMaxRows { get; init; } = 1_000_000;

    /// <summary>A part file is closed once its rows take this many bytes before compression. This bounds the memory a
    /// writer or a reader needs: roughly the compressed size of one part (two while the next is fetched ahead).</summary>
    public long PartMaxUncompressedBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Commit records read at once when listing a table's batches.</summary>
    public int CommitReadConcurrency { get; init; } = 8;

    public void Validate()
    {
        if (PartMaxRows < 1) throw new ArgumentOutOfRangeException(nameof(PartMaxRows), PartMaxRows, "A part must be allowed at least one row.");
        if (PartMaxUncompressedBytes < 1) throw new ArgumentOutOfRangeException(nameof(PartMaxUncompressedBytes), PartMaxUncompressedBytes, "A part must be allowed at least one byte.");
        if (CommitReadConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(CommitReadConcurrency), CommitReadConcurrency, "At least one commit record must be read at a time.");
    }
}
