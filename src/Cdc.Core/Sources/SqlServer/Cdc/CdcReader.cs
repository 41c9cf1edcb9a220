using System.Data;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// Reads a SQL Server source through change data capture: describes the capture instances of tables, gives the schema
/// they are staged with, checks retention, and hands changes after each table's position to a sink, switching capture
/// instances at their start LSN and, when allowed, creating and dropping them as the tables' columns change.
/// </summary>
/// <param name="sessions">The source's reads (read-only intent allowed).</param>
internal sealed class CdcReader(ISourceSessions sessions, CdcInstanceManager instances, bool manageCaptureInstances, TimeProvider time, ILogger logger)
{
    /// <summary>SQL Server's error for a query range outside an instance's change data.</summary>
    private const int RangeOutsideTimeline = 313;

    /// <param name="captureInstanceConnections">For creating and dropping capture instances only: a connection to the
    /// primary (no read-only intent), which <paramref name="connections"/> may not reach.</param>
    public CdcReader(SqlConnectionFactory connections, SqlConnectionFactory captureInstanceConnections, bool manageCaptureInstances, TimeProvider time, ILogger logger)
        : this(new SqlSourceSessions(connections),
            new CdcInstanceManager(new SqlSourceSessions(connections), new SqlSourceSessions(captureInstanceConnections), logger),
            manageCaptureInstances, time, logger)
    {
    }

    /// <summary>What creates and drops capture instances.</summary>
    internal CdcInstanceManager Instances => instances;

    /// <summary>Per read of the change stream and per catalog query.</summary>
    internal int CommandTimeoutSeconds { get; init; } = 300;

    public async Task<IReadOnlyDictionary<TableId, CdcTableInfo>> DescribeAsync(IReadOnlyCollection<TableId> tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var all = await sessions.Retry.ExecuteAsync(async ct =>
        {
            await using var session = await sessions.OpenAsync(CommandTimeoutSeconds, ct);
            if ((await session.RowAsync(CdcCatalog.DatabaseEnabledSql, [], ct))?[0] is not 1) return null;
            await using var reader = await session.ReaderAsync(CdcCatalog.DescribeSql, [], CommandBehavior.Default, ct);
            return await CdcCatalog.ReadAsync(reader, ct);
        }, cancellationToken);
        if (all is null)
        {
            CdcLog.DatabaseNotEnabled(logger, sessions.Database);
            return new Dictionary<TableId, CdcTableInfo>();
        }

        var described = tables.Distinct().Where(all.ContainsKey).ToDictionary(t => t, t => all[t]);
        foreach (var info in described.Values) LogColumnCoverage(info);
        var instanceCount = described.Values.Sum(i => i.Instances.Count);
        CdcLog.Described(logger, instanceCount, described.Count, tables.Count);
        return described;
    }

    /// <summary>The schema <paramref name="discovered"/> is snapshotted and captured with; see <see cref="CdcSchema"/>.</summary>
    public TableSchema SchemaFor(TableSchema discovered, CdcTableInfo info) => CdcSchema.For(discovered, info);

    /// <summary>
    /// Where a snapshot of the table taken now starts: the current end, but never below the last LSN before its
    /// instance in use starts. Right after a table is enabled the end can still lie below that start; a change made
    /// after the snapshot reads its data is at or after the start anyway (the instance exists by then), so this saves
    /// reporting a retention gap, and snapshotting again, for changes that never existed in the instance. Each chunk
    /// computes the same from its own replica (<see cref="CdcReadChecks.SnapshotPosition"/>) to prove it is not behind.
    /// </summary>
    /// <exception cref="SourceException">CDC has captured nothing yet, or has not started the instance in use.</exception>
    public async Task<string> SnapshotPositionAsync(CdcTableInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        var instance = info.InUse;
        var row = await RowAsync(CdcStatements.PositionSql, [CdcStatements.InstanceParameter(instance.Name)], cancellationToken);
        var (end, min) = (CdcStatements.LsnOf(row[0]), CdcStatements.LsnOf(row[1]));
        if (end is not { IsZero: false })
            throw new SourceException(
                $"CDC has not captured anything yet in database {sessions.Database}: sys.fn_cdc_get_max_lsn() returns no LSN. "
                + "Make sure the CDC capture job runs (SQL Server Agent on SQL Server and Managed Instance; Azure SQL Database runs it itself), then run again.");
        if (min is not { IsZero: false })
            throw new SourceException(
                $"Capture instance {instance.Name} of {info.Table} has no change data yet (sys.fn_cdc_get_min_lsn returns 0): the CDC capture job has not "
                + "started it, or the login may not read it. Make sure the capture job runs, then run again.");
        return CdcReadChecks.SnapshotPosition(end, min)!.Value.ToString();
    }

