using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Cdc.Core.Staging.Format;

/// <summary>A growable byte buffer that encoded rows are appended to before they go through the compressor.</summary>
internal sealed class RowBuffer(int initialCapacity)
{
    public byte[] Bytes { get; private set; } = new byte[initialCapacity];

    public int Length { get; set; }

    public Span<byte> Free => Bytes.AsSpan(Length);

    /// <summary>Hands the current array over (to be consumed elsewhere) and continues, empty, in <paramref name="fresh"/>.</summary>
    public void Replace(byte[] fresh)
    {
        Bytes = fresh;
        Length = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure(int additional)
    {
        if (Bytes.Length - Length < additional) Grow(additional);
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        Bytes[Length++] = value;
    }

    /// <summary>LEB128: 7 bits per byte, low groups first, high bit set on all but the last byte.</summary>
    public void WriteVarint(ulong value)
    {
        Ensure(10);
        var bytes = Bytes;
        var at = Length;
        while (value >= 0x80)
        {
            bytes[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        bytes[at++] = (byte)value;
        Length = at;
    }

    /// <summary>Zigzag maps small negative and positive numbers to small unsigned ones: 0, -1, 1, -2 → 0, 1, 2, 3.</summary>
    public void WriteSignedVarint(long value) => WriteVarint((ulong)((value << 1) ^ (value >> 63)));

    public void WriteInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(Bytes.AsSpan(Length), value);
        Length += 8;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(Bytes.AsSpan(Length));
        Length += value.Length;
    }

    public static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }

    private void Grow(int additional)
    {
        var needed = (long)Length + additional;
        if (needed > Array.MaxLength) throw new InvalidOperationException($"A single staged row cannot exceed {Array.MaxLength} bytes.");
        var capacity = Math.Max(needed, Math.Min((long)Bytes.Length * 2, Array.MaxLength));
        var bigger = GC.AllocateUninitializedArray<byte>((int)capacity);
        Bytes.AsSpan(0, Length).CopyTo(bigger);
        Bytes = bigger;
    }
}
