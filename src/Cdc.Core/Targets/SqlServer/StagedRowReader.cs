using System.Collections;
using System.Data.Common;
using System.Data.SqlTypes;
using System.Globalization;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// A forward-only <see cref="DbDataReader"/> over staged rows for SqlBulkCopy: each row is an array of values already
/// in the form the destination column takes (null for NULL), aligned with <see cref="StagedField"/>s. SqlBulkCopy
/// reads it with <see cref="ReadAsync(CancellationToken)"/>, so rows stream from the staging area without being
/// collected first; with streaming on it asks (max) columns for <see cref="GetTextReader"/> and
/// <see cref="GetStream"/>. A row array may be reused by the source after the next read.
/// </summary>
/// <remarks>
/// SqlBulkCopy may wrap an exception thrown while it reads; <see cref="Failure"/> keeps the original, so the caller
/// can report what actually went wrong (a bad value, an unreadable staged file).
/// </remarks>
internal sealed class StagedRowReader : DbDataReader
{
    private readonly IReadOnlyList<StagedField> _fields;
    private readonly IAsyncEnumerator<object?[]> _rows;
    private object?[]? _current;
    private bool _closed;

    public StagedRowReader(IReadOnlyList<StagedField> fields, IAsyncEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(rows);
        _fields = fields;
        _rows = rows.GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>Rows read so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>The exception the rows threw, if any.</summary>
    public Exception? Failure { get; private set; }

    public override int FieldCount => _fields.Count;

    public override bool HasRows => true;

    public override bool IsClosed => _closed;

    public override int RecordsAffected => -1;

    public override int Depth => 0;

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        try
        {
            if (!await _rows.MoveNextAsync())
            {
                _current = null;
                return false;
            }
        }
        catch (Exception e)
        {
            Failure ??= e;
            throw;
        }
        var row = _rows.Current;
        if (row is null || row.Length != _fields.Count)
        {
            var error = new InvalidOperationException($"A staged row has {row?.Length ?? 0} values for {_fields.Count} fields.");
            Failure ??= error;
            throw error;
        }
        _current = row;
        RowsRead++;
        return true;
    }

    public override bool Read() => ReadAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override bool NextResult() => false;

    public override string GetName(int ordinal) => _fields[ordinal].Name;

    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < _fields.Count; i++)
            if (string.Equals(_fields[i].Name, name, StringComparison.Ordinal)) return i;
        throw new ArgumentException($"The staged rows have no field '{name}'.", nameof(name));
    }

    public override Type GetFieldType(int ordinal) => _fields[ordinal].ClrType;

    public override string GetDataTypeName(int ordinal) => _fields[ordinal].Ddl;

    public override bool IsDBNull(int ordinal) => Current[ordinal] is null;

    public override object GetValue(int ordinal) => Current[ordinal] ?? DBNull.Value;

    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var count = Math.Min(values.Length, _fields.Count);
        for (var i = 0; i < count; i++) values[i] = GetValue(i);
        return count;
    }

    public override Stream GetStream(int ordinal) => new MemoryStream(Get<byte[]>(ordinal), writable: false);

    public override TextReader GetTextReader(int ordinal) => new StringReader(Get<string>(ordinal));

    public override bool GetBoolean(int ordinal) => Get<bool>(ordinal);

    public override byte GetByte(int ordinal) => Get<byte>(ordinal);

    public override char GetChar(int ordinal) => Get<char>(ordinal);

    public override DateTime GetDateTime(int ordinal) => Get<DateTime>(ordinal);

    public override decimal GetDecimal(int ordinal) => Current[ordinal] is SqlDecimal value ? value.Value : Convert.ToDecimal(GetValue(ordinal), CultureInfo.InvariantCulture);

    public override double GetDouble(int ordinal) => Get<double>(ordinal);

    public override float GetFloat(int ordinal) => Get<float>(ordinal);

    public override Guid GetGuid(int ordinal) => Get<Guid>(ordinal);

    public override short GetInt16(int ordinal) => Get<short>(ordinal);

    public override int GetInt32(int ordinal) => Get<int>(ordinal);

    public override long GetInt64(int ordinal) => Get<long>(ordinal);

    public override string GetString(int ordinal) => Get<string>(ordinal);

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var bytes = Get<byte[]>(ordinal);
        if (buffer is null) return bytes.Length;
        var count = (int)Math.Max(0, Math.Min(length, bytes.Length - dataOffset));
        Array.Copy(bytes, dataOffset, buffer, bufferOffset, count);
        return count;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var text = Get<string>(ordinal);
        if (buffer is null) return text.Length;
        var count = (int)Math.Max(0, Math.Min(length, text.Length - dataOffset));
        text.CopyTo((int)dataOffset, buffer, bufferOffset, count);
        return count;
    }

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    public override void Close() => _closed = true;

    public override async ValueTask DisposeAsync()
    {
        _closed = true;
        await _rows.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        _closed = true;
        base.Dispose(disposing);
    }

    private object?[] Current => _current ?? throw new InvalidOperationException("There is no current row: call ReadAsync first.");

    private T Get<T>(int ordinal) => Current[ordinal] is T value
        ? value
        : throw new InvalidCastException($"Field '{_fields[ordinal].Name}' holds {Current[ordinal]?.GetType().Name ?? "NULL"}, not {typeof(T).Name}.");
}
