using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;

namespace Cdc.Core.Orchestration;

/// <summary>
/// Fixed Durable Functions instance ids: one per pipeline (its runs) and one per pipeline and table (blob-arrival
/// ingests). Starting an orchestration under an id whose instance is still running is refused, which is what keeps
/// runs of a pipeline, and ingests of a table, from overlapping.
/// <para>
/// Ids stay inside what every Durable storage backend accepts: at most <see cref="MaxLength"/> characters (the SQL
/// backend's column width), only ASCII letters, digits, '.', '_' and '-' (the Azure Storage backend refuses '/', '\',
/// '#', '?' and control characters, and entity ids begin with '@'). Pipeline names already fit. Table names may hold
/// any Unicode, so a table's id carries a readable ASCII hint of the name and a hash of the exact name that makes it
/// unique: <c>table.&lt;pipeline&gt;.&lt;hint&gt;.&lt;16 hex digits&gt;</c>.
/// </para>
/// Ids of one pipeline share the prefix <c>table.&lt;pipeline&gt;.</c>, so they can be listed by prefix.
/// </summary>
public static class OrchestrationInstanceIds
{
    public const int MaxLength = 100;

    private const string RunPrefix = "run.";
    private const string TablePrefix = "table.";
    private const int HashHexDigits = 16;

    /// <summary><c>run.&lt;pipeline&gt;</c>: the instance of the pipeline's run orchestration.</summary>
    public static string ForPipeline(string pipeline)
    {
        RequireValidName(pipeline);
        return RunPrefix + pipeline;
    }

    /// <summary>The instance of one table's ingest orchestration.</summary>
    /// <param name="table"><c>schema.table</c> as <see cref="TableId.Parse"/> reads it (see <see cref="BlobArrival.TableText"/>).</param>
    /// <exception cref="FormatException"><paramref name="table"/> is not a table name.</exception>
    public static string ForTableIngest(string pipeline, string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return ForTableIngest(pipeline, TableId.Parse(table));
    }

    public static string ForTableIngest(string pipeline, TableId table)
    {
        RequireValidName(pipeline);
        if (string.IsNullOrEmpty(table.Schema) || string.IsNullOrEmpty(table.Name))
            throw new ArgumentException($"Table '{table}' needs both a schema and a name.", nameof(table));
        var hash = Hash(pipeline, table);
        var budget = MaxLength - TablePrefix.Length - pipeline.Length - 1 - 1 - HashHexDigits;
        var hint = Hint(table, budget);
        return hint.Length == 0 ? $"{TablePrefix}{pipeline}.{hash}" : $"{TablePrefix}{pipeline}.{hint}.{hash}";
    }

    /// <summary>True when <paramref name="id"/> keeps the rules above; ids made here always do.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static void RequireValidName(string pipeline)
    {
        if (!PipelineNames.IsValidName(pipeline))
            throw new ArgumentException($"'{pipeline}' is not a valid pipeline name ({PipelineNames.NamePattern}).", nameof(pipeline));
    }

    // Lower-case ASCII letters and digits of schema and name, any other run of characters as one '_', cut to the budget.
    private static string Hint(TableId table, int budget)
    {
        var hint = new StringBuilder();
        Append(hint, table.Schema);
        hint.Append('.');
        Append(hint, table.Name);
        var text = hint.ToString().Trim('_', '.');
        if (text.Length > budget) text = text[..budget].TrimEnd('_', '.');
        return text;
    }

    private static void Append(StringBuilder hint, string part)
    {
        foreach (var c in part)
        {
            if (char.IsAsciiLetterOrDigit(c)) hint.Append(char.ToLowerInvariant(c));
            else if (hint.Length > 0 && hint[^1] is not ('_' or '.')) hint.Append('_');
        }
    }

    // Length-prefixed UTF-8 fields, so ("a", "bc") and ("ab", "c") hash differently.
    private static string Hash(string pipeline, TableId table)
    {
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var field in new[] { pipeline, table.Schema, table.Name })
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()))[..HashHexDigits];
    }
}
