using System.Collections.Concurrent;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Sources;
using Cdc.Core.Staging;
using Cdc.Core.State;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Runs;

/// <summary>
/// The gateway half of a run: snapshots the tables that need one (chunk by chunk, checkpointing after each), then
/// captures changes for the tables whose snapshot is complete, stages them, and only then lets the source release them.
/// A table whose snapshot is incomplete holds the source's acknowledged position at its snapshot's start, so the
/// changes it must replay once the snapshot completes are never released early.
/// </summary>
public sealed class GatewayStep(
    ISourceConnector source,
    IStagingArea staging,
    IGatewayStateStore states,
    GatewaySettings settings,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>The whole gateway in one process: prepare, snapshots with bounded parallelism, then change capture.</summary>
    public async Task<IReadOnlyDictionary<TableId, GatewayTableResult>> RunAsync(
        string runId, IReadOnlyList<TableSchema> tables, IReadOnlySet<TableId> fullRefresh, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var results = new ConcurrentDictionary<TableId, GatewayTableResult>(tables.Select(t => KeyValuePair.Create(t.Table, GatewayTableResult.Empty)));
        var refused = await PrepareAsync(runId, tables, fullRefresh, progress, cancellationToken);
        foreach (var (table, error) in refused) results[table] = results[table] with { Error = error };

        await Parallel.ForEachAsync(tables.Where(t => !refused.ContainsKey(t.Table)), Options(cancellationToken), async (table, ct) =>
        {
            var staged = await SnapshotAsync(runId, table, progress, ct);
            results[table.Table] = results[table.Table].Add(staged);
        });

        foreach (var (table, captured) in await CaptureAsync(runId, tables, progress, cancellationToken))
            results[table] = results[table].Add(captured);
        return results;
    }

    /// <summary>
    /// Prepares the source and settles what each table needs before it is read: a table whose changes are gone (a
    /// retention gap, or a table that was out of the pipeline while the source released changes) is snapshotted again
    /// or failed, per the pipeline's policy; a full refresh asked for is recorded.
    /// </summary>
    /// <returns>The tables that must not be read this run, with the reason (a retention gap under <c>fail</c>).</returns>
    public async Task<IReadOnlyDictionary<TableId, string>> PrepareAsync(
        string runId, IReadOnlyList<TableSchema> tables, IReadOnlySet<TableId> fullRefresh, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(fullRefresh);
        var checkpoints = await LoadAsync(tables, cancellationToken);
        var gaps = await source.PrepareAsync(tables.Select(t => new CaptureTable(t, ResumeAfter(checkpoints[t.Table].State))).ToList(), cancellationToken);
        var lastProtected = source.ReleasesChanges ? await new ProtectedTables(states).ReadAsync(cancellationToken) : null;

        var refused = new ConcurrentDictionary<TableId, string>();
        await Parallel.ForEachAsync(tables, Options(cancellationToken), async (table, ct) =>
        {
            var checkpoint = checkpoints[table.Table];
            var state = checkpoint.State;
            var gap = gaps.GetValueOrDefault(table.Table);
            if (gap is null && lastProtected is not null && state.SnapshotGeneration > 0 && !lastProtected.Contains(table.Table))
            {
                RunLog.TableReturned(logger, table.Table);
                gap = "the table was out of the pipeline while the source released changes";
            }
            var refresh = fullRefresh.Contains(table.Table);
            if (gap is not null)
            {
                RunLog.RetentionGapFound(logger, table.Table, gap, settings.OnRetentionGap);
                progress?.Report(new RetentionGap(runId, time.GetUtcNow(), table.Table, gap));
                if (settings.OnRetentionGap == RetentionGapPolicy.Fail) state = state with { RetentionGap = gap };
            }
            if ((refresh || (gap is not null && settings.OnRetentionGap == RetentionGapPolicy.Resnapshot)) && !state.FullRefreshRequested)
            {
                if (refresh) RunLog.FullRefreshRequested(logger, table.Table);
                state = state with { FullRefreshRequested = true };
            }
            if (state != checkpoint.State) await checkpoint.SaveAsync(state, ct);
            if (RefusalOf(table.Table, state) is { } refusal) refused[table.Table] = Fail(runId, table.Table, refusal, progress);
        });
        return refused;
    }

    /// <summary>Snapshots one table when it needs it (never snapshotted, a full refresh, an incomplete snapshot),
    /// chunk by chunk from its checkpoint. A failure is returned as the table's error, not thrown.</summary>
    public async Task<GatewayTableResult> SnapshotAsync(
        string runId, TableSchema table, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        try
        {
            var checkpoint = await TableCheckpoint.LoadAsync(states, staging, table.Table, cancellationToken);
            if (RefusalOf(table.Table, checkpoint.State) is { } refusal) return GatewayTableResult.Empty with { Error = $"gateway: {refusal}" };
            return await SnapshotAsync(runId, table, checkpoint, progress, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return GatewayTableResult.Empty with { Error = $"gateway: {Fail(runId, table.Table, ex, progress)}" };
        }
    }

    /// <summary>
    /// Captures the changes of every table whose snapshot is complete, stages them, and only then lets the source
    /// release them, never past what a table not captured this round still needs.
    /// </summary>
    public async Task<IReadOnlyDictionary<TableId, GatewayTableResult>> CaptureAsync(
        string runId, IReadOnlyList<TableSchema> tables, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var results = new ConcurrentDictionary<TableId, GatewayTableResult>(tables.Select(t => KeyValuePair.Create(t.Table, GatewayTableResult.Empty)));
        IReadOnlyDictionary<TableId, TableCheckpoint> checkpoints;
        try
        {
            checkpoints = await LoadAsync(tables, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            foreach (var table in tables) results[table.Table] = GatewayTableResult.Empty with { Error = $"gateway (change capture): {Fail(runId, table.Table, ex, progress, "gateway (change capture)")}" };
            return results;
        }
        // A complete snapshot is captured even if something failed after its final chunk: leaving it out would let the
        // acknowledgement below release its changes. A table failed for a retention gap is not: reading it would skip
        // the gap.
        var capturing = tables.Where(t => checkpoints[t.Table].State is { SnapshotComplete: true, RetentionGap: null }).ToList();
        if (capturing.Count > 0) await CaptureAsync(runId, tables, capturing, checkpoints, results, progress, cancellationToken);
        return results;
    }

    /// <summary>Whether a table has a snapshot to take, restart or finish: never snapshotted, a full refresh asked for,
    /// or an incomplete snapshot. <see cref="SnapshotAsync(string, TableSchema, IProgress{RunEvent}?, CancellationToken)"/>
    /// does nothing for any other table.</summary>
    public static bool NeedsSnapshot(TableGatewayState? state) => state is null || state.FullRefreshRequested || !state.SnapshotComplete;

    /// <summary>Where a table's changes resume: its last staged change, else its snapshot's start.</summary>
    private static string? ResumeAfter(TableGatewayState state) => state.Position ?? state.SnapshotStartPosition;

    private static string? RefusalOf(TableId table, TableGatewayState state) =>
        state.RetentionGap is { } gap && !state.FullRefreshRequested
            ? $"changes of {table} after its saved position are no longer available ({gap}) and the pipeline's on_retention_gap is fail; run a full refresh of {table} to snapshot it again"
            : null;

    private async Task<IReadOnlyDictionary<TableId, TableCheckpoint>> LoadAsync(IReadOnlyList<TableSchema> tables, CancellationToken cancellationToken)
    {
        var checkpoints = new ConcurrentDictionary<TableId, TableCheckpoint>();
        await Parallel.ForEachAsync(tables, Options(cancellationToken), async (table, ct) =>
            checkpoints[table.Table] = await TableCheckpoint.LoadAsync(states, staging, table.Table, ct));
        return checkpoints;
    }

    private ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = cancellationToken };

    private async Task<GatewayTableResult> SnapshotAsync(
        string runId, TableSchema table, TableCheckpoint checkpoint, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        var state = checkpoint.State;
        var schemaChanged = state.SnapshotGeneration > 0 && !state.SnapshotComplete && state.SchemaFingerprint is not null && state.SchemaFingerprint != table.Fingerprint;
        if (state.FullRefreshRequested || state.SnapshotGeneration == 0 || schemaChanged)
        {
            var start = await source.BeginSnapshotAsync(table, resumeFrom: null, cancellationToken);
            state = state with
            {
                SnapshotGeneration = state.SnapshotGeneration + 1,
                SnapshotComplete = false,
                SnapshotCursor = null,
                SnapshotStartPosition = start,
                Position = null,
                FullRefreshRequested = false,
                RetentionGap = null,
            };
            await checkpoint.SaveAsync(state, cancellationToken);
            if (schemaChanged) RunLog.SnapshotRestartedForSchema(logger, table.Table, state.SnapshotGeneration);
            RunLog.SnapshotStarted(logger, table.Table, state.SnapshotGeneration, start);
        }
        else if (!state.SnapshotComplete)
        {
            // The original start position stays: the source was never acknowledged past it.
            await source.BeginSnapshotAsync(table, resumeFrom: state.SnapshotStartPosition, cancellationToken);
            RunLog.SnapshotResumed(logger, table.Table, state.SnapshotGeneration, state.LastSequence);
        }
        else
        {
            // Complete, and no refresh asked for (NeedsSnapshot is false).
            return GatewayTableResult.Empty;
        }

        var result = GatewayTableResult.Empty;
        var chunks = 0;
        try
        {
            while (true)
            {
                state = checkpoint.State;
                var afterKey = state.SnapshotCursor is null ? null : KeyCursor.Decode(table, state.SnapshotCursor);
                // The source's clock, before the chunk is read: changes committed later carry later commit times.
                var readAt = await source.CurrentTimeAsync(cancellationToken);
                object?[]? last = null;
                CommitRecord commit;
                await using (var writer = staging.StartBatch(table, state.LastSequence + 1, BatchKind.SnapshotChunk, state.SnapshotGeneration))
                {
                    await foreach (var row in source.ReadSnapshotChunkAsync(table, afterKey, settings.SnapshotChunkRows, cancellationToken))
                    {
                        await writer.WriteAsync(new ChangeRow(ChangeKind.Insert, row, readAt), cancellationToken);
                        last = row;
                    }
                    var final = writer.RowCount < settings.SnapshotChunkRows;
                    var cursor = last is null ? state.SnapshotCursor : KeyCursor.Encode(table, last);
                    commit = await writer.CommitAsync(
                        new BatchCommitInfo(state.SnapshotStartPosition, state.SnapshotStartPosition, final, cursor), cancellationToken);
                }
                await checkpoint.RecordCommitAsync(commit, cancellationToken);
                chunks++;
                var bytes = commit.Files.Sum(f => f.Bytes);
                result = result.Add(new GatewayTableResult(commit.RowCount, 1, bytes, null));
                progress?.Report(new SnapshotChunkStaged(runId, time.GetUtcNow(), table.Table, commit.SnapshotGeneration, commit.Sequence, commit.RowCount, result.RowsStaged, bytes, commit.SnapshotFinal));
                if (commit.SnapshotFinal) break;
            }
        }
        finally
        {
            await source.EndSnapshotAsync(table, CancellationToken.None);
        }
        RunLog.SnapshotCompleted(logger, table.Table, checkpoint.State.SnapshotGeneration, result.RowsStaged, chunks);
        return result;
    }

    private async Task CaptureAsync(
        string runId,
        IReadOnlyList<TableSchema> all,
        IReadOnlyList<TableSchema> capturing,
        IReadOnlyDictionary<TableId, TableCheckpoint> checkpoints,
        ConcurrentDictionary<TableId, GatewayTableResult> results,
        IProgress<RunEvent>? progress,
        CancellationToken cancellationToken)
    {
        var tracked = capturing.ToDictionary(t => t.Table, t => checkpoints[t.Table]);
        // The schema each table was last staged with, to report a change when a batch carries another.
        var lastSchema = new Dictionary<TableId, TableSchema>();
        foreach (var table in capturing)
            if (await staging.LastCommitAsync(table.Table, cancellationToken) is { } last) lastSchema[table.Table] = last.Schema;
        Task OnCommitted(CommitRecord commit)
        {
            if (lastSchema.TryGetValue(commit.Table, out var previous) && previous.Fingerprint != commit.Schema.Fingerprint)
                progress?.Report(SchemaChange(runId, previous, commit));
            lastSchema[commit.Table] = commit.Schema;
            var bytes = commit.Files.Sum(f => f.Bytes);
            results[commit.Table] = results[commit.Table].Add(new GatewayTableResult(commit.RowCount, 1, bytes, null));
            RunLog.ChangesStaged(logger, commit.Table, commit.Sequence, commit.RowCount, commit.ToPosition);
            progress?.Report(new ChangesStaged(runId, time.GetUtcNow(), commit.Table, commit.Sequence, commit.RowCount, bytes, commit.ToPosition));
            return Task.CompletedTask;
        }

        string? reached;
        Dictionary<TableId, string?> cutOff;
        await using (var sink = new StagingChangeSink(staging, tracked, settings.MaxBatchRows, source.ComparePositions, OnCommitted))
        {
            try
            {
                reached = await source.CaptureChangesAsync(capturing.Select(t => new CaptureTable(t, ResumeAfter(tracked[t.Table].State))).ToList(), sink, cancellationToken);
                await sink.CompleteAsync(cancellationToken);
                cutOff = sink.CutOff;
                // Read after the capture, the catalog is at least as new as any schema the log carried.
                var current = await source.DiscoverAsync(capturing.Select(t => new TableSelection(t.Table.Schema, t.Table.Name, t.KeyColumns, [])).ToList(), cancellationToken);
                foreach (var table in current.Where(t => tracked.ContainsKey(t.Table)))
                    await StageSchemaChangeAsync(table, tracked[table.Table], OnCommitted, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var error = Fail(runId, capturing[0].Table, ex, progress, "gateway (change capture)");
                foreach (var table in capturing) results[table.Table] = results[table.Table] with { Error = $"gateway (change capture): {error}" };
                return;
            }
        }
        if (reached is null) return;

        // Never release changes a table that was not captured this round will need: an incomplete snapshot replays
        // from its start.
        var acknowledge = reached;
        // A table whose last transaction was cut off is read again from its abandoned batch's start.
        foreach (var (table, from) in cutOff)
        {
            var needed = from ?? checkpoints[table].State.SnapshotStartPosition;
            if (needed is not null && source.ComparePositions(needed, acknowledge) < 0)
            {
                acknowledge = needed;
                RunLog.AcknowledgeHeld(logger, needed, table);
            }
        }
        // A table failed for a retention gap has nothing left to hold for.
        foreach (var table in all.Where(t => !tracked.ContainsKey(t.Table) && checkpoints[t.Table].State.RetentionGap is null))
        {
            var state = checkpoints[table.Table].State;
            if ((state.Position ?? state.SnapshotStartPosition) is { } needed && source.ComparePositions(needed, acknowledge) < 0)
            {
                acknowledge = needed;
                RunLog.AcknowledgeHeld(logger, needed, table.Table);
            }
        }
        await source.AcknowledgeAsync(acknowledge, cancellationToken);
        RunLog.Acknowledged(logger, acknowledge);
        // Every table of this run was captured or held for; a table missing from this list later was not.
        if (source.ReleasesChanges)
        {
            var protectedTables = new ProtectedTables(states);
            await protectedTables.ReadAsync(cancellationToken);
            await protectedTables.WriteAsync(acknowledge, all.Select(t => t.Table), cancellationToken);
        }
    }

    /// <summary>
    /// A column added or dropped at the source reaches the log only with the table's next change. The catalog shows it
    /// at once, so an empty batch carrying the new schema lets the target evolve now rather than at the next change.
    /// </summary>
    private async Task StageSchemaChangeAsync(TableSchema discovered, TableCheckpoint checkpoint, Func<CommitRecord, Task> onCommitted, CancellationToken cancellationToken)
    {
        var state = checkpoint.State;
        if (state.SchemaFingerprint is null || state.SchemaFingerprint == discovered.Fingerprint) return;
        CommitRecord commit;
        await using (var writer = staging.StartBatch(discovered, state.LastSequence + 1, BatchKind.Changes, state.SnapshotGeneration))
            commit = await writer.CommitAsync(new BatchCommitInfo(state.Position, state.Position), cancellationToken);
        await checkpoint.RecordCommitAsync(commit, cancellationToken);
        await onCommitted(commit);
    }

    private SchemaChanged SchemaChange(string runId, TableSchema previous, CommitRecord commit)
    {
        var now = commit.Schema;
        var added = now.Columns.Where(c => previous.Find(c.Name) is null).Select(c => c.Name).ToList();
        var dropped = previous.Columns.Where(c => now.Find(c.Name) is null).Select(c => c.Name).ToList();
        var changed = now.Columns.Where(c => previous.Find(c.Name) is { } old && old != c).Select(c => c.Name).ToList();
        return new SchemaChanged(runId, time.GetUtcNow(), commit.Table, commit.Sequence, added, dropped, changed);
    }

    /// <summary>Logs and reports a table's failure; returns the message for its result.</summary>
    private string Fail(string runId, TableId table, Exception ex, IProgress<RunEvent>? progress, string step = "gateway")
    {
        RunLog.TableFailed(logger, ex, step, table, ex.Message);
        progress?.Report(new TableFailed(runId, time.GetUtcNow(), table, step, ex.Message));
        return ex.Message;
    }

    private string Fail(string runId, TableId table, string reason, IProgress<RunEvent>? progress)
    {
        RunLog.TableFailed(logger, null, "gateway", table, reason);
        progress?.Report(new TableFailed(runId, time.GetUtcNow(), table, "gateway", reason));
        return $"gateway: {reason}";
    }
}

public sealed record GatewayTableResult(long RowsStaged, long BatchesStaged, long BytesStaged, string? Error)
{
    public static GatewayTableResult Empty { get; } = new(0, 0, 0, null);

    public GatewayTableResult Add(GatewayTableResult other) =>
        new(RowsStaged + other.RowsStaged, BatchesStaged + other.BatchesStaged, BytesStaged + other.BytesStaged, Error ?? other.Error);
}
