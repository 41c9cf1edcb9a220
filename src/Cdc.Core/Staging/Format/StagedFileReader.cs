using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using Cdc.Core.Model;
using Cdc.Core.Staging.Json;

namespace Cdc.Core.Staging.Format;

/// <summary>
/// Reads one staged file held in memory. <see cref="Open"/> checks the structure and the trailer checksum before
/// anything is decoded; rows are then decompressed and decoded a chunk at a time, never the whole body at once.
/// </summary>
internal sealed class StagedFileReader : IDisposable
{
    private const int ChunkBytes = 64 * 1024;

    private readonly Stream _decompressor;
    private readonly RowDecoder _decoder;
    private byte[] _buffer = new byte[ChunkBytes * 2];
    private int _position;
    private int _end;
    private bool _endOfStream;
    private long _consumed;
    private long _rowsRead;

    private StagedFileReader(StagedFileHeader header, Stream decompressor)
    {
        Header = header;
        _decompressor = decompressor;
        _decoder = new RowDecoder(header.Schema);
    }

    public StagedFileHeader Header { get; }

    /// <summary>Validates the file's structure and trailer checksum and reads its header.</summary>
    /// <param name="trailerVerified">The caller has already checked the trailer (see <see cref="StagedFileChecksum.Digest"/>).</param>
    /// <exception cref="StagedFileFormatException">The bytes are not an intact staged file.</exception>
    public static StagedFileReader Open(ReadOnlyMemory<byte> file, bool trailerVerified = false)
    {
        var span = file.Span;
        if (span.Length < StagedFileLayout.MinimumLength) throw new StagedFileFormatException($"The file is {span.Length} bytes, shorter than any staged file.");
        if (!span[..8].SequenceEqual(StagedFileLayout.Magic)) throw new StagedFileFormatException("The file does not start with the staged file signature.");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(span[8..]);
        if (version != StagedFileLayout.FormatVersion) throw new StagedFileFormatException($"Format version {version} is not supported (this build reads {StagedFileLayout.FormatVersion}).");
        var compression = (StagedFileCompression)span[10];
        if (compression is not (StagedFileCompression.Zlib or StagedFileCompression.Brotli)) throw new StagedFileFormatException($"Unknown compression {span[10]}.");

        if (!trailerVerified && !StagedFileChecksum.Digest(span).TrailerMatches)
            throw new StagedFileFormatException("The file's trailer checksum does not match its content.");

        var trailerAt = span.Length - StagedFileLayout.TrailerLength;
        var headerLength = (long)BinaryPrimitives.ReadUInt32LittleEndian(span[trailerAt..]);
        var bodyLength = BinaryPrimitives.ReadInt64LittleEndian(span[(trailerAt + 4)..]);
        if (bodyLength < 0 || StagedFileLayout.PrefixLength + bodyLength + headerLength != trailerAt)
            throw new StagedFileFormatException($"The trailer's lengths (body {bodyLength}, header {headerLength}) do not add up to the file's size {span.Length}.");

        StagedFileHeader header;
        try
        {
            var headerAt = StagedFileLayout.PrefixLength + (int)bodyLength;
            header = JsonSerializer.Deserialize(span.Slice(headerAt, (int)headerLength), StagingJsonContext.Default.StagedFileHeader)
                ?? throw new StagedFileFormatException("The file's header is null.");
        }
        catch (JsonException e)
        {
            throw new StagedFileFormatException($"The file's header is not valid: {e.Message}", e);
        }
        if (header.Compression != compression) throw new StagedFileFormatException("The header and the prefix disagree on the compression.");
        if (header.RowCount < 0 || header.UncompressedBytes < 0) throw new StagedFileFormatException("The header has negative counts.");

        var body = BodyStream(file.Slice(StagedFileLayout.PrefixLength, (int)bodyLength));
        Stream decompressor = compression == StagedFileCompression.Zlib ? new ZLibStream(body, CompressionMode.Decompress) : new BrotliStream(body, CompressionMode.Decompress);
        return new StagedFileReader(header, decompressor);
    }

    /// <summary>Decodes the next row, or returns false after the last one (having checked that nothing follows it).</summary>
    /// <exception cref="StagedFileFormatException">The row stream is malformed.</exception>
    public bool TryRead(out ChangeRow row)
    {
        if (_rowsRead == Header.RowCount)
        {
            CheckEnd();
            row = default;
            return false;
        }
        Fill(10);
        var length = ReadRowLength();
        Fill(length);
        if (_end - _position < length) throw new StagedFileFormatException($"The row stream ends inside row {_rowsRead + 1} of {Header.RowCount}.");
        row = _decoder.Decode(_buffer.AsSpan(_position, length));
        _position += length;
        _consumed += length;
        _rowsRead++;
        return true;
    }

    public void Dispose() => _decompressor.Dispose();

    private int ReadRowLength()
    {
        ulong value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (_position >= _end) throw new StagedFileFormatException($"The row stream ends before row {_rowsRead + 1} of {Header.RowCount}.");
            var b = _buffer[_position++];
            _consumed++;
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                if (value > (ulong)Array.MaxLength) break;
                return (int)value;
            }
        }
        throw new StagedFileFormatException($"Row {_rowsRead + 1} has an invalid length.");
    }

    /// <summary>Makes at least <paramref name="wanted"/> bytes available from the current position, unless the stream ends first.</summary>
    private void Fill(int wanted)
    {
        if (_end - _position >= wanted || _endOfStream) return;
        if (_position > 0)
        {
            _buffer.AsSpan(_position, _end - _position).CopyTo(_buffer);
            _end -= _position;
            _position = 0;
        }
        if (wanted > _buffer.Length)
        {
            if (_consumed + wanted > Header.UncompressedBytes) throw new StagedFileFormatException($"Row {_rowsRead + 1} claims more bytes than the file holds.");
            Array.Resize(ref _buffer, Math.Max(wanted, _buffer.Length * 2));
        }
        try
        {
            while (_end < wanted)
            {
                var read = _decompressor.Read(_buffer, _end, _buffer.Length - _end);
                if (read == 0)
                {
                    _endOfStream = true;
                    return;
                }
                _end += read;
            }
        }
        catch (InvalidDataException e)
        {
            throw new StagedFileFormatException($"The compressed rows are damaged: {e.Message}", e);
        }
    }

    private void CheckEnd()
    {
        Fill(1);
        if (_end > _position) throw new StagedFileFormatException($"The row stream continues after the {Header.RowCount} rows the header announces.");
        if (_consumed != Header.UncompressedBytes) throw new StagedFileFormatException($"The rows take {_consumed} bytes but the header announces {Header.UncompressedBytes}.");
    }

    private static MemoryStream BodyStream(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
}
