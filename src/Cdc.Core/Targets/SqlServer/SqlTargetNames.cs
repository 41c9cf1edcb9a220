using System.Security.Cryptography;
using System.Text;
using Cdc.Core.SqlServer;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// Names the SQL Server target puts into the database besides the source's own: bookkeeping columns, the table a
/// snapshot is loaded into, primary key constraints, temporary tables and application lock resources. SQL Server
/// refuses identifiers longer than 128 characters, so derived names that would be longer are shortened
/// deterministically.
/// </summary>
internal static class SqlTargetNames
{
    /// <summary>SCD 2: when the version became current (the change's commit time).</summary>
    public const string StartAt = "__START_AT";

    /// <summary>SCD 2: when the version stopped being current; NULL for the current version.</summary>
    public const string EndAt = "__END_AT";

    /// <summary>SCD 1 with soft deletes: when the source deleted the row; NULL while it exists.</summary>
    public const string DeletedAt = "__DELETED_AT";

    public const string StateSchema = "_ingest";
    public const string StateTable = "applied_batches";

    /// <summary>The session's stage of a change batch (a local temporary table: private to the connection).</summary>
    public const string StageTable = "#ingest_stage";

    /// <summary>SCD 2: the stage's changes linked per key.</summary>
    public const string ChainTable = "#ingest_chain";

    /// <summary>A snapshot chunk with columns that are converted in SQL (hierarchyid, spatial, sql_variant).</summary>
    public const string SnapshotStageTable = "#ingest_snapshot";

    /// <summary>The application lock that serialises catalog setup (state table, target schemas).</summary>
    public const string SetupLockResource = "ingest:setup";

    /// <summary>Bookkeeping names compare case-insensitively: in a case-insensitive database <c>__start_at</c> is the
    /// same column as <c>__START_AT</c>.</summary>
    public static bool IsBookkeeping(string column) =>
        string.Equals(column, StartAt, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(column, EndAt, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(column, DeletedAt, StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws when <paramref name="name"/> is not a usable SQL Server identifier (empty, too long, NUL).</summary>
    public static string Require(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            SqlName.Quote(name);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The {what} name '{Shorten(name)}' cannot be used in SQL Server: {e.Message}", e);
        }
        return name;
    }

    /// <summary>The table a snapshot of <paramref name="table"/> is loaded into before it replaces it.</summary>
    public static string LoadTable(string table) => Fit(table + "__ingest_load");

    /// <summary>The primary key constraint of a target table. Constraint names share the schema's namespace with
    /// tables, so they carry a suffix no ordinary table has.</summary>
    public static string PrimaryKey(string table) => Fit(table + "__ingest_pk");

    /// <summary>The application lock resource of one target table: a hash, because the resource is at most 255
    /// characters and compared in binary, while the schema and table together may be 256 characters.</summary>
    public static string TargetLockResource(string schema, string table)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(schema + "\u001f" + table));
        return "ingest:target:" + Convert.ToHexStringLower(hash, 0, 16);
    }

    /// <summary><paramref name="name"/> itself when it fits 128 characters, otherwise a prefix of it plus a hash of
    /// the whole, so that different long names stay different.</summary>
    public static string Fit(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length <= SqlName.MaxLength) return name;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 4);
        var prefix = name[..(SqlName.MaxLength - hash.Length - 1)];
        // A surrogate pair cut in half would leave a lone surrogate in the name.
        if (char.IsHighSurrogate(prefix[^1])) prefix = prefix[..^1];
        return prefix + "_" + hash;
    }

    private static string Shorten(string name) => name.Length <= 40 ? name : name[..40] + "...";
}
