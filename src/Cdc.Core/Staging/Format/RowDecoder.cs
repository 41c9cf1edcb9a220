using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Cdc.Core.Model;

namespace Cdc.Core.Staging.Format;

/// <summary>Decodes rows written by <see cref="RowEncoder"/>; every malformed field raises <see cref="StagedFileFormatException"/>.</summary>
internal sealed class RowDecoder
{
    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly LogicalType[] _types;
    private long _previousUtcTicks;
    private TimeSpan _previousOffset;
    private bool _hasPrevious;

    public RowDecoder(TableSchema schema)
    {
        _types = schema.Columns.Select(c => c.Type).ToArray();
    }

    public ChangeRow Decode(ReadOnlySpan<byte> row)
    {
        var reader = new SpanReader(row);
        var tag = reader.ReadByte();
        var kind = (ChangeKind)(tag & RowEncoder.KindMask);
        if (kind is not (ChangeKind.Insert or ChangeKind.Update or ChangeKind.Delete) || (tag & 0x3C) != 0)
            throw new StagedFileFormatException($"Invalid row tag 0x{tag:X2}.");

        DateTimeOffset commitTime;
        if ((tag & RowEncoder.SameCommitTimeFlag) != 0)
        {
            if (!_hasPrevious) throw new StagedFileFormatException("The first row of a file refers to a previous commit time.");
        }
        else
        {
            var delta = reader.ReadSignedVarint();
            _previousUtcTicks = _hasPrevious ? _previousUtcTicks + delta : delta;
            _previousOffset = TimeSpan.FromMinutes(reader.ReadSignedVarint());
            _hasPrevious = true;
        }
        try
        {
            commitTime = new DateTimeOffset(_previousUtcTicks + _previousOffset.Ticks, _previousOffset);
        }
        catch (ArgumentException e)
        {
            throw new StagedFileFormatException("A row's commit time is out of range.", e);
        }

        var values = new object?[_types.Length];
        if ((tag & RowEncoder.HasStatesFlag) != 0)
        {
            var bitmap = reader.ReadSpan((_types.Length + 3) >> 2);
            for (var i = 0; i < values.Length; i++)
            {
                var state = (bitmap[i >> 2] >> ((i & 3) * 2)) & 3;
                values[i] = state switch
                {
                    RowEncoder.StateValue => ReadValue(ref reader, _types[i]),
                    RowEncoder.StateNull => null,
                    RowEncoder.StateUnchanged => Unchanged.Value,
                    _ => throw new StagedFileFormatException($"Invalid value state {state} for column {i}."),
                };
            }
        }
        else
        {
            for (var i = 0; i < values.Length; i++) values[i] = ReadValue(ref reader, _types[i]);
        }
        if (!reader.AtEnd) throw new StagedFileFormatException($"A row has {reader.Remaining} bytes left after its last column.");
        return new ChangeRow(kind, values, commitTime);
    }

