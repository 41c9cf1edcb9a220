using Cdc.Core.Model;

namespace Cdc.Core.Staging.Format;

/// <summary>
/// Writes staged files row by row on the calling thread: rows are encoded into a small buffer and pushed through the
/// compressor in chunks. (Batches use <see cref="PartPipeline"/>, which compresses on another thread.)
/// </summary>
internal sealed class StagedFileWriter : IDisposable
{
    private const int ChunkBytes = 64 * 1024;

    private readonly RowEncoder _encoder;
    private readonly StagedFileBuilder _builder;
    private readonly RowBuffer _rows = new(ChunkBytes * 2);
    private int _pendingRows;
    private long _flushedBytes;

    public StagedFileWriter(TableSchema schema, StagedFileCompression compression = StagedFileDefaults.Compression, int level = StagedFileDefaults.Level)
    {
        _encoder = new RowEncoder(schema);
        _builder = new StagedFileBuilder(schema, compression, level);
    }

    public long RowCount { get; private set; }

    /// <summary>Encoded (uncompressed) bytes of the rows written to the current file.</summary>
    public long UncompressedBytes => _flushedBytes + _rows.Length;

    public bool IsOpen => _builder.IsOpen;

    public void Begin(BatchKind kind, long sequence, int part, int snapshotGeneration)
    {
        _builder.Begin(kind, sequence, part, snapshotGeneration);
        _encoder.Reset();
        _rows.Length = 0;
        _pendingRows = 0;
        _flushedBytes = 0;
        RowCount = 0;
    }

    /// <param name="rowNumber">The row's position in its batch, for error messages.</param>
    public void Write(in ChangeRow row, long rowNumber)
    {
        if (!_builder.IsOpen) throw new InvalidOperationException("Begin a file before writing rows.");
        _encoder.Encode(_rows, row, rowNumber);
        _pendingRows++;
        RowCount++;
        if (_rows.Length >= ChunkBytes) Flush();
    }

    /// <summary>Completes the file. The content stays valid until the next <see cref="Begin"/>.</summary>
    public StagedFileContent Finish()
    {
        Flush();
        return _builder.Finish();
    }

    public void Dispose() => _builder.Dispose();

    private void Flush()
    {
        if (_rows.Length == 0) return;
        _builder.Append(_rows.Bytes.AsSpan(0, _rows.Length), _pendingRows);
        _flushedBytes += _rows.Length;
        _rows.Length = 0;
        _pendingRows = 0;
    }
}
