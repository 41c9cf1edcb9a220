using System.Globalization;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>A column of a SQL Server workload table: its name and its T-SQL type exactly as declared
/// (<c>decimal(38,10)</c>, <c>nvarchar(max)</c>, <c>datetimeoffset(7)</c>).</summary>
public sealed record SqlWorkloadColumn(string Name, string SqlType)
{
    /// <summary>The type's name without facets, in lower case: <c>decimal</c> for <c>decimal(38,10)</c>.</summary>
    public string BaseType => Parse().Name;

    /// <summary>rowversion values are written by the server, never by the workload.</summary>
    public bool IsGenerated => BaseType is "rowversion" or "timestamp";

    /// <summary>The declared length of char, varchar, nchar, nvarchar, binary and varbinary (characters or bytes);
    /// -1 for <c>(max)</c>.</summary>
    public int Length
    {
        get
        {
            var (name, args) = Parse();
            if (name is not ("char" or "varchar" or "nchar" or "nvarchar" or "binary" or "varbinary"))
                throw new InvalidOperationException($"Column '{Name}' ({SqlType}) has no length.");
            if (args.Length == 0) return 1;
            return args[0] == "max" ? -1 : Number(args[0]);
        }
    }

    /// <summary>A decimal's total digits.</summary>
    public int Precision
    {
        get
        {
            var (name, args) = Parse();
            if (name is not ("decimal" or "numeric")) throw new InvalidOperationException($"Column '{Name}' ({SqlType}) is not a decimal.");
            return args.Length == 0 ? 18 : Number(args[0]);
        }
    }

    /// <summary>A decimal's digits after the point, or the fractional-second digits of time, datetime2 and
    /// datetimeoffset (7 when not declared).</summary>
    public int Scale
    {
        get
        {
            var (name, args) = Parse();
            return name switch
            {
                "decimal" or "numeric" => args.Length < 2 ? 0 : Number(args[1]),
                "time" or "datetime2" or "datetimeoffset" => args.Length == 0 ? 7 : Number(args[0]),
                _ => throw new InvalidOperationException($"Column '{Name}' ({SqlType}) has no scale."),
            };
        }
    }

    private (string Name, string[] Args) Parse()
    {
        var open = SqlType.IndexOf('(', StringComparison.Ordinal);
        if (open < 0) return (SqlType.Trim().ToLowerInvariant(), []);
        var close = SqlType.IndexOf(')', open);
        if (close < 0) throw new FormatException($"Column '{Name}' has the malformed type '{SqlType}'.");
        var args = SqlType[(open + 1)..close].Split(',').Select(a => a.Trim().ToLowerInvariant()).ToArray();
        return (SqlType[..open].Trim().ToLowerInvariant(), args);
    }

    private int Number(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"Column '{Name}' has the malformed type '{SqlType}'.");
}