    private static object ReadValue(ref SpanReader reader, LogicalType type)
    {
        switch (type)
        {
            case LogicalType.Boolean:
                return reader.ReadByte() switch
                {
                    0 => BoxedFalse,
                    1 => BoxedTrue,
                    var other => throw new StagedFileFormatException($"Invalid boolean byte {other}."),
                };
            case LogicalType.Int16:
                var int16 = reader.ReadSignedVarint();
                if (int16 is < short.MinValue or > short.MaxValue) throw new StagedFileFormatException($"{int16} is out of range for a 16-bit integer.");
                return (short)int16;
            case LogicalType.Int32:
                var int32 = reader.ReadSignedVarint();
                if (int32 is < int.MinValue or > int.MaxValue) throw new StagedFileFormatException($"{int32} is out of range for a 32-bit integer.");
                return (int)int32;
            case LogicalType.Int64:
                return reader.ReadSignedVarint();
            case LogicalType.Float32:
                return BinaryPrimitives.ReadSingleLittleEndian(reader.ReadSpan(4));
            case LogicalType.Float64:
                return BinaryPrimitives.ReadDoubleLittleEndian(reader.ReadSpan(8));
            case LogicalType.Decimal:
                var scale = reader.ReadSignedVarint();
                if (scale is < int.MinValue or > int.MaxValue) throw new StagedFileFormatException($"Decimal scale {scale} is out of range.");
                var unscaled = new BigInteger(reader.ReadSpan(reader.ReadLength()), isUnsigned: false, isBigEndian: false);
                return new Numeric(unscaled, (int)scale);
            case LogicalType.String:
            case LogicalType.Json:
                return ReadString(ref reader);
            case LogicalType.Binary:
                return reader.ReadSpan(reader.ReadLength()).ToArray();
            case LogicalType.Uuid:
                return new Guid(reader.ReadSpan(16));
            case LogicalType.Date:
                var day = reader.ReadVarint();
                if (day > (ulong)DateOnly.MaxValue.DayNumber) throw new StagedFileFormatException($"Day number {day} is out of range.");
                return DateOnly.FromDayNumber((int)day);
            case LogicalType.Time:
                var timeTicks = reader.ReadVarint();
                if (timeTicks > (ulong)TimeOnly.MaxValue.Ticks) throw new StagedFileFormatException($"Time of day {timeTicks} ticks is out of range.");
                return new TimeOnly((long)timeTicks);
            case LogicalType.Timestamp:
                var ticks = reader.ReadInt64();
                if ((ulong)ticks > (ulong)DateTime.MaxValue.Ticks) throw new StagedFileFormatException($"Timestamp {ticks} ticks is out of range.");
                return new DateTime(ticks, DateTimeKind.Unspecified);
            case LogicalType.TimestampTz:
                var clockTicks = reader.ReadInt64();
                var offsetMinutes = reader.ReadSignedVarint();
                try
                {
                    return new DateTimeOffset(clockTicks, TimeSpan.FromMinutes(offsetMinutes));
                }
                catch (ArgumentException e)
                {
                    throw new StagedFileFormatException($"Timestamp {clockTicks} ticks at offset {offsetMinutes} minutes is out of range.", e);
                }
            default:
                throw new StagedFileFormatException($"Unknown logical type {(int)type}.");
        }
    }

    private static string ReadString(ref SpanReader reader)
    {
        var header = reader.ReadVarint();
        if (header >> 1 > int.MaxValue) throw new StagedFileFormatException($"String length {header >> 1} is out of range.");
        var bytes = reader.ReadSpan((int)(header >> 1));
        if ((header & 1) == 0)
        {
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (System.Text.DecoderFallbackException e)
            {
                throw new StagedFileFormatException("A string is not valid UTF-8.", e);
            }
        }
        if ((bytes.Length & 1) != 0) throw new StagedFileFormatException("A UTF-16 string has an odd byte count.");
        if (BitConverter.IsLittleEndian) return new string(MemoryMarshal.Cast<byte, char>(bytes));
        var chars = new char[bytes.Length / 2];
        for (var i = 0; i < chars.Length; i++) chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]);
        return new string(chars);
    }

    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    /// <summary>Reads fields from one row's bytes, failing cleanly instead of reading past the row.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;
        private int _position;

        public readonly bool AtEnd => _position == _span.Length;

        public readonly int Remaining => _span.Length - _position;

        public byte ReadByte()
        {
            if (_position >= _span.Length) throw Truncated();
            return _span[_position++];
        }

        public ReadOnlySpan<byte> ReadSpan(int length)
        {
            if ((uint)length > (uint)(_span.Length - _position)) throw Truncated();
            var slice = _span.Slice(_position, length);
            _position += length;
            return slice;
        }

        public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadSpan(8));

        public ulong ReadVarint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                var b = ReadByte();
                if (shift == 63 && b > 1) break;
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return result;
            }
            throw new StagedFileFormatException("A varint is longer than 64 bits.");
        }

        public long ReadSignedVarint() => Varint.ZigZagDecode(ReadVarint());

        public int ReadLength()
        {
            var length = ReadVarint();
            if (length > (ulong)(_span.Length - _position)) throw Truncated();
            return (int)length;
        }

        private static StagedFileFormatException Truncated() => new("A row ends in the middle of a value.");
    }
}
