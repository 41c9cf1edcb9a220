using System.Data;
using System.Data.Common;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// The record of what was applied to each target table, kept in the target database
/// (<c>[_ingest].[applied_batches]</c>, the same columns as the PostgreSQL target's) and always written in the
/// transaction that changed the data. Appliers of one target table are serialised by an application lock owned by
/// that transaction, taken before the state is read.
/// </summary>
internal static class SqlAppliedState
{
    public static readonly string Table = SqlName.Qualified(SqlTargetNames.StateSchema, SqlTargetNames.StateTable);

    public static readonly string CreateSchemaSql = SqlTargetSql.CreateSchema(SqlTargetNames.StateSchema);

    public static readonly string CreateTableSql = $"""
        IF OBJECT_ID({SqlName.Literal(Table)}, N'U') IS NULL
        CREATE TABLE {Table} (
            [pipeline] nvarchar(128) NOT NULL,
            [target_schema] nvarchar(128) NOT NULL,
            [target_table] nvarchar(128) NOT NULL,
            [source_schema] nvarchar(256) NOT NULL,
            [source_table] nvarchar(256) NOT NULL,
            [sequence] bigint NOT NULL,
            [snapshot_generation] int NOT NULL,
            [schema_fingerprint] nvarchar(64) NULL,
            [schema_json] nvarchar(max) NULL,
            [applied_at] datetimeoffset(7) NOT NULL,
            CONSTRAINT [PK_applied_batches] PRIMARY KEY CLUSTERED ([pipeline], [target_schema], [target_table]))
        """;

    public static readonly string ReadSql =
        $"SELECT [sequence], [snapshot_generation], [schema_fingerprint], [applied_at] FROM {Table} " +
        "WHERE [pipeline] = @pipeline AND [target_schema] = @target_schema AND [target_table] = @target_table";

    /// <summary>An update, or an insert when there was nothing to update: safe because the caller holds the target's
    /// application lock, so no other applier can insert the same row in between.</summary>
    public static readonly string WriteSql = $"""
        UPDATE {Table} SET [source_schema] = @source_schema, [source_table] = @source_table, [sequence] = @sequence,
            [snapshot_generation] = @snapshot_generation, [schema_fingerprint] = @schema_fingerprint, [schema_json] = @schema_json,
            [applied_at] = SYSDATETIMEOFFSET()
        WHERE [pipeline] = @pipeline AND [target_schema] = @target_schema AND [target_table] = @target_table;
        IF @@ROWCOUNT = 0
            INSERT INTO {Table} ([pipeline], [target_schema], [target_table], [source_schema], [source_table], [sequence], [snapshot_generation], [schema_fingerprint], [schema_json], [applied_at])
            VALUES (@pipeline, @target_schema, @target_table, @source_schema, @source_table, @sequence, @snapshot_generation, @schema_fingerprint, @schema_json, SYSDATETIMEOFFSET());
        """;

    /// <summary>
    /// Takes an exclusive application lock owned by the current transaction (released at commit or rollback),
    /// waiting as long as it takes, and returns sp_getapplock's result: 0 or 1 granted, negative refused.
    /// </summary>
    public const string LockSql =
        "DECLARE @result int; " +
        "EXEC @result = sys.sp_getapplock @Resource = @resource, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = -1; " +
        "SELECT @result;";

    /// <summary>Creates the state table (and its schema) once, under the setup lock: CREATE ... checks alone still
    /// fail when two sessions race.</summary>
    public static async Task EnsureTableAsync(SqlConnectionFactory connections, CancellationToken cancellationToken) =>
        await RunSetupAsync(connections, [CreateSchemaSql, CreateTableSql], cancellationToken);

