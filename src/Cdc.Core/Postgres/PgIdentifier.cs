using Cdc.Core.Model;

namespace Cdc.Core.Postgres;

/// <summary>PostgreSQL identifier quoting. Every identifier that reaches SQL text goes through here, whatever it looks like.</summary>
public static class PgIdentifier
{
    /// <summary>Double-quotes an identifier, doubling embedded quotes: <c>a"b</c> becomes <c>"a""b"</c>.</summary>
    public static string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (identifier.Length == 0) throw new ArgumentException("An identifier cannot be empty.", nameof(identifier));
        if (identifier.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException($"Identifier '{identifier.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character, which PostgreSQL does not allow.", nameof(identifier));
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    public static string Qualified(string schema, string name) => Quote(schema) + "." + Quote(name);

    public static string Qualified(TableId table) => Qualified(table.Schema, table.Name);

    /// <summary>A string literal with embedded quotes doubled, for the few places PostgreSQL takes no parameters (DDL, COPY).</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("A string literal cannot contain NUL.", nameof(value));
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
