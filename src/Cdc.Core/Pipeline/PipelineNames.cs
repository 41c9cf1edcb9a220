using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Cdc.Core.Pipeline;

/// <summary>Rules for names derived from or checked against a pipeline name.</summary>
public static partial class PipelineNames
{
    /// <summary>A pipeline name: lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 63
    /// characters. Safe in staging paths, blob names and (after '-' becomes '_') PostgreSQL slot names.</summary>
    public const string NamePattern = "^[a-z0-9][a-z0-9_-]{0,62}$";

    /// <summary>PostgreSQL replication slot names: lower-case letters, digits and '_', at most 63 bytes.</summary>
    public const string SlotPattern = "^[a-z0-9_]{1,63}$";

    /// <summary>PostgreSQL truncates identifiers longer than this many bytes (NAMEDATALEN - 1).</summary>
    public const int MaxPostgresIdentifierBytes = 63;

    public static bool IsValidName(string? name) => name is not null && !name.Contains('\n', StringComparison.Ordinal) && NameRegex().IsMatch(name);

    public static bool IsValidSlotName(string? slot) => slot is not null && !slot.Contains('\n', StringComparison.Ordinal) && SlotRegex().IsMatch(slot);

    /// <summary>
    /// The replication slot (and publication) used when the file names none: <c>ingest_</c> plus the pipeline name
    /// with '-' as '_'. Names that would pass 63 characters keep their first 54 and end in '_' and 8 hex digits of a
    /// hash of the whole pipeline name, so two long names still get different slots.
    /// </summary>
    public static string DefaultSlotName(string pipelineName)
    {
        if (!IsValidName(pipelineName)) throw new ArgumentException($"'{pipelineName}' is not a valid pipeline name ({NamePattern}).", nameof(pipelineName));
        var slot = "ingest_" + pipelineName.Replace('-', '_');
        if (slot.Length <= MaxPostgresIdentifierBytes) return slot;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pipelineName)))[..8];
        return slot[..(MaxPostgresIdentifierBytes - 9)] + "_" + hash;
    }

    [GeneratedRegex(NamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    [GeneratedRegex(SlotPattern, RegexOptions.CultureInvariant)]
    private static partial Regex SlotRegex();
}
