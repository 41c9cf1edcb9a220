namespace Cdc.Core.Model;

/// <summary>A source table's schema-qualified name, exactly as the source spells it (never case-folded).</summary>
public readonly record struct TableId(string Schema, string Name) : IComparable<TableId>
{
    public int CompareTo(TableId other)
    {
        var bySchema = string.CompareOrdinal(Schema, other.Schema);
        return bySchema != 0 ? bySchema : string.CompareOrdinal(Name, other.Name);
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