    /// <summary>Why the changes of <paramref name="table"/> after <paramref name="after"/> can no longer be read, or
    /// null when they all still can.</summary>
    public async Task<string?> RetentionGapAsync(TableId table, CdcTableInfo info, string after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!SqlLsn.TryParse(after, out var afterLsn)) return NotAnLsn(table, after);
        var (from, states) = await FirstNeededAsync(table, info, afterLsn, cancellationToken);
        return CdcCapturePlanner.RetentionGap(states, from)?.Describe(table);
    }

    /// <summary>
    /// Hands every change of each table committed after its position and up to the current end (read once for all
    /// tables) to <paramref name="sink"/>, one table after another, each in commit order. Returns that end, or null
    /// when no table had anything to read. A table whose position lies beyond that end (a replica behind the one that
    /// served an earlier read, or CDC not yet past the start of a new capture instance) is left as it is.
    /// </summary>
    /// <exception cref="SourceException">A table's changes are no longer all available (a retention gap): never skipped.</exception>
    public async Task<string?> CaptureAsync(IReadOnlyList<(TableSchema Schema, CdcTableInfo Info, string After)> tables, IChangeSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(sink);
        if (tables.Count == 0) return null;
        var (end, now) = await ReadEndAsync(cancellationToken);
        if (end is not { IsZero: false } to)
        {
            CdcLog.NothingCapturedYet(logger, sessions.Database);
            return null;
        }
        CdcLog.CaptureStarted(logger, tables.Count, to);
        var taken = manageCaptureInstances ? await instances.TakenNamesAsync(cancellationToken) : [];

        var read = false;
        long transactions = 0, rows = 0;
        foreach (var (schema, info, after) in tables)
        {
            var table = schema.Table;
            if (!SqlLsn.TryParse(after, out var afterLsn)) throw new SourceException($"Cannot capture {table}: {NotAnLsn(table, after)}.");
            if (afterLsn > to)
            {
                // Advancing to the end would move the position back, and the next read would ask for changes it covers.
                CdcLog.PositionBeyondEnd(logger, table, afterLsn, to);
                continue;
            }
            var (from, states) = await FirstNeededAsync(table, info, afterLsn, cancellationToken);
            var current = info.SourceColumns.Where(c => !c.IsComputed).Select(c => c.Name).ToList();
            var plan = CdcCapturePlanner.Plan(table, states, from, to, manageCaptureInstances, current, taken);
            if (plan.Gap is { } gap) throw new SourceException($"Cannot capture {table}: {gap.Describe(table)}. The table has to be snapshotted again.");
            if (plan.Windows.Count == 2) CdcLog.InstanceSwitch(logger, table, plan.Windows[0].Instance.Name, plan.Windows[1].Instance.Name, plan.Windows[1].From);

            foreach (var window in plan.Windows)
            {
                var result = await ReadWindowAsync(schema, window, now, sink, cancellationToken);
                CdcLog.WindowRead(logger, table, window.Instance.Name, window.From, window.To, result.Transactions, result.Rows);
                transactions += result.Transactions;
                rows += result.Rows;
                read = true;
            }
            foreach (var action in plan.Actions) await instances.ApplyAsync(table, action, taken, cancellationToken);
            // Every change of the table up to the end is read: its position moves there even when it had none, so a
            // quiet table never falls behind the cleanup job's retention.
            await sink.AdvanceAsync(table, to.ToString(), cancellationToken);
        }
        CdcLog.CaptureFinished(logger, to, transactions, rows);
        return read ? to.ToString() : null;
    }

    /// <summary>
    /// Reads one window in one SNAPSHOT transaction on one connection. Its first statement reads the instance's low end
    /// and the end CDC has reached there; the changes are read after it in the same snapshot, so CDC cleanup running
    /// meanwhile removes nothing the read sees, and a window cleanup has already cut into is refused before any of it
    /// reaches the sink. A replica not yet at the window's end is tried again (<see cref="ReplicaLag"/>).
    /// </summary>
    /// <exception cref="SourceException">A retention gap, or a replica that stayed behind; nothing of the window was handed over.</exception>
    internal async Task<CdcReadResult> ReadWindowAsync(TableSchema schema, CdcWindow window, DateTimeOffset now, IChangeSink sink, CancellationToken cancellationToken)
    {
        var projection = CdcProjection.Create(schema, window.Instance);
        var (sql, layout) = CdcChangeQuery.Build(projection);
        var mapper = new CdcChangeMapper(projection, layout, now.Offset, now);
        OpenWindow open;
        try
        {
            // Retried only up to the first row: once rows reached the sink, a repeat would hand them over twice.
            open = await ReplicaLag.RetryAsync(
                ct => sessions.Retry.ExecuteAsync(c => new ValueTask<ReplicaRead<OpenWindow>>(OpenWindowAsync(schema.Table, window, sql, c)), ct).AsTask(),
                time, (reason, delay) => CdcLog.ReplicaBehind(logger, reason, delay), cancellationToken);
        }
        catch (SqlException ex) when (ex.Number == RangeOutsideTimeline)
        {
            throw new SourceException(
                $"Changes of {schema.Table} in [{window.From}, {window.To}] are no longer all held by capture instance {window.Instance.Name}: "
                + "CDC cleanup removed some of them. Nothing of them was handed over; the next run finds the retention gap and snapshots the table again "
                + "(or fails it, per on_retention_gap).", ex);
        }
        await using (open.Session)
        {
            CdcReadResult result;
            await using (open.Reader)
                result = await mapper.MapAsync(open.Reader, sink, cancellationToken);
            await open.Session.CommitAsync(cancellationToken);
            return result;
        }
    }

    private async Task<ReplicaRead<OpenWindow>> OpenWindowAsync(TableId table, CdcWindow window, string sql, CancellationToken cancellationToken)
    {
        var session = await sessions.OpenAsync(CommandTimeoutSeconds, cancellationToken);
        try
        {
            await session.BeginSnapshotAsync(cancellationToken);
            var row = await session.RowAsync(CdcStatements.PositionSql, [CdcStatements.InstanceParameter(window.Instance.Name)], cancellationToken)
                ?? throw new InvalidOperationException("The CDC position query returned no row.");
            var (end, min) = (CdcStatements.LsnOf(row[0]), CdcStatements.LsnOf(row[1]));
            // A gap is final: an instance's low end only rises, on every replica.
            if (CdcReadChecks.RetentionGap(table, window, min) is { } gap) throw new SourceException(gap + ".");
            if (CdcReadChecks.ReplicaBehind(table, window, end) is { } behind)
            {
                await session.DisposeAsync();
                return ReplicaRead<OpenWindow>.Lagging(behind);
            }
            var reader = await session.ReaderAsync(sql, CdcChangeQuery.Parameters(window), CommandBehavior.Default, cancellationToken);
            return ReplicaRead<OpenWindow>.Read(new OpenWindow(session, reader));
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private sealed record OpenWindow(ISourceSession Session, System.Data.Common.DbDataReader Reader);

    private async Task<(SqlLsn From, IReadOnlyList<CdcInstanceState> States)> FirstNeededAsync(
        TableId table, CdcTableInfo info, SqlLsn after, CancellationToken cancellationToken)
    {
        if (info.Instances.Count == 0)
            throw new SourceException($"{table} has no CDC capture instance. Enable it with: {CdcStatements.EnableTableHint(table)}");
        var row = await RowAsync(CdcStatements.FirstNeededSql(info.Instances.Count), CdcStatements.FirstNeededParameters(after, info.Instances), cancellationToken);
        var values = row.Select(CdcStatements.LsnOf).ToList();

        var from = values[0] ?? throw new SourceException($"sys.fn_cdc_increment_lsn returned NULL for {after} ({table}).");
        var states = new List<CdcInstanceState>(info.Instances.Count);
        for (var i = 0; i < info.Instances.Count; i++)
        {
            // Zero: not started yet, dropped since it was described (its changes went with it), or not readable.
            var state = new CdcInstanceState(info.Instances[i], values[i + 1] is { IsZero: false } min ? min : null);
            if (!state.IsReady) CdcLog.InstanceNotStarted(logger, table, state.Instance.Name);
            states.Add(state);
        }
        if (!states.Any(s => s.IsReady) && info.Instances.Any(i => i.IsReady))
        {
            var roles = string.Join(", ", info.Instances.Select(i => i.RoleName).OfType<string>().Distinct());
            throw new SourceException(
                $"No capture instance of {table} reports change data any more (sys.fn_cdc_get_min_lsn returns 0 for {string.Join(", ", info.Instances.Select(i => i.Name))}): "
                + "CDC was disabled for the table, or the login may not read its changes. Reading changes needs SELECT on every captured column of the table"
                + (roles.Length > 0 ? $" and membership in the gating role {roles}" : "") + ".");
        }
        return (from, states);
    }

    private async Task<(SqlLsn? End, DateTimeOffset Now)> ReadEndAsync(CancellationToken cancellationToken)
    {
        var row = await RowAsync(CdcStatements.EndSql, [], cancellationToken);
        return (CdcStatements.LsnOf(row[0]), (DateTimeOffset)row[1]!);
    }

    /// <summary>The one row <paramref name="sql"/> returns, on a connection of its own, retried when transient.</summary>
    private async Task<object?[]> RowAsync(string sql, IReadOnlyList<SqlParameter> parameters, CancellationToken cancellationToken) =>
        await sessions.Retry.ExecuteAsync(async ct =>
        {
            await using var session = await sessions.OpenAsync(CommandTimeoutSeconds, ct);
            return await session.RowAsync(sql, parameters, ct) ?? throw new InvalidOperationException($"\"{sql}\" returned no row.");
        }, cancellationToken);

    private void LogColumnCoverage(CdcTableInfo info)
    {
        var instance = info.InUse;
        var uncaptured = string.Join(", ", CdcSchema.Uncaptured(info));
        if (uncaptured.Length > 0 && !manageCaptureInstances) CdcLog.ColumnsNotCaptured(logger, info.Table, instance.Name, uncaptured);
        var computed = string.Join(", ", instance.Columns.Where(c => c.IsComputed).Select(c => c.Name));
        if (computed.Length > 0) CdcLog.ComputedColumnsSkipped(logger, info.Table, computed);
    }

    private static string NotAnLsn(TableId table, string position) =>
        $"the saved position {position} of {table} is not a CDC position (the table was captured another way before), so CDC cannot tell which changes it still needs";
}
