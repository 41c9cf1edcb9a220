namespace Cdc.Core.Staging.Format;

/// <summary>LEB128 varints written into a span (used where the length must be patched in after the payload).</summary>
internal static class Varint
{
    public static int Write(Span<byte> destination, ulong value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[at++] = (byte)value;
        return at;
    }

    public static long ZigZagDecode(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
