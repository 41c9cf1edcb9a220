using Cdc.Core.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// The record of what was applied to each target table, kept in the target database (<c>_ingest.applied_batches</c>)
/// and always written in the transaction that changed the data.
/// </summary>
internal static class AppliedStateStore
{
    /// <summary>Advisory lock key (pg_advisory_xact_lock's first int) for the writer's catalog setup: creating the
    /// state table and target schemas. CREATE ... IF NOT EXISTS alone still fails when two sessions race.</summary>
    private const int SetupLockClass = 0x1A6E5701;

    /// <summary>Advisory lock class for one flow's target table, keyed by a hash of its name: serialises appliers
    /// of the same target so the sequence check and the write cannot interleave.</summary>
    private const int TargetLockClass = 0x1A6E5702;

    private static readonly string Table = PgIdentifier.Qualified(PgNames.StateSchema, PgNames.StateTable);

    private static readonly string CreateSql = $"""
        CREATE SCHEMA IF NOT EXISTS {PgIdentifier.Quote(PgNames.StateSchema)};
        CREATE TABLE IF NOT EXISTS {Table} (
            pipeline text NOT NULL,
            target_schema text NOT NULL,
            target_table text NOT NULL,
            source_schema text NOT NULL,
            source_table text NOT NULL,
            sequence bigint NOT NULL,
            snapshot_generation integer NOT NULL,
            schema_fingerprint text,
            schema_json jsonb,
            applied_at timestamptz NOT NULL,
            PRIMARY KEY (pipeline, target_schema, target_table))
        """;

    private static readonly string ReadSql =
        $"SELECT sequence, snapshot_generation, schema_fingerprint, applied_at FROM {Table} WHERE pipeline = $1 AND target_schema = $2 AND target_table = $3";

    private static readonly string WriteSql = $"""
        INSERT INTO {Table} AS a (pipeline, target_schema, target_table, source_schema, source_table, sequence, snapshot_generation, schema_fingerprint, schema_json, applied_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
        ON CONFLICT (pipeline, target_schema, target_table) DO UPDATE SET
            source_schema = EXCLUDED.source_schema, source_table = EXCLUDED.source_table, sequence = EXCLUDED.sequence,
            snapshot_generation = EXCLUDED.snapshot_generation, schema_fingerprint = EXCLUDED.schema_fingerprint,
            schema_json = EXCLUDED.schema_json, applied_at = EXCLUDED.applied_at
        """;

    /// <summary>Runs <paramref name="sql"/> in its own short transaction under the setup lock.</summary>
    public static async Task RunSetupAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, 0)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = SetupLockClass });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var command = new NpgsqlCommand(sql, connection, transaction)) await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public static Task EnsureTableAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        RunSetupAsync(dataSource, CreateSql, cancellationToken);

    public static async Task LockTargetAsync(NpgsqlConnection connection, IngestFlow flow, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, hashtext($2))", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = TargetLockClass });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flow.TargetSchema + "\u001f" + flow.TargetTable });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<AppliedState?> ReadAsync(NpgsqlConnection connection, IngestFlow flow, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flow.Pipeline });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flow.TargetSchema });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flow.TargetTable });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new AppliedState(
            reader.GetInt64(0),
            reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.GetFieldValue<DateTimeOffset>(3));
    }

    public static async Task WriteAsync(NpgsqlConnection connection, IngestFlow flow, long sequence, int generation, string fingerprint, string schemaJson, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(WriteSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flow.Pipeline });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flow.TargetSchema });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flow.TargetTable });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flow.Source.Schema });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flow.Source.Name });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fingerprint });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schemaJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The target's columns and keys as applied, kept with the state for later evolution and inspection.</summary>
    public static string SchemaJson(TargetTableLayout layout, IEnumerable<TargetColumn> columns) =>
        AppliedSchemaJson.Write(layout.Schema, layout.Flow.ScdType, layout.SoftDeletes, layout.PrimaryKey,
            columns.Select(c => (c.Name, c.Type.Sql)));
}
