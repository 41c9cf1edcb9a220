using System.Globalization;
using System.Text;
using Cdc.Core.Model;

namespace Cdc.Core.Targets;

/// <summary>Short, readable descriptions of rows for error messages.</summary>
internal static class RowDescriber
{
    private const int MaxValueLength = 80;

    /// <summary><c>id=5, region='eu'</c>; the whole row's first columns when the table has no key.</summary>
    public static string Key(TableSchema schema, object?[] values)
    {
        var ordinals = schema.KeyOrdinals.Count > 0 ? schema.KeyOrdinals : Enumerable.Range(0, Math.Min(3, schema.Columns.Count)).ToList();
        var text = new StringBuilder();
        foreach (var i in ordinals)
        {
            if (text.Length > 0) text.Append(", ");
            text.Append(schema.Columns[i].Name).Append('=').Append(Value(i < values.Length ? values[i] : null));
        }
        return text.ToString();
    }

    public static string Value(object? value)
    {
        var text = value switch
        {
            null => "NULL",
            string s => "'" + s + "'",
            byte[] b => "\\x" + Convert.ToHexString(b, 0, Math.Min(b.Length, 32)),
            DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.Length <= MaxValueLength ? text : string.Concat(text.AsSpan(0, MaxValueLength), "...");
    }
}
