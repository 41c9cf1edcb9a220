using Cdc.Core.Model;

namespace Cdc.Core.SqlServer;

/// <summary>
/// T-SQL identifier quoting with QUOTENAME semantics: brackets around the name, every <c>]</c> doubled. Every
/// identifier that reaches SQL text goes through here, whatever it looks like.
/// </summary>
public static class SqlName
{
    /// <summary>The longest identifier SQL Server accepts (sysname is nvarchar(128)).</summary>
    public const int MaxLength = 128;

    /// <summary><c>a]b</c> becomes <c>[a]]b]</c>.</summary>
    public static string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (identifier.Length == 0) throw new ArgumentException("An identifier cannot be empty.", nameof(identifier));
        if (identifier.Length > MaxLength)
            throw new ArgumentException($"Identifier '{identifier[..32]}...' is {identifier.Length} characters long; SQL Server allows at most {MaxLength}.", nameof(identifier));
        if (identifier.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"Identifier '{identifier.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character, which SQL Server does not allow.", nameof(identifier));
        return "[" + identifier.Replace("]", "]]", StringComparison.Ordinal) + "]";
    }

    public static string Qualified(string schema, string name) => Quote(schema) + "." + Quote(name);

    public static string Qualified(TableId table) => Qualified(table.Schema, table.Name);

    /// <summary>A Unicode string literal (<c>N'...'</c>) with embedded quotes doubled, for the few places T-SQL takes
    /// no parameters (DDL, names of objects in dynamic SQL).</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("A string literal cannot contain NUL.", nameof(value));
        return "N'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
