using System.Globalization;
using Cdc.Core.Model;

namespace Cdc.Core.Staging;

/// <summary>
/// Where the staging area keeps things inside its store (docs/staging-format.md):
/// <code>
/// tables/&lt;table segment&gt;/batches/&lt;sequence:D12&gt;/part-&lt;n:D5&gt;.bin   data files of a batch
/// tables/&lt;table segment&gt;/commits/&lt;sequence:D12&gt;.json              commit records (ordinal order = sequence order)
/// quarantine/&lt;table segment&gt;/&lt;sequence:D12&gt;/&lt;file&gt;               corrupt files, each with &lt;file&gt;.note.json
/// </code>
/// </summary>
public static class StagingLayout
{
    /// <summary>Largest sequence the fixed-width names can hold, so listing order stays sequence order.</summary>
    public const long MaxSequence = 999_999_999_999;

    public const int MaxParts = 99_999;

    public const string TablesFolder = "tables";
    public const string QuarantineFolder = "quarantine";

    public static string TableFolder(TableId table) => $"{TablesFolder}/{table.ToPathSegment()}";

    public static string CommitsFolder(TableId table) => $"{TableFolder(table)}/commits/";

    public static string CommitPath(TableId table, long sequence) => $"{CommitsFolder(table)}{Sequence(sequence)}.json";

    public static string PartPath(TableId table, long sequence, int part) =>
        $"{TableFolder(table)}/batches/{Sequence(sequence)}/part-{part.ToString("D5", CultureInfo.InvariantCulture)}.bin";

    public static string QuarantinePath(TableId table, long sequence, string fileName) =>
        $"{QuarantineFolder}/{table.ToPathSegment()}/{Sequence(sequence)}/{fileName}";

    /// <summary>The note written beside a quarantined file.</summary>
    public static string QuarantineNotePath(string quarantinedPath) => quarantinedPath + ".note.json";

    /// <summary>Reads the sequence out of a commit record path listed under <see cref="CommitsFolder"/>.</summary>
    public static bool TryParseCommitSequence(string path, string commitsFolder, out long sequence)
    {
        sequence = 0;
        if (!path.StartsWith(commitsFolder, StringComparison.Ordinal)) return false;
        var name = path.AsSpan(commitsFolder.Length);
        return name.Length == 17 && name.EndsWith(".json", StringComparison.Ordinal)
            && long.TryParse(name[..12], NumberStyles.None, CultureInfo.InvariantCulture, out sequence) && sequence > 0;
    }

    /// <summary>Reads the table out of a path <c>tables/&lt;segment&gt;/commits/&lt;sequence&gt;.json</c>.</summary>
    public static bool TryParseCommitTable(string path, out TableId table)
    {
        table = default;
        var parts = path.Split('/');
        if (parts.Length != 4 || parts[0] != TablesFolder || parts[2] != "commits") return false;
        if (!TryParseCommitSequence(path, $"{TablesFolder}/{parts[1]}/commits/", out _)) return false;
        try
        {
            table = TableId.FromPathSegment(parts[1]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static void ValidateSequence(long sequence, string parameterName = "sequence")
    {
        if (sequence is < 1 or > MaxSequence)
            throw new ArgumentOutOfRangeException(parameterName, sequence, $"Batch sequences run from 1 to {MaxSequence}.");
    }

    private static string Sequence(long sequence) => sequence.ToString("D12", CultureInfo.InvariantCulture);
}
