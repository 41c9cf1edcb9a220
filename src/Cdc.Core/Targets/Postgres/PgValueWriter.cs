using Cdc.Core.Model;
using Npgsql;
using NpgsqlTypes;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// Writes one logical value into a binary COPY field with a typed <c>Write&lt;T&gt;</c>, so nothing is boxed or
/// resolved per value. Writes are synchronous: they fill Npgsql's buffer and only block when it flushes, and a
/// snapshot writes millions of fields, where an awaited call per field costs more than the copy itself. Decimal, date and time values are written as their PostgreSQL binary encodings
/// (<see cref="PgNumericBinary"/>, <see cref="PgTemporalBinary"/>) under a same-sized wire type: binary COPY carries no
/// per-field type, and the server decodes each field with the target column's receive function.
/// One instance per COPY: it reuses a buffer for numeric encodings.
/// </summary>
internal sealed class PgValueWriter
{
    private byte[] _numericBuffer = new byte[64];

    /// <exception cref="InvalidCastException">The value's CLR type is not the logical type's representation.</exception>
    /// <exception cref="ArgumentException">The value cannot be stored in the column (described in the message).</exception>
    public void Write(NpgsqlBinaryImporter importer, LogicalType type, PgColumnType columnType, object value)
    {
        switch (type)
        {
            case LogicalType.Boolean: importer.Write((bool)value, NpgsqlDbType.Boolean); return;
            case LogicalType.Int16: importer.Write((short)value, NpgsqlDbType.Smallint); return;
            case LogicalType.Int32: importer.Write((int)value, NpgsqlDbType.Integer); return;
            case LogicalType.Int64: importer.Write((long)value, NpgsqlDbType.Bigint); return;
            case LogicalType.Float32: importer.Write((float)value, NpgsqlDbType.Real); return;
            case LogicalType.Float64: importer.Write((double)value, NpgsqlDbType.Double); return;
            case LogicalType.Decimal: WriteNumeric(importer, (Numeric)value, columnType); return;
            case LogicalType.String: importer.Write(RequireNoNul((string)value), NpgsqlDbType.Text); return;
            case LogicalType.Json: importer.Write(RequireNoNul((string)value), NpgsqlDbType.Json); return;
            case LogicalType.Binary: importer.Write((byte[])value, NpgsqlDbType.Bytea); return;
            case LogicalType.Uuid: importer.Write((Guid)value, NpgsqlDbType.Uuid); return;
            case LogicalType.Date: importer.Write(PgTemporalBinary.Date((DateOnly)value), NpgsqlDbType.Integer); return;
            case LogicalType.Time: importer.Write(PgTemporalBinary.Time((TimeOnly)value), NpgsqlDbType.Bigint); return;
            case LogicalType.Timestamp: importer.Write(PgTemporalBinary.Timestamp((DateTime)value), NpgsqlDbType.Bigint); return;
            case LogicalType.TimestampTz: WriteTimestampTz(importer, (DateTimeOffset)value); return;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown logical type.");
        }
    }

    public static void WriteTimestampTz(NpgsqlBinaryImporter importer, DateTimeOffset value) =>
        importer.Write(PgTemporalBinary.TimestampTz(value), NpgsqlDbType.Bigint);

    private void WriteNumeric(NpgsqlBinaryImporter importer, Numeric value, PgColumnType columnType)
    {
        var length = PgNumericBinary.Encode(value, ref _numericBuffer, out var integerDigits);
        if (columnType.Precision is { } precision && integerDigits > precision - (columnType.Scale ?? 0))
            throw new ArgumentException($"{value} has {integerDigits} digits before the point; {columnType.Sql} holds at most {precision - (columnType.Scale ?? 0)}.");
        importer.Write(new ReadOnlyMemory<byte>(_numericBuffer, 0, length), NpgsqlDbType.Bytea);
    }

    /// <summary>PostgreSQL text cannot hold U+0000; say so here rather than let the server reject the whole COPY.</summary>
    private static string RequireNoNul(string value) =>
        value.Contains('\0', StringComparison.Ordinal) ? throw new ArgumentException("The text contains a NUL character (U+0000), which PostgreSQL text and json cannot store.") : value;
}
