using System.Diagnostics;
using Cdc.Core.Model;
using Cdc.Core.Staging;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// Applies one change batch in one transaction: the rows are read and reduced in memory first (so a failing read
/// never leaves a transaction half done), then the target is evolved, the net changes are copied into a temporary
/// stage table and applied set-wise, and the applied state advances, all committed together.
/// </summary>
internal sealed class ChangeApply(NpgsqlDataSource dataSource, ILogger logger)
{
    /// <summary>Above this many staged rows the stage is analysed, so joins against large targets get real estimates.</summary>
    private const int AnalyzeThreshold = 1000;

    public async Task<ApplyResult> RunAsync(IngestFlow flow, CommitRecord batch, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rows);
        if (batch.Kind != BatchKind.Changes)
            throw new ArgumentException($"{flow}: batch {batch.Sequence} is a {batch.Kind}; snapshot chunks are loaded with LoadSnapshotAsync.", nameof(batch));
        var layout = TargetTableLayout.For(flow, batch.Schema);
        var clock = Stopwatch.StartNew();
        var reduced = await ChangeBatchReducer.ReduceAsync(layout, rows, cancellationToken);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await AppliedStateStore.LockTargetAsync(connection, flow, cancellationToken);
        var applied = await AppliedStateStore.ReadAsync(connection, flow, cancellationToken);
        if (applied is not null && applied.Sequence >= batch.Sequence)
        {
            PostgresTargetLog.AlreadyApplied(logger, flow, batch.Sequence, applied.Sequence);
            return ApplyResult.Empty;
        }

        var result = new ApplyResult(reduced.RowsRead, 0, 0, 0);
        // An empty batch still evolves the table: the gateway stages one to carry a schema change by itself.
        var columns = await PrepareTableAsync(connection, layout, cancellationToken);
        if (reduced.Changes.Count == 0)
        {
            PostgresTargetLog.EmptyBatch(logger, flow, batch.Sequence);
        }
        else
        {
            var stage = new StageTable(layout, reduced.Flagged);
            await stage.FillAsync(connection, reduced.Changes, cancellationToken);
            if (reduced.Changes.Count > AnalyzeThreshold)
                await PgCommands.ExecuteAsync(connection, "ANALYZE " + StageTable.QualifiedName, cancellationToken);
            if (stage.FlaggedOrdinals.Count > 0)
                await PgCommands.ExecuteAsync(connection, PgTargetSql.ResolveUnchanged(flow.TargetSchema, flow.TargetTable, stage, currentVersionOnly: layout.IsScd2), cancellationToken);
            result = layout.IsScd2
                ? await ApplyScd2Async(connection, layout, stage, batch.Sequence, reduced.RowsRead, cancellationToken)
                : await ApplyScd1Async(connection, layout, stage, reduced.RowsRead, cancellationToken);
        }

        await AppliedStateStore.WriteAsync(connection, flow, batch.Sequence, batch.SnapshotGeneration, batch.Schema.Fingerprint,
            AppliedStateStore.SchemaJson(layout, columns), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        PostgresTargetLog.ChangesApplied(logger, flow, batch.Sequence, result.RowsRead, result.Inserted, result.Updated, result.Deleted, clock.ElapsedMilliseconds);
        return result;
    }

    /// <summary>Creates the target table when no snapshot made it, or evolves it to the batch's schema. A breaking
    /// change throws before any statement runs. Returns the table's columns afterwards.</summary>
    private async Task<IReadOnlyList<TargetColumn>> PrepareTableAsync(NpgsqlConnection connection, TargetTableLayout layout, CancellationToken cancellationToken)
    {
        var flow = layout.Flow;
        var existing = await PgCatalog.ReadTableAsync(connection, flow.TargetSchema, flow.TargetTable, cancellationToken);
        if (existing is null)
        {
            await PgCommands.ExecuteAsync(connection, PgTargetSql.CreateTable(flow.TargetSchema, flow.TargetTable, layout.AllColumns), cancellationToken);
            await PgCommands.ExecuteAsync(connection, PgTargetSql.AddPrimaryKey(flow.TargetSchema, flow.TargetTable, PgNames.PrimaryKey(flow.TargetTable), layout.PrimaryKey), cancellationToken);
            PostgresTargetLog.TargetTableCreated(logger, flow);
            return layout.AllColumns.ToList();
        }

        var plan = PgSchemaEvolution.Plan(layout, existing);
        foreach (var column in plan.Added)
        {
            await PgCommands.ExecuteAsync(connection, PgTargetSql.AddColumn(flow.TargetSchema, flow.TargetTable, column), cancellationToken);
            PostgresTargetLog.ColumnAdded(logger, flow, column.Name, column.Type.Sql);
        }
        foreach (var (column, from, to) in plan.Widened)
        {
            await PgCommands.ExecuteAsync(connection, PgTargetSql.AlterColumnType(flow.TargetSchema, flow.TargetTable, column, to), cancellationToken);
            PostgresTargetLog.ColumnWidened(logger, flow, column, from.Sql, to.Sql);
        }
        return plan.FinalColumns;
    }

    private static async Task<ApplyResult> ApplyScd1Async(NpgsqlConnection connection, TargetTableLayout layout, StageTable stage, long rowsRead, CancellationToken cancellationToken)
    {
        var (schema, table) = (layout.Flow.TargetSchema, layout.Flow.TargetTable);
        var deleted = await PgCommands.ExecuteAsync(connection,
            layout.SoftDeletes ? PgTargetSql.Scd1SoftDelete(schema, table, stage) : PgTargetSql.Scd1Delete(schema, table, stage), cancellationToken);
        var counts = await PgCommands.ReadCountsAsync(connection, PgTargetSql.Scd1Upsert(schema, table, stage, layout.SoftDeletes), cancellationToken);
        return new ApplyResult(rowsRead, counts[0], counts[1], deleted);
    }

    private async Task<ApplyResult> ApplyScd2Async(NpgsqlConnection connection, TargetTableLayout layout, StageTable stage, long sequence, long rowsRead, CancellationToken cancellationToken)
    {
        var (schema, table) = (layout.Flow.TargetSchema, layout.Flow.TargetTable);
        var stale = await PgCommands.ExecuteAsync(connection, ScdType2Apply.DeleteStale(schema, table, stage), cancellationToken);
        if (stale > 0) PostgresTargetLog.StaleChangesSkipped(logger, layout.Flow, sequence, stale);
        await PgCommands.ExecuteAsync(connection, ScdType2Apply.DeleteNoOps(schema, table, stage), cancellationToken);
        await PgCommands.ExecuteAsync(connection, ScdType2Apply.CreateChain(schema, table, stage), cancellationToken);
        var counts = await PgCommands.ReadCountsAsync(connection, ScdType2Apply.Counts(), cancellationToken);
        await PgCommands.ExecuteAsync(connection, ScdType2Apply.CloseCurrent(schema, table, stage), cancellationToken);
        await PgCommands.ExecuteAsync(connection, ScdType2Apply.ReplaceSameInstant(schema, table, stage), cancellationToken);
        await PgCommands.ExecuteAsync(connection, ScdType2Apply.InsertVersions(schema, table, stage), cancellationToken);
        return new ApplyResult(rowsRead, counts[0], counts[1], counts[2]);
    }
}
