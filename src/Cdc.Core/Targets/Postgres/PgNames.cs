using System.Security.Cryptography;
using System.Text;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// Names the target writer puts into the database besides the source's own: bookkeeping columns, the shadow table
/// of a snapshot load, constraint names. PostgreSQL silently truncates identifiers longer than 63 bytes, which would
/// make a name differ from what the catalog is asked for, so long names are refused or shortened deliberately.
/// </summary>
internal static class PgNames
{
    public const int MaxIdentifierBytes = 63;

    /// <summary>SCD 2: when the version became current (the change's commit time).</summary>
    public const string StartAt = "__START_AT";

    /// <summary>SCD 2: when the version stopped being current; NULL for the current version.</summary>
    public const string EndAt = "__END_AT";

    /// <summary>SCD 1 with soft deletes: when the source deleted the row; NULL while it exists.</summary>
    public const string DeletedAt = "__DELETED_AT";

    public const string StateSchema = "_ingest";
    public const string StateTable = "applied_batches";

    public static bool IsBookkeeping(string column) => column is StartAt or EndAt or DeletedAt;

    /// <summary>Throws when <paramref name="name"/> would be truncated by PostgreSQL.</summary>
    public static string Require(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = Encoding.UTF8.GetByteCount(name);
        if (name.Length == 0) throw new ArgumentException($"The {what} name is empty.");
        if (bytes > MaxIdentifierBytes)
            throw new ArgumentException($"The {what} name '{name}' is {bytes} bytes long in UTF-8; PostgreSQL identifiers hold at most {MaxIdentifierBytes} bytes.");
        return name;
    }

    /// <summary>The name of the table a snapshot is loaded into before it replaces <paramref name="table"/>.</summary>
    public static string Shadow(string table) => Fit(table + "__ingest_new");

    public static string PrimaryKey(string table) => Fit(table + "_pkey");

    /// <summary><paramref name="name"/> itself when it fits, otherwise a prefix of it plus a hash of the whole, so
    /// that different long names stay different.</summary>
    public static string Fit(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= MaxIdentifierBytes) return name;
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 4).ToLowerInvariant();
        var budget = MaxIdentifierBytes - hash.Length - 1;
        var prefix = new StringBuilder();
        var used = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > budget) break;
            prefix.Append(rune.ToString());
            used += rune.Utf8SequenceLength;
        }
        return prefix.Append('_').Append(hash).ToString();
    }
}
