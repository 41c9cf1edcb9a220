using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Unicode;
using Cdc.Core.Model;

namespace Cdc.Core.Staging.Format;

/// <summary>
/// Encodes <see cref="ChangeRow"/>s of one schema into the row stream of a staged file. Each row is
/// <c>varint length | tag | [commit time] | [state bitmap] | values</c>; docs/staging-format.md describes every field.
/// Commit times are delta-encoded against the previous row of the same file, so a file decodes on its own.
/// </summary>
internal sealed class RowEncoder
{
    public const byte KindMask = 0x03;
    public const byte HasStatesFlag = 0x40;
    public const byte SameCommitTimeFlag = 0x80;
    public const int StateValue = 0;
    public const int StateNull = 1;
    public const int StateUnchanged = 2;

    /// <summary>Room left for the row length before the row; rows of 128..16383 bytes then need no move.</summary>
    private const int ReservedLengthBytes = 2;

    private readonly TableSchema _schema;
    private readonly LogicalType[] _types;
    private long _previousUtcTicks;
    private TimeSpan _previousOffset;
    private bool _hasPrevious;

    public RowEncoder(TableSchema schema)
    {
        _schema = schema;
        _types = schema.Columns.Select(c => c.Type).ToArray();
        foreach (var column in schema.Columns) _ = LogicalTypeClr.ClrTypeOf(column.Type);
    }

    /// <summary>Forgets the previous row's commit time; called at the start of every file.</summary>
    public void Reset() => _hasPrevious = false;

    /// <param name="rowNumber">The row's position in its batch, for error messages.</param>
    public void Encode(RowBuffer buffer, in ChangeRow row, long rowNumber)
    {
        var values = row.Values ?? throw new ArgumentException($"Row {rowNumber} of {_schema.Table} has no values array.", nameof(row));
        if (values.Length != _types.Length)
            throw new ArgumentException($"Row {rowNumber} of {_schema.Table} has {values.Length} values but the table has {_types.Length} columns.", nameof(row));
        if (row.Kind is not (ChangeKind.Insert or ChangeKind.Update or ChangeKind.Delete))
            throw new ArgumentException($"Row {rowNumber} of {_schema.Table} has an unknown change kind {(int)row.Kind}.", nameof(row));

        var start = buffer.Length;
        try
        {
            EncodeValidated(buffer, row, values, rowNumber);
        }
        catch
        {
            // Leave the buffer as it was, so a rejected row does not corrupt the rows around it.
            buffer.Length = start;
            throw;
        }
    }

    private void EncodeValidated(RowBuffer buffer, in ChangeRow row, object?[] values, long rowNumber)
    {
        var start = buffer.Length;
        buffer.Ensure(ReservedLengthBytes + 1 + 20 + ((_types.Length + 3) >> 2));
        buffer.Length += ReservedLengthBytes;

        var hasStates = false;
        foreach (var value in values)
        {
            if (value is null || value is Unchanged)
            {
                hasStates = true;
                break;
            }
        }

        var utcTicks = row.CommitTime.UtcTicks;
        var offset = row.CommitTime.Offset;
        var sameTime = _hasPrevious && utcTicks == _previousUtcTicks && offset == _previousOffset;
        var tag = (byte)((byte)row.Kind | (hasStates ? HasStatesFlag : 0) | (sameTime ? SameCommitTimeFlag : 0));
        buffer.Bytes[buffer.Length++] = tag;
        if (!sameTime)
        {
            buffer.WriteSignedVarint(_hasPrevious ? utcTicks - _previousUtcTicks : utcTicks);
            buffer.WriteSignedVarint((long)offset.TotalMinutes);
        }

        if (hasStates) WriteStates(buffer, values);

        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (value is null || value is Unchanged) continue;
            WriteValue(buffer, i, value, rowNumber);
        }

