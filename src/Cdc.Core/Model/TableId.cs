namespace Cdc.Core.Model;

/// <summary>A source table's schema-qualified name, exactly as the source spells it (never case-folded).</summary>
public readonly record struct TableId(string Schema, string Name) : IComparable<TableId>
{
    public int CompareTo(TableId other)
    {
        var bySchema = string.CompareOrdinal(Schema, other.Schema);
        return bySchema != 0 ? bySchema : string.CompareOrdinal(Name, other.Name);
    }

    /// <summary>
    /// Parses <c>schema.table</c> as typed by a person: each part is either plain (up to the first dot) or
    /// double-quoted with <c>""</c> for a quote, e.g. <c>sales."Order Details"</c> or <c>"a.b"."c""d"</c>.
    /// </summary>
    public static TableId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var position = 0;
        var schema = ReadPart(text, ref position);
        if (position >= text.Length || text[position] != '.')
            throw new FormatException($"'{text}' is not a table name: expected schema.table (quote a part containing dots: \"a.b\".c).");
        position++;
        var name = ReadPart(text, ref position);
        if (position != text.Length) throw new FormatException($"'{text}' is not a table name: unexpected text after the table part.");
        return new TableId(schema, name);
    }

    private static string ReadPart(string text, ref int position)
    {
        if (position < text.Length && text[position] == '"')
        {
            var builder = new System.Text.StringBuilder();
            position++;
            while (true)
            {
                if (position >= text.Length) throw new FormatException($"'{text}' has an unterminated quoted name.");
                if (text[position] == '"')
                {
                    if (position + 1 < text.Length && text[position + 1] == '"')
                    {
                        builder.Append('"');
                        position += 2;
                        continue;
                    }
                    position++;
                    break;
                }
                builder.Append(text[position++]);
            }
            if (builder.Length == 0) throw new FormatException($"'{text}' has an empty quoted name.");
            return builder.ToString();
        }
        var start = position;
        while (position < text.Length && text[position] != '.') position++;
        if (position == start) throw new FormatException($"'{text}' has an empty name part.");
        return text[start..position];
    }

    /// <summary>Human-readable form for messages: <c>schema.name</c>.</summary>
    public override string ToString() => $"{Schema}.{Name}";

    /// <summary>
    /// A file-name-safe, reversible, collision-free encoding of the name for staging paths: letters, digits, '-' and '_'
    /// stay as they are, every other UTF-8 byte becomes '%XX', and '.' separates schema from table.
    /// </summary>
    public string ToPathSegment() => $"{PathEscape(Schema)}.{PathEscape(Name)}";

    public static TableId FromPathSegment(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var dot = segment.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || segment.IndexOf('.', dot + 1) >= 0) throw new FormatException($"'{segment}' is not a staged table path segment.");
        return new TableId(Uri.UnescapeDataString(segment[..dot]), Uri.UnescapeDataString(segment[(dot + 1)..]));
    }

    private static string PathEscape(string part)
    {
        var builder = new System.Text.StringBuilder(part.Length);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(part))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_') builder.Append(c);
            else builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }
}
