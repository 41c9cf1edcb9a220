using System.Text.RegularExpressions;
using Cdc.Core.Model;
using Cdc.Core.Postgres;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// Creates what logical replication needs: checks the server and role can replicate, keeps the publication holding
/// exactly the selected tables, and creates the pgoutput slot when it is missing (exporting its snapshot).
/// </summary>
internal sealed partial class PgReplicationSetup(NpgsqlDataSource dataSource, string replicationConnectionString, string slot, string publication, ILogger logger)
{
    private const string PrerequisitesSql = """
        SELECT pg_catalog.current_setting('wal_level'), r.rolreplication, r.rolsuper, current_user,
               EXISTS (SELECT 1 FROM pg_catalog.pg_roles x WHERE x.rolname = 'rds_replication' AND pg_catalog.pg_has_role(current_user, x.oid, 'MEMBER'))
        FROM pg_catalog.pg_roles r WHERE r.rolname = current_user
        """;

    private const string PublicationSql = "SELECT oid, puballtables, pubinsert AND pubupdate AND pubdelete AND pubtruncate, pubviaroot FROM pg_catalog.pg_publication WHERE pubname = $1";

    private const string PublishedTablesSql = """
        SELECT n.nspname, c.relname
        FROM pg_catalog.pg_publication_rel pr
        JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE pr.prpubid = $1
        """;

    private const string SlotSql = "SELECT plugin, slot_type, database, pg_catalog.current_database() FROM pg_catalog.pg_replication_slots WHERE slot_name = $1";

    /// <summary>Replication slot names may hold only lower-case letters, digits and underscores.</summary>
    public static void ValidateNames(string slot, string publication)
    {
        if (!SlotName().IsMatch(slot))
            throw new SourceException($"Replication slot name '{slot}' is invalid: use 1-63 lower-case letters, digits and underscores.");
        if (string.IsNullOrWhiteSpace(publication) || publication.Length > 63 || publication.IndexOfAny(['"', '\'', '\\', '\0']) >= 0)
            throw new SourceException($"Publication name '{publication}' is invalid: use 1-63 characters without quotes or backslashes.");
    }

    public async Task CheckPrerequisitesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(PrerequisitesSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) throw new SourceException("The connected role was not found in pg_roles.");
        var walLevel = reader.GetString(0);
        if (walLevel != "logical")
            throw new SourceException(
                $"The source server runs with wal_level = '{walLevel}', but change data capture needs 'logical'. " +
                "Fix: ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL (on a managed service set the server parameter " +
                "wal_level to logical, e.g. rds.logical_replication = 1 on Amazon RDS, and restart).");
        var (replication, superuser, role, rdsReplication) = (reader.GetBoolean(1), reader.GetBoolean(2), reader.GetString(3), reader.GetBoolean(4));
        if (!replication && !superuser && !rdsReplication)
            throw new SourceException(
                $"Role \"{role}\" may not use logical replication: it has neither the REPLICATION attribute nor superuser. " +
                $"Fix (as a superuser): ALTER ROLE {PgIdentifier.Quote(role)} WITH REPLICATION;");
    }

    /// <summary>Creates the publication for exactly <paramref name="tables"/>, or makes an existing one match.</summary>
    public async Task EnsurePublicationAsync(IReadOnlyList<TableSchema> tables, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var wanted = tables.Select(t => t.Table).Distinct().OrderBy(t => t).ToList();
        var quotedPublication = PgIdentifier.Quote(publication);
        // Changes of a partition are published as its partitioned table, whose name the selection uses.
        const string Options = "publish = 'insert, update, delete, truncate', publish_via_partition_root = true";

        uint oid;
        bool allTables, publishesAll, viaRoot;
        await using (var command = new NpgsqlCommand(PublicationSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = publication });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                await reader.DisposeAsync();
                var forTables = wanted.Count == 0 ? "" : " FOR TABLE " + string.Join(", ", wanted.Select(PgIdentifier.Qualified));
                await ExecuteDdlAsync(connection, $"CREATE PUBLICATION {quotedPublication}{forTables} WITH ({Options})", cancellationToken);
                PostgresSourceLog.PublicationCreated(logger, publication, wanted.Count);
                return;
            }
            (oid, allTables, publishesAll, viaRoot) = (reader.GetFieldValue<uint>(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3));
        }

        if (allTables)
        {
            PostgresSourceLog.PublicationForAllTables(logger, publication);
            return;
        }
        if (!publishesAll || !viaRoot)
            await ExecuteDdlAsync(connection, $"ALTER PUBLICATION {quotedPublication} SET ({Options})", cancellationToken);

        var current = new List<TableId>();
        await using (var command = new NpgsqlCommand(PublishedTablesSql, connection))
        {
            command.Parameters.Add(PgParameters.Oid(oid));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) current.Add(new TableId(reader.GetString(0), reader.GetString(1)));
        }
        if (current.OrderBy(t => t).SequenceEqual(wanted)) return;
        var statement = wanted.Count > 0
            ? $"ALTER PUBLICATION {quotedPublication} SET TABLE {string.Join(", ", wanted.Select(PgIdentifier.Qualified))}"
            : $"ALTER PUBLICATION {quotedPublication} DROP TABLE {string.Join(", ", current.Select(PgIdentifier.Qualified))}";
        await ExecuteDdlAsync(connection, statement, cancellationToken);
        PostgresSourceLog.PublicationUpdated(logger, publication, wanted.Count);
    }

    /// <summary>Creates the slot when it does not exist, returning its exported snapshot (held open); null when the
    /// slot already existed. An existing slot must be a pgoutput slot of this database.</summary>
    public async Task<PgExportedSnapshot?> EnsureSlotAsync(IEnumerable<TableId> tables, CancellationToken cancellationToken)
    {
        if (await SlotExistsAsync(cancellationToken)) return null;
        var connection = new LogicalReplicationConnection(replicationConnectionString);
        try
        {
            await connection.Open(cancellationToken);
            var created = await connection.CreatePgOutputReplicationSlot(slot, temporarySlot: false, LogicalSlotSnapshotInitMode.Export, cancellationToken: cancellationToken);
            var snapshot = created.SnapshotName ?? throw new SourceException($"Replication slot {slot} was created without an exported snapshot.");
            PostgresSourceLog.SlotCreated(logger, slot, created.ConsistentPoint, snapshot);
            return new PgExportedSnapshot(connection, snapshot, created.ConsistentPoint, tables);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // Created meanwhile by someone else: use it as an existing slot.
            await connection.DisposeAsync();
            await SlotExistsAsync(cancellationToken);
            return null;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<bool> SlotExistsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(SlotSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return false;
        var (plugin, type, database, current) = (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3));
        if (type != "logical" || plugin != "pgoutput" || database != current)
            throw new SourceException(
                $"Replication slot {slot} exists but is a {type} slot{(plugin is null ? "" : $" for plugin {plugin}")}{(database is null ? "" : $" of database {database}")}; " +
                $"capture needs a logical pgoutput slot of database {current}. Choose another slot name in the pipeline, or drop it: SELECT pg_drop_replication_slot('{slot}');");
        return true;
    }

    private static async Task ExecuteDdlAsync(NpgsqlConnection connection, string statement, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new SourceException(
                $"The source role may not manage the publication: {ex.MessageText}. It needs CREATE on the database and ownership of the selected tables; " +
                $"or an administrator can run: {statement};", ex);
        }
    }

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex SlotName();
}
