namespace Cdc.Core.Staging.Format;

/// <summary>
/// The fixed parts of a staged data file (docs/staging-format.md has the full picture):
/// <code>
/// prefix  : magic (8) | format version u16 LE (2) | compression u8 (1) | reserved u8 = 0 (1)
/// body    : compressed row stream (B bytes)
/// header  : UTF-8 JSON describing the file (H bytes)
/// trailer : H u32 LE (4) | B u64 LE (8) | SHA-256 of every preceding byte (32)
/// </code>
/// The header follows the body so a writer can stream rows straight into the file and describe them afterwards.
/// </summary>
internal static class StagedFileLayout
{
    /// <summary>"\x89CDCSTG\n": the high byte catches 7-bit transfers, the newline catches line-ending conversion.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'C', (byte)'D', (byte)'C', (byte)'S', (byte)'T', (byte)'G', 0x0A];

    public const ushort FormatVersion = 1;
    public const int PrefixLength = 12;
    public const int ChecksumLength = 32;
    public const int TrailerLength = 4 + 8 + ChecksumLength;
    public const int MinimumLength = PrefixLength + TrailerLength;
}

/// <summary>How a file's body is compressed (byte 10 of the file).</summary>
internal enum StagedFileCompression : byte
{
    /// <summary>zlib (RFC 1950): deflate with an Adler-32 of the uncompressed rows.</summary>
    Zlib = 1,

    /// <summary>Brotli (RFC 7932).</summary>
    Brotli = 2,
}
