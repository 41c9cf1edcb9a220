using System.Buffers.Binary;
using System.Text;
using Cdc.Core.Model;
using Npgsql;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// Writes rows in PostgreSQL's binary COPY format (header, per row a field count and length-prefixed fields in each
/// type's send format, trailer) straight into a buffer sent through a raw COPY stream. A snapshot writes millions of
/// fields; encoding them here costs a fraction of a per-field driver call.
/// </summary>
internal sealed class PgCopyRowWriter : IAsyncDisposable
{
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private const int FlushAt = 256 * 1024;

    private readonly NpgsqlRawCopyStream _copy;
    private bool _completed;
    private byte[] _buffer = new byte[FlushAt + 64 * 1024];
    private byte[] _numeric = new byte[64];
    private int _length;

    private PgCopyRowWriter(NpgsqlRawCopyStream copy)
    {
        _copy = copy;
        Header.CopyTo(_buffer, 0);
        _length = Header.Length;
    }

    public static async Task<PgCopyRowWriter> BeginAsync(NpgsqlConnection connection, string copyCommand, CancellationToken cancellationToken) =>
        new(await connection.BeginRawBinaryCopyAsync(copyCommand, cancellationToken));

    public async ValueTask StartRowAsync(int fields, CancellationToken cancellationToken)
    {
        if (_length >= FlushAt) await FlushAsync(cancellationToken);
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), checked((short)fields));
        _length += 2;
    }

    public void WriteNull()
    {
        Reserve(4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), -1);
        _length += 4;
    }

    /// <exception cref="InvalidCastException">The value's CLR type is not the logical type's representation.</exception>
    /// <exception cref="ArgumentException">The value cannot be stored in the column (described in the message).</exception>
    public void Write(LogicalType type, PgColumnType column, object value)
    {
        switch (type)
        {
            case LogicalType.Boolean: WriteBoolean((bool)value); break;
            case LogicalType.Int16: BinaryPrimitives.WriteInt16BigEndian(Field(2), (short)value); break;
            case LogicalType.Int32: WriteInt32((int)value); break;
            case LogicalType.Int64: BinaryPrimitives.WriteInt64BigEndian(Field(8), (long)value); break;
            case LogicalType.Float32: BinaryPrimitives.WriteSingleBigEndian(Field(4), (float)value); break;
            case LogicalType.Float64: BinaryPrimitives.WriteDoubleBigEndian(Field(8), (double)value); break;
            case LogicalType.Decimal: WriteNumeric((Numeric)value, column); break;
            case LogicalType.String or LogicalType.Json: WriteText((string)value); break;
            case LogicalType.Binary: ((byte[])value).CopyTo(Field(((byte[])value).Length)); break;
            case LogicalType.Uuid: ((Guid)value).TryWriteBytes(Field(16), bigEndian: true, out _); break;
            case LogicalType.Date: BinaryPrimitives.WriteInt32BigEndian(Field(4), PgTemporalBinary.Date((DateOnly)value)); break;
            case LogicalType.Time: BinaryPrimitives.WriteInt64BigEndian(Field(8), PgTemporalBinary.Time((TimeOnly)value)); break;
            case LogicalType.Timestamp: BinaryPrimitives.WriteInt64BigEndian(Field(8), PgTemporalBinary.Timestamp((DateTime)value)); break;
            case LogicalType.TimestampTz: WriteTimestampTz((DateTimeOffset)value); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown logical type.");
        }
    }

    public void WriteBoolean(bool value) => Field(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Field(4), value);

    public void WriteTimestampTz(DateTimeOffset value) => BinaryPrimitives.WriteInt64BigEndian(Field(8), PgTemporalBinary.TimestampTz(value));

    /// <summary>Sends the trailer and ends the COPY; the server then reports any row it refused.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), -1);
        _length += 2;
        await FlushAsync(cancellationToken);
        _completed = true;
        await _copy.DisposeAsync();
    }

    /// <summary>An unfinished COPY is cancelled, never ended: ending it would report the server's complaint about the
    /// cut-off data instead of whatever stopped the copy, and the transaction rolls back either way.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            try
            {
                await _copy.CancelAsync();
            }
            catch (NpgsqlException)
            {
                // The server confirms a cancelled COPY with an error; the caller's exception is the one that matters.
            }
        }
        await _copy.DisposeAsync();
    }

    private void WriteNumeric(Numeric value, PgColumnType column)
    {
        var length = PgNumericBinary.Encode(value, ref _numeric, out var integerDigits);
        if (column.Precision is { } precision && integerDigits > precision - (column.Scale ?? 0))
            throw new ArgumentException($"{value} has {integerDigits} digits before the point; {column.Sql} holds at most {precision - (column.Scale ?? 0)}.");
        _numeric.AsSpan(0, length).CopyTo(Field(length));
    }

    private void WriteText(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException("The text contains a NUL character (U+0000), which PostgreSQL text and json cannot store.");
        var bytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        Reserve(4 + bytes);
        var written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 4));
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), written);
        _length += 4 + written;
    }

    /// <summary>Writes the length prefix of a field of <paramref name="size"/> bytes and returns its data span.</summary>
    private Span<byte> Field(int size)
    {
        Reserve(4 + size);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), size);
        var data = _buffer.AsSpan(_length + 4, size);
        _length += 4 + size;
        return data;
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _copy.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken);
        _length = 0;
        if (_buffer.Length > 4 * FlushAt) _buffer = new byte[FlushAt + 64 * 1024];
    }
}
