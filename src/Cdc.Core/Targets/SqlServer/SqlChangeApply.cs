using System.Diagnostics;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Cdc.Core.Staging;
using Cdc.Core.Targets.Postgres;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// Applies one change batch in one transaction: the rows are read and reduced in memory first (so a failing read
/// never leaves a transaction half done), then, under the flow's application lock, the target is evolved, the net
/// changes are bulk-copied into <c>#ingest_stage</c> and applied set-wise, and the applied state advances, all
/// committed together. Because the reduced batch is in memory and the applied state is checked inside the
/// transaction, a transient failure (a deadlock, a failover) retries the whole transaction safely.
/// </summary>
internal sealed class SqlChangeApply(SqlConnectionFactory connections, ILogger logger)
{
    public async Task<ApplyResult> RunAsync(IngestFlow flow, CommitRecord batch, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rows);
        if (batch.Kind != BatchKind.Changes)
            throw new ArgumentException($"{flow}: batch {batch.Sequence} is a {batch.Kind}; snapshot chunks are loaded with LoadSnapshotAsync.", nameof(batch));
        var layout = SqlTargetLayout.For(flow, batch.Schema);
        var clock = Stopwatch.StartNew();
        var reduced = await SqlChangeReduction.ReduceAsync(layout, rows, cancellationToken);