        PatchLength(buffer, start);
        _previousUtcTicks = utcTicks;
        _previousOffset = offset;
        _hasPrevious = true;
    }

    private static void WriteStates(RowBuffer buffer, object?[] values)
    {
        var bytes = (values.Length + 3) >> 2;
        buffer.Ensure(bytes);
        var bitmap = buffer.Bytes.AsSpan(buffer.Length, bytes);
        bitmap.Clear();
        for (var i = 0; i < values.Length; i++)
        {
            var state = values[i] switch
            {
                null => StateNull,
                Unchanged => StateUnchanged,
                _ => StateValue,
            };
            bitmap[i >> 2] |= (byte)(state << ((i & 3) * 2));
        }
        buffer.Length += bytes;
    }

    private void WriteValue(RowBuffer buffer, int column, object value, long rowNumber)
    {
        switch (_types[column])
        {
            case LogicalType.Boolean:
                buffer.WriteByte(value is bool b ? (byte)(b ? 1 : 0) : throw Mismatch(column, value, rowNumber));
                break;
            case LogicalType.Int16:
                buffer.WriteSignedVarint(value switch
                {
                    short s => s,
                    sbyte sb => sb,
                    byte ub => ub,
                    _ => throw Mismatch(column, value, rowNumber),
                });
                break;
            case LogicalType.Int32:
                buffer.WriteSignedVarint(value switch
                {
                    int n => n,
                    short s => s,
                    ushort us => us,
                    sbyte sb => sb,
                    byte ub => ub,
                    _ => throw Mismatch(column, value, rowNumber),
                });
                break;
            case LogicalType.Int64:
                buffer.WriteSignedVarint(value switch
                {
                    long l => l,
                    int n => n,
                    uint un => un,
                    short s => s,
                    ushort us => us,
                    sbyte sb => sb,
                    byte ub => ub,
                    _ => throw Mismatch(column, value, rowNumber),
                });
                break;
            case LogicalType.Float32:
                buffer.Ensure(4);
                BinaryPrimitives.WriteSingleLittleEndian(buffer.Free, value is float f ? f : throw Mismatch(column, value, rowNumber));
                buffer.Length += 4;
                break;
            case LogicalType.Float64:
                buffer.Ensure(8);
                BinaryPrimitives.WriteDoubleLittleEndian(buffer.Free, value switch
                {
                    double d => d,
                    float single => single,
                    _ => throw Mismatch(column, value, rowNumber),
                });
                buffer.Length += 8;
                break;
            case LogicalType.Decimal:
                WriteNumeric(buffer, value switch
                {
                    Numeric n => n,
                    decimal m => Numeric.FromDecimal(m),
                    _ => throw Mismatch(column, value, rowNumber),
                });
                break;
            case LogicalType.String:
            case LogicalType.Json:
                WriteString(buffer, value as string ?? throw Mismatch(column, value, rowNumber));
                break;
            case LogicalType.Binary:
                var bytes = value as byte[] ?? throw Mismatch(column, value, rowNumber);
                buffer.WriteVarint((ulong)bytes.Length);
                buffer.WriteBytes(bytes);
                break;
            case LogicalType.Uuid:
                buffer.Ensure(16);
                (value is Guid g ? g : throw Mismatch(column, value, rowNumber)).TryWriteBytes(buffer.Free);
                buffer.Length += 16;
                break;
            case LogicalType.Date:
                buffer.WriteVarint((ulong)(value is DateOnly date ? date : throw Mismatch(column, value, rowNumber)).DayNumber);
                break;
            case LogicalType.Time:
                buffer.WriteVarint((ulong)(value is TimeOnly time ? time : throw Mismatch(column, value, rowNumber)).Ticks);
                break;
            case LogicalType.Timestamp:
                buffer.WriteInt64((value is DateTime dt ? dt : throw Mismatch(column, value, rowNumber)).Ticks);
                break;
            case LogicalType.TimestampTz:
                var dto = value is DateTimeOffset o ? o : throw Mismatch(column, value, rowNumber);
                buffer.WriteInt64(dto.Ticks);
                buffer.WriteSignedVarint((long)dto.Offset.TotalMinutes);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(column), _types[column], $"Column '{_schema.Columns[column].Name}' of {_schema.Table} has an unknown logical type.");
        }
    }

    private static void WriteNumeric(RowBuffer buffer, Numeric value)
    {
        buffer.WriteSignedVarint(value.Scale);
        var count = value.Unscaled.GetByteCount();
        buffer.WriteVarint((ulong)count);
        buffer.Ensure(count);
        value.Unscaled.TryWriteBytes(buffer.Free, out var written, isUnsigned: false, isBigEndian: false);
        buffer.Length += written;
    }

    /// <summary>
    /// UTF-8 with the byte count shifted left once; the low bit marks the rare string that is not valid Unicode (a lone
    /// surrogate, which SQL Server's UCS-2 columns can hold), kept as raw UTF-16 code units so it still round-trips.
    /// </summary>
    private static void WriteString(RowBuffer buffer, string value)
    {
        var capacity = value.Length <= (1 << 20) ? value.Length * 3 : Math.Max(System.Text.Encoding.UTF8.GetByteCount(value), value.Length * 2);
        var reserved = RowBuffer.VarintLength((ulong)capacity << 1);
        buffer.Ensure(reserved + capacity);
        var payload = buffer.Bytes.AsSpan(buffer.Length + reserved, capacity);
        ulong header;
        int written;
        if (Utf8.FromUtf16(value, payload, out _, out written, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done)
        {
            header = (ulong)written << 1;
        }
        else
        {
            var units = MemoryMarshal.AsBytes(value.AsSpan());
            if (BitConverter.IsLittleEndian) units.CopyTo(payload);
            else
                for (var i = 0; i < value.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(payload[(i * 2)..], value[i]);
            written = units.Length;
            header = ((ulong)written << 1) | 1;
        }
        var prefix = RowBuffer.VarintLength(header);
        var at = buffer.Length;
        if (prefix != reserved) buffer.Bytes.AsSpan(at + reserved, written).CopyTo(buffer.Bytes.AsSpan(at + prefix));
        Varint.Write(buffer.Bytes.AsSpan(at), header);
        buffer.Length = at + prefix + written;
    }

    private static void PatchLength(RowBuffer buffer, int start)
    {
        var length = buffer.Length - start - ReservedLengthBytes;
        var prefix = RowBuffer.VarintLength((ulong)length);
        if (prefix != ReservedLengthBytes)
        {
            if (prefix > ReservedLengthBytes) buffer.Ensure(prefix - ReservedLengthBytes);
            buffer.Bytes.AsSpan(start + ReservedLengthBytes, length).CopyTo(buffer.Bytes.AsSpan(start + prefix));
        }
        Varint.Write(buffer.Bytes.AsSpan(start), (ulong)length);
        buffer.Length = start + prefix + length;
    }

    private ArgumentException Mismatch(int column, object value, long rowNumber)
    {
        var definition = _schema.Columns[column];
        return new ArgumentException(
            $"Row {rowNumber} of {_schema.Table}: column '{definition.Name}' ({definition.Type}) takes {LogicalTypeClr.ClrTypeOf(definition.Type).Name} values, not {value.GetType().Name}.");
    }
}
