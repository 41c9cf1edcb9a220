namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// Which old column values PostgreSQL writes to the WAL, and so which ones pgoutput can send, for updates and
/// deletes of a table (for a partitioned table: of all its leaf partitions, whose settings are what counts).
/// </summary>
/// <param name="Columns">Columns whose old values are sent.</param>
/// <param name="IndexColumns">The REPLICA IDENTITY USING INDEX columns in index order, when that is the setting.</param>
/// <param name="Full">Every column is sent (REPLICA IDENTITY FULL).</param>
/// <param name="FullFixTargets">Tables on which <c>ALTER TABLE ... REPLICA IDENTITY FULL</c> must run to make it full.</param>
/// <param name="Description">The setting in words, for messages.</param>
internal sealed record PgReplicaIdentity(
    IReadOnlySet<string> Columns,
    IReadOnlyList<string>? IndexColumns,
    bool Full,
    IReadOnlyList<string> FullFixTargets,
    string Description);
