using System.Globalization;
using Cdc.Core.Model;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>Names for capture instances Ingest creates: <c>schema_table_N</c>, like SQL Server's default
/// <c>schema_table</c> with a number that grows with each new instance of the table.</summary>
internal static class CdcInstanceNames
{
    /// <summary>SQL Server refuses longer capture instance names.</summary>
    public const int MaxLength = 100;

    /// <param name="current">The table's newest instance; a name ending in <c>_N</c> continues at N+1.</param>
    /// <param name="taken">Names already used in the database (compared case-insensitively, as a case-insensitive
    /// database would).</param>
    public static string Next(TableId table, string current, IReadOnlyCollection<string> taken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(taken);
        var used = new HashSet<string>(taken, StringComparer.OrdinalIgnoreCase) { current };
        var number = Math.Max(2, TrailingNumber(current) + 1);
        var stem = $"{table.Schema}_{table.Name}";
        while (true)
        {
            var suffix = "_" + number.ToString(CultureInfo.InvariantCulture);
            var name = Truncate(stem, MaxLength - suffix.Length) + suffix;
            if (!used.Contains(name)) return name;
            number++;
        }
    }

    private static string Truncate(string text, int length)
    {
        if (text.Length <= length) return text;
        // Never split a surrogate pair.
        return text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];
    }

    private static int TrailingNumber(string name)
    {
        var underscore = name.LastIndexOf('_');
        if (underscore < 0 || underscore == name.Length - 1) return 0;
        var digits = name.AsSpan(underscore + 1);
        return digits.Length <= 6 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }
}