    /// <summary>Runs setup statements in one short transaction under the setup lock, retrying transient failures.</summary>
    public static async Task RunSetupAsync(SqlConnectionFactory connections, IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        await connections.Retry.ExecuteAsync(async ct =>
        {
            await using var connection = await connections.OpenAsync(ct);
            await using var transaction = (SqlTransaction)await connection.BeginTransactionAsync(ct);
            await LockAsync(connection, transaction, SqlTargetNames.SetupLockResource, "the catalog setup", ct);
            foreach (var sql in statements) await SqlCommands.ExecuteAsync(connection, transaction, sql, ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }

    public static Task LockTargetAsync(SqlConnection connection, SqlTransaction transaction, IngestFlow flow, CancellationToken cancellationToken) =>
        LockAsync(connection, transaction, SqlTargetNames.TargetLockResource(flow.TargetSchema, flow.TargetTable), $"target {flow.TargetSchema}.{flow.TargetTable}", cancellationToken);

    private static async Task LockAsync(SqlConnection connection, SqlTransaction transaction, string resource, string what, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(connection, transaction, LockSql);
        command.Parameters.Add(new SqlParameter("@resource", SqlDbType.NVarChar, 255) { Value = resource });
        var result = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (result < 0)
            throw new InvalidOperationException($"Could not lock {what} (sp_getapplock returned {result}: {LockFailure(result)}).");
    }

    public static string LockFailure(int result) => result switch
    {
        -1 => "the request timed out",
        -2 => "the request was cancelled",
        -3 => "the request was chosen as a deadlock victim",
        _ => "a parameter or call error",
    };

    public static async Task<AppliedState?> ReadAsync(SqlConnection connection, SqlTransaction? transaction, IngestFlow flow, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(connection, transaction, ReadSql);
        AddFlowKey(command, flow);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await MapAsync(reader, cancellationToken);
    }

    /// <summary>Maps <see cref="ReadSql"/>'s row: bigint, int, nvarchar NULL, datetimeoffset.</summary>
    public static async Task<AppliedState?> MapAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new AppliedState(
            reader.GetInt64(0),
            reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.GetFieldValue<DateTimeOffset>(3));
    }

    public static async Task WriteAsync(SqlConnection connection, SqlTransaction transaction, IngestFlow flow, long sequence, int generation, string fingerprint, string schemaJson, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(connection, transaction, WriteSql);
        AddFlowKey(command, flow);
        command.Parameters.Add(new SqlParameter("@source_schema", SqlDbType.NVarChar, 256) { Value = flow.Source.Schema });
        command.Parameters.Add(new SqlParameter("@source_table", SqlDbType.NVarChar, 256) { Value = flow.Source.Name });
        command.Parameters.Add(new SqlParameter("@sequence", SqlDbType.BigInt) { Value = sequence });
        command.Parameters.Add(new SqlParameter("@snapshot_generation", SqlDbType.Int) { Value = generation });
        command.Parameters.Add(new SqlParameter("@schema_fingerprint", SqlDbType.NVarChar, 64) { Value = fingerprint });
        command.Parameters.Add(new SqlParameter("@schema_json", SqlDbType.NVarChar, -1) { Value = schemaJson });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddFlowKey(SqlCommand command, IngestFlow flow)
    {
        command.Parameters.Add(new SqlParameter("@pipeline", SqlDbType.NVarChar, 128) { Value = flow.Pipeline });
        command.Parameters.Add(SqlCommands.Name("@target_schema", flow.TargetSchema));
        command.Parameters.Add(SqlCommands.Name("@target_table", flow.TargetTable));
    }

    /// <summary>The target's columns and keys as applied, kept with the state for later evolution and inspection
    /// (the same document as the PostgreSQL target's).</summary>
    public static string SchemaJson(SqlTargetLayout layout, IEnumerable<SqlTargetColumn> columns) =>
        AppliedSchemaJson.Write(layout.Schema, layout.Flow.ScdType, layout.SoftDeletes, layout.PrimaryKey,
            columns.Select(c => (c.Name, c.Type.Sql)));
}
