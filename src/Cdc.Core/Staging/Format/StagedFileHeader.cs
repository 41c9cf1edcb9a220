using Cdc.Core.Model;

namespace Cdc.Core.Staging.Format;

/// <summary>The JSON description a staged file carries about itself, enough to decode it without its commit record.</summary>
internal sealed record StagedFileHeader(
    int FormatVersion,
    TableId Table,
    BatchKind Kind,
    long Sequence,
    int Part,
    int SnapshotGeneration,
    long RowCount,
    long UncompressedBytes,
    StagedFileCompression Compression,
    TableSchema Schema);
