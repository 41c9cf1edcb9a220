using Cdc.Core.Model;
using Npgsql;
using NpgsqlTypes;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// Writes one logical value into a binary COPY field with a typed <c>WriteAsync&lt;T&gt;</c>, so nothing is boxed or
/// resolved per value. Decimal, date and time values are written as their PostgreSQL binary encodings
/// (<see cref="PgNumericBinary"/>, <see cref="PgTemporalBinary"/>) under a same-sized wire type: binary COPY carries no
/// per-field type, and the server decodes each field with the target column's receive function.
/// One instance per COPY: it reuses a buffer for numeric encodings, so calls must be awaited in turn.
/// </summary>
internal sealed class PgValueWriter
{
    private byte[] _numericBuffer = new byte[64];

    /// <exception cref="InvalidCastException">The value's CLR type is not the logical type's representation.</exception>
    /// <exception cref="ArgumentException">The value cannot be stored in the column (described in the message).</exception>
    public Task WriteAsync(NpgsqlBinaryImporter importer, LogicalType type, PgColumnType columnType, object value, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case LogicalType.Boolean: return importer.WriteAsync((bool)value, NpgsqlDbType.Boolean, cancellationToken);
            case LogicalType.Int16: return importer.WriteAsync((short)value, NpgsqlDbType.Smallint, cancellationToken);
            case LogicalType.Int32: return importer.WriteAsync((int)value, NpgsqlDbType.Integer, cancellationToken);
            case LogicalType.Int64: return importer.WriteAsync((long)value, NpgsqlDbType.Bigint, cancellationToken);
            case LogicalType.Float32: return importer.WriteAsync((float)value, NpgsqlDbType.Real, cancellationToken);
            case LogicalType.Float64: return importer.WriteAsync((double)value, NpgsqlDbType.Double, cancellationToken);
            case LogicalType.Decimal: return WriteNumericAsync(importer, (Numeric)value, columnType, cancellationToken);
            case LogicalType.String: return importer.WriteAsync(RequireNoNul((string)value), NpgsqlDbType.Text, cancellationToken);
            case LogicalType.Json: return importer.WriteAsync(RequireNoNul((string)value), NpgsqlDbType.Json, cancellationToken);
            case LogicalType.Binary: return importer.WriteAsync((byte[])value, NpgsqlDbType.Bytea, cancellationToken);
            case LogicalType.Uuid: return importer.WriteAsync((Guid)value, NpgsqlDbType.Uuid, cancellationToken);
            case LogicalType.Date: return importer.WriteAsync(PgTemporalBinary.Date((DateOnly)value), NpgsqlDbType.Integer, cancellationToken);
            case LogicalType.Time: return importer.WriteAsync(PgTemporalBinary.Time((TimeOnly)value), NpgsqlDbType.Bigint, cancellationToken);
            case LogicalType.Timestamp: return importer.WriteAsync(PgTemporalBinary.Timestamp((DateTime)value), NpgsqlDbType.Bigint, cancellationToken);
            case LogicalType.TimestampTz: return WriteTimestampTzAsync(importer, (DateTimeOffset)value, cancellationToken);
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown logical type.");
        }
    }

    public static Task WriteTimestampTzAsync(NpgsqlBinaryImporter importer, DateTimeOffset value, CancellationToken cancellationToken) =>
        importer.WriteAsync(PgTemporalBinary.TimestampTz(value), NpgsqlDbType.Bigint, cancellationToken);

    private Task WriteNumericAsync(NpgsqlBinaryImporter importer, Numeric value, PgColumnType columnType, CancellationToken cancellationToken)
    {
        var length = PgNumericBinary.Encode(value, ref _numericBuffer, out var integerDigits);
        if (columnType.Precision is { } precision && integerDigits > precision - (columnType.Scale ?? 0))
            throw new ArgumentException($"{value} has {integerDigits} digits before the point; {columnType.Sql} holds at most {precision - (columnType.Scale ?? 0)}.");
        return importer.WriteAsync(new ReadOnlyMemory<byte>(_numericBuffer, 0, length), NpgsqlDbType.Bytea, cancellationToken);
    }

    /// <summary>PostgreSQL text cannot hold U+0000; say so here rather than let the server reject the whole COPY.</summary>
    private static string RequireNoNul(string value) =>
        value.Contains('\0', StringComparison.Ordinal) ? throw new ArgumentException("The text contains a NUL character (U+0000), which PostgreSQL text and json cannot store.") : value;
}