        var attempt = 0;
        return await connections.Retry.ExecuteAsync(async ct =>
        {
            if (++attempt > 1) SqlServerTargetLog.ApplyRetried(logger, flow, batch.Sequence, attempt);
            return await ApplyOnceAsync(layout, batch, reduced, clock, ct);
        }, cancellationToken);
    }

    private async Task<ApplyResult> ApplyOnceAsync(SqlTargetLayout layout, CommitRecord batch, ReducedBatch reduced, Stopwatch clock, CancellationToken cancellationToken)
    {
        var flow = layout.Flow;
        await using var connection = await connections.OpenAsync(cancellationToken);
        await SqlCommands.ExecuteAsync(connection, null, "SET XACT_ABORT ON", cancellationToken);
        await using var transaction = (SqlTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await SqlAppliedState.LockTargetAsync(connection, transaction, flow, cancellationToken);
        var applied = await SqlAppliedState.ReadAsync(connection, transaction, flow, cancellationToken);
        if (applied is not null && applied.Sequence >= batch.Sequence)
        {
            SqlServerTargetLog.AlreadyApplied(logger, flow, batch.Sequence, applied.Sequence);
            return ApplyResult.Empty;
        }

        var result = new ApplyResult(reduced.RowsRead, 0, 0, 0);
        // An empty batch still evolves the table: the gateway stages one to carry a schema change by itself.
        var columns = await PrepareTableAsync(connection, transaction, layout, cancellationToken);
        if (reduced.Changes.Count == 0)
        {
            SqlServerTargetLog.EmptyBatch(logger, flow, batch.Sequence);
        }
        else
        {
            var stage = new SqlStageTable(layout, reduced.Flagged);
            await stage.FillAsync(connection, transaction, reduced.Changes, cancellationToken);
            if (stage.FlaggedOrdinals.Count > 0)
                await SqlCommands.ExecuteAsync(connection, transaction, SqlTargetSql.ResolveUnchanged(layout, stage, currentVersionOnly: layout.IsScd2), cancellationToken);
            result = layout.IsScd2
                ? await ApplyScd2Async(connection, transaction, layout, stage, batch.Sequence, reduced.RowsRead, cancellationToken)
                : await ApplyScd1Async(connection, transaction, layout, stage, reduced.RowsRead, cancellationToken);
            await SqlCommands.ExecuteAsync(connection, transaction, SqlStageTable.DropSql(), cancellationToken);
        }

        await SqlAppliedState.WriteAsync(connection, transaction, flow, batch.Sequence, batch.SnapshotGeneration, batch.Schema.Fingerprint,
            SqlAppliedState.SchemaJson(layout, columns), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        SqlServerTargetLog.ChangesApplied(logger, flow, batch.Sequence, result.RowsRead, result.Inserted, result.Updated, result.Deleted, clock.ElapsedMilliseconds);
        return result;
    }

    /// <summary>Creates the target table when no snapshot made it, or evolves it to the batch's schema. A breaking
    /// change throws before any statement runs. Returns the table's columns afterwards.</summary>
    private async Task<IReadOnlyList<SqlTargetColumn>> PrepareTableAsync(SqlConnection connection, SqlTransaction transaction, SqlTargetLayout layout, CancellationToken cancellationToken)
    {
        var flow = layout.Flow;
        var existing = await SqlCatalog.ReadTableAsync(connection, transaction, flow.TargetSchema, flow.TargetTable, cancellationToken);
        if (existing is null)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, SqlTargetSql.CreateTable(layout, flow.TargetTable, primaryKey: true), cancellationToken);
            SqlServerTargetLog.TargetTableCreated(logger, flow);
            return layout.AllColumns.ToList();
        }

        var plan = SqlSchemaEvolution.Plan(layout, existing);
        foreach (var column in plan.Added)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, SqlTargetSql.AddColumn(flow.TargetSchema, flow.TargetTable, column), cancellationToken);
            SqlServerTargetLog.ColumnAdded(logger, flow, column.Name, column.Type.Sql);
        }
        foreach (var (column, from, to) in plan.Widened)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, SqlTargetSql.AlterColumn(flow.TargetSchema, flow.TargetTable, column, to), cancellationToken);
            SqlServerTargetLog.ColumnWidened(logger, flow, column, from.Sql, to.Sql);
        }
        return plan.FinalColumns;
    }

    private static async Task<ApplyResult> ApplyScd1Async(SqlConnection connection, SqlTransaction transaction, SqlTargetLayout layout, SqlStageTable stage, long rowsRead, CancellationToken cancellationToken)
    {
        var deleted = await SqlCommands.ExecuteAsync(connection, transaction,
            layout.SoftDeletes ? SqlTargetSql.Scd1SoftDelete(layout, stage) : SqlTargetSql.Scd1Delete(layout, stage), cancellationToken);
        var updated = await SqlCommands.ExecuteAsync(connection, transaction, SqlTargetSql.Scd1Update(layout, stage), cancellationToken);
        var inserted = await SqlCommands.ExecuteAsync(connection, transaction, SqlTargetSql.Scd1Insert(layout, stage), cancellationToken);
        return new ApplyResult(rowsRead, inserted, updated, deleted);
    }

    private async Task<ApplyResult> ApplyScd2Async(SqlConnection connection, SqlTransaction transaction, SqlTargetLayout layout, SqlStageTable stage, long sequence, long rowsRead, CancellationToken cancellationToken)
    {
        var stale = await SqlCommands.ExecuteAsync(connection, transaction, SqlScdType2Apply.DeleteStale(layout, stage), cancellationToken);
        if (stale > 0) SqlServerTargetLog.StaleChangesSkipped(logger, layout.Flow, sequence, stale);
        await SqlCommands.ExecuteAsync(connection, transaction, SqlScdType2Apply.DeleteNoOps(layout, stage), cancellationToken);
        await SqlCommands.ExecuteAsync(connection, transaction, SqlScdType2Apply.CreateChain(layout, stage), cancellationToken);
        var counts = await SqlCommands.ReadCountsAsync(connection, transaction, SqlScdType2Apply.Counts(), cancellationToken);
        await SqlCommands.ExecuteAsync(connection, transaction, SqlScdType2Apply.CloseCurrent(layout, stage), cancellationToken);
        await SqlCommands.ExecuteAsync(connection, transaction, SqlScdType2Apply.ReplaceSameInstant(layout, stage), cancellationToken);
        await SqlCommands.ExecuteAsync(connection, transaction, SqlScdType2Apply.InsertVersions(layout, stage), cancellationToken);
        await SqlCommands.ExecuteAsync(connection, transaction, SqlScdType2Apply.DropChain(), cancellationToken);
        return new ApplyResult(rowsRead, counts[0], counts[1], counts[2]);
    }
}
