using System.Security.Cryptography;
using System.Text;

namespace Cdc.Core.Model;

/// <summary>
/// A table's columns in source order and the columns that identify a row (the primary key or declared keys).
/// Every staged batch records the schema it was read with.
/// </summary>
public sealed record TableSchema
{
    public TableSchema(TableId table, IReadOnlyList<ColumnSchema> columns, IReadOnlyList<string> keyColumns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(keyColumns);
        Table = table;
        Columns = columns;
        KeyColumns = keyColumns;
        var ordinals = new int[keyColumns.Count];
        for (var i = 0; i < keyColumns.Count; i++)
        {
            ordinals[i] = IndexOf(keyColumns[i]);
            if (ordinals[i] < 0) throw new ArgumentException($"Key column '{keyColumns[i]}' is not a column of {table}.", nameof(keyColumns));
        }
        KeyOrdinals = ordinals;
    }

    public TableId Table { get; }
    public IReadOnlyList<ColumnSchema> Columns { get; }
    public IReadOnlyList<string> KeyColumns { get; }

    /// <summary>Positions of <see cref="KeyColumns"/> within <see cref="Columns"/>.</summary>
    public IReadOnlyList<int> KeyOrdinals { get; }

    public int IndexOf(string columnName)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (string.Equals(Columns[i].Name, columnName, StringComparison.Ordinal)) return i;
        return -1;
    }

    public ColumnSchema? Find(string columnName)
    {
        var i = IndexOf(columnName);
        return i < 0 ? null : Columns[i];
    }

    /// <summary>A stable hash of names, types and keys: equal fingerprints mean the same shape.</summary>
    public string Fingerprint
    {
        get
        {
            var text = new StringBuilder();
            foreach (var c in Columns)
                text.Append(c.Name).Append('\u001f').Append((int)c.Type).Append('\u001f').Append(c.MaxLength).Append('\u001f')
                    .Append(c.Precision).Append('\u001f').Append(c.Scale).Append('\u001f').Append(c.Nullable).Append('\u001e');
            text.Append('\u001d').AppendJoin('\u001f', KeyColumns);
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 8).ToLowerInvariant();
        }
    }

    public bool Equals(TableSchema? other) => other is not null && Table == other.Table && Fingerprint == other.Fingerprint;

    public override int GetHashCode() => HashCode.Combine(Table, Fingerprint);
}
