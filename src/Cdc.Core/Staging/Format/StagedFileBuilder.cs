using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Cdc.Core.Model;
using Cdc.Core.Staging.Json;

namespace Cdc.Core.Staging.Format;

/// <summary>
/// Assembles staged files of one schema from already encoded rows: prefix, compressed body, header and trailer
/// (<see cref="StagedFileLayout"/>). Only the compressed file is held in memory; its buffer is reused file to file.
/// </summary>
internal sealed class StagedFileBuilder : IDisposable
{
    private readonly TableSchema _schema;
    private readonly StagedFileCompression _compression;
    private readonly int _level;
    private readonly MemoryStream _file = new(1 << 20);
    private Stream? _compressor;
    private long _rows;
    private long _uncompressedBytes;
    private BatchKind _kind;
    private long _sequence;
    private int _part;
    private int _snapshotGeneration;

    /// <param name="level">zlib level 0-9 or Brotli quality 0-11.</param>
    public StagedFileBuilder(TableSchema schema, StagedFileCompression compression = StagedFileDefaults.Compression, int level = StagedFileDefaults.Level)
    {
        _schema = schema;
        _compression = compression;
        _level = level;
    }

    public bool IsOpen => _compressor is not null;

    public void Begin(BatchKind kind, long sequence, int part, int snapshotGeneration)
    {
        _compressor?.Dispose();
        _kind = kind;
        _sequence = sequence;
        _part = part;
        _snapshotGeneration = snapshotGeneration;
        _rows = 0;
        _uncompressedBytes = 0;
        _file.SetLength(0);

        Span<byte> prefix = stackalloc byte[StagedFileLayout.PrefixLength];
        StagedFileLayout.Magic.CopyTo(prefix);
        BinaryPrimitives.WriteUInt16LittleEndian(prefix[8..], StagedFileLayout.FormatVersion);
        prefix[10] = (byte)_compression;
        prefix[11] = 0;
        _file.Write(prefix);
        _compressor = _compression switch
        {
            StagedFileCompression.Zlib => new ZLibStream(_file, new ZLibCompressionOptions { CompressionLevel = _level }, leaveOpen: true),
            StagedFileCompression.Brotli => new BrotliStream(_file, new BrotliCompressionOptions { Quality = _level }, leaveOpen: true),
            _ => throw new InvalidOperationException($"Unknown compression {_compression}."),
        };
    }

    /// <summary>Adds whole encoded rows (as <see cref="RowEncoder"/> wrote them, starting at the file's first row).</summary>
    public void Append(ReadOnlySpan<byte> encodedRows, int rowCount)
    {
        var compressor = _compressor ?? throw new InvalidOperationException("Begin a file before adding rows.");
        compressor.Write(encodedRows);
        _rows += rowCount;
        _uncompressedBytes += encodedRows.Length;
    }

    /// <summary>Completes the file. The content stays valid until the next <see cref="Begin"/>.</summary>
    public StagedFileContent Finish()
    {
        var compressor = _compressor ?? throw new InvalidOperationException("No file is open.");
        compressor.Dispose();
        _compressor = null;
        var bodyLength = _file.Length - StagedFileLayout.PrefixLength;

        var header = new StagedFileHeader(StagedFileLayout.FormatVersion, _schema.Table, _kind, _sequence, _part, _snapshotGeneration,
            _rows, _uncompressedBytes, _compression, _schema);
        var headerJson = JsonSerializer.SerializeToUtf8Bytes(header, StagingJsonContext.Default.StagedFileHeader);
        _file.Write(headerJson);

        Span<byte> lengths = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(lengths, (uint)headerJson.Length);
        BinaryPrimitives.WriteInt64LittleEndian(lengths[4..], bodyLength);
        _file.Write(lengths);

        // One pass over the bytes gives both digests: the trailer's (of everything before it) and the whole file's.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_file.GetBuffer(), 0, (int)_file.Length);
        Span<byte> digest = stackalloc byte[StagedFileLayout.ChecksumLength];
        hash.GetCurrentHash(digest);
        _file.Write(digest);
        hash.AppendData(digest);
        hash.GetHashAndReset(digest);

        return new StagedFileContent(_file.GetBuffer().AsMemory(0, (int)_file.Length), Convert.ToHexStringLower(digest), _rows, _uncompressedBytes);
    }

    public void Dispose()
    {
        _compressor?.Dispose();
        _compressor = null;
        _file.Dispose();
    }
}

/// <summary>A finished staged file: its bytes, the SHA-256 of all of them (hex), its row count and encoded size.</summary>
internal readonly record struct StagedFileContent(ReadOnlyMemory<byte> Bytes, string Sha256, long Rows, long UncompressedBytes);

/// <summary>
/// zlib at level 1: measured against Brotli quality 0-3 on ~140-byte mixed rows, it costs about as much CPU to
/// compress and less than half as much to decompress, for the same size.
/// </summary>
internal static class StagedFileDefaults
{
    public const StagedFileCompression Compression = StagedFileCompression.Zlib;
    public const int Level = 1;
}

internal static class StagedFileChecksum
{
    public static string Sha256Hex(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(content, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// In one pass: the SHA-256 of the whole file (hex) and whether its last 32 bytes are the SHA-256 of the rest.
    /// </summary>
    public static (string Sha256, bool TrailerMatches) Digest(ReadOnlySpan<byte> file)
    {
        if (file.Length < StagedFileLayout.ChecksumLength) return (Sha256Hex(file), false);
        var body = file[..^StagedFileLayout.ChecksumLength];
        var trailer = file[^StagedFileLayout.ChecksumLength..];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(body);
        Span<byte> digest = stackalloc byte[StagedFileLayout.ChecksumLength];
        hash.GetCurrentHash(digest);
        var trailerMatches = digest.SequenceEqual(trailer);
        hash.AppendData(trailer);
        hash.GetHashAndReset(digest);
        return (Convert.ToHexStringLower(digest), trailerMatches);
    }
}
