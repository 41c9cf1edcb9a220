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
internal sealed class CdcReader(SqlConnectionFactory connections, bool manageCaptureInstances, ILogger logger)
{
    /// <summary>SQL Server's error for a query range outside an instance's change data.</summary>
    private const int RangeOutsideTimeline = 313;

    private readonly CdcInstanceManager _instances = new(connections, logger);

    /// <summary>Per read of the change stream and per catalog query.</summary>
    internal int CommandTimeoutSeconds { get; init; } = 300;

    public async Task<IReadOnlyDictionary<TableId, CdcTableInfo>> DescribeAsync(IReadOnlyCollection<TableId> tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var all = await connections.Retry.ExecuteAsync(async ct =>
        {
            await using var connection = await connections.OpenAsync(ct);
            await using (var check = Command(connection, CdcCatalog.DatabaseEnabledSql))
                if (await check.ExecuteScalarAsync(ct) is not 1) return null;
            await using var command = Command(connection, CdcCatalog.DescribeSql);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await CdcCatalog.ReadAsync(reader, ct);
        }, cancellationToken);
        if (all is null)
        {
            CdcLog.DatabaseNotEnabled(logger, connections.Database);
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

    /// <summary>The end of what CDC has captured in the database, as a position: where a snapshot taken now starts.</summary>
    public async Task<string> MaxPositionAsync(CancellationToken cancellationToken)
    {
        var (end, _) = await ReadEndAsync(cancellationToken);
        return end is { IsZero: false } lsn
            ? lsn.ToString()
            : throw new SourceException(
                $"CDC has not captured anything yet in database {connections.Database}: sys.fn_cdc_get_max_lsn() returns no LSN. "
                + "Make sure the CDC capture job runs (SQL Server Agent on SQL Server and Managed Instance; Azure SQL Database runs it itself), then run again.");
    }

    /// <summary>
    /// Where a snapshot of the table taken now starts: the current end, but never below the last LSN before its
    /// instance in use starts. Right after a table is enabled the end can still lie below that start; a change made
    /// after the snapshot reads its data is at or after the start anyway (the instance exists by then), so this saves
    /// reporting a retention gap, and snapshotting again, for changes that never existed in the instance.
    /// </summary>
    /// <exception cref="SourceException">CDC has captured nothing yet, or has not started the instance in use.</exception>
    public async Task<string> SnapshotPositionAsync(CdcTableInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        var end = SqlLsn.Parse(await MaxPositionAsync(cancellationToken));
        var instance = info.InUse;
        var min = await ScalarLsnAsync(CdcStatements.MinLsnSql, [CdcStatements.InstanceParameter(instance.Name)], cancellationToken);
        if (min is not { IsZero: false } start)
            throw new SourceException(
                $"Capture instance {instance.Name} of {info.Table} has no change data yet (sys.fn_cdc_get_min_lsn returns 0): the CDC capture job has not "
                + "started it, or the login may not read it. Make sure the capture job runs, then run again.");
        return SqlLsn.Max(end, start.Decrement()).ToString();
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
    /// when no table had anything to read.
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
            CdcLog.NothingCapturedYet(logger, connections.Database);
            return null;
        }
        CdcLog.CaptureStarted(logger, tables.Count, to);
        var taken = manageCaptureInstances ? await _instances.TakenNamesAsync(cancellationToken) : [];

        var read = false;
        long transactions = 0, rows = 0;
        foreach (var (schema, info, after) in tables)
        {
            var table = schema.Table;
            if (!SqlLsn.TryParse(after, out var afterLsn)) throw new SourceException($"Cannot capture {table}: {NotAnLsn(table, after)}.");
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
                await EnsureStillRetainedAsync(table, window, cancellationToken);
            }
            foreach (var action in plan.Actions) await _instances.ApplyAsync(table, action, taken, cancellationToken);
            // Every change of the table up to the end is read: its position moves there even when it had none, so a
            // quiet table never falls behind the cleanup job's retention.
            await sink.AdvanceAsync(table, to.ToString(), cancellationToken);
        }
        CdcLog.CaptureFinished(logger, to, transactions, rows);
        return read ? to.ToString() : null;
    }

    public static int ComparePositions(string left, string right) => SqlLsn.ComparePositions(left, right);

    private async Task<CdcReadResult> ReadWindowAsync(TableSchema schema, CdcWindow window, DateTimeOffset now, IChangeSink sink, CancellationToken cancellationToken)
    {
        var projection = CdcProjection.Create(schema, window.Instance);
        var (sql, layout) = CdcChangeQuery.Build(projection);
        var mapper = new CdcChangeMapper(projection, layout, now.Offset, now);
        try
        {
            // Retried only up to the first row: once rows reached the sink, a repeat would hand them over twice.
            var (connection, command, reader) = await connections.Retry.ExecuteAsync(async ct =>
            {
                var opened = await connections.OpenAsync(ct);
                var query = Command(opened, sql, CdcChangeQuery.Parameters(window));
                try
                {
                    return (opened, query, await query.ExecuteReaderAsync(ct));
                }
                catch
                {
                    await query.DisposeAsync();
                    await opened.DisposeAsync();
                    throw;
                }
            }, cancellationToken);
            await using (connection)
            await using (command)
            await using (reader)
                return await mapper.MapAsync(reader, sink, cancellationToken);
        }
        catch (SqlException ex) when (ex.Number == RangeOutsideTimeline)
        {
            throw new SourceException(
                $"Changes of {schema.Table} in [{window.From}, {window.To}] are no longer all held by capture instance {window.Instance.Name}: "
                + "CDC cleanup ran while they were being read. The next run reports the retention gap and the table is snapshotted again.", ex);
        }
    }

    /// <summary>Cleanup raises an instance's low end before it deletes below it, so a low end still at or below the
    /// window's start after the read proves no row of the window was deleted while it was read.</summary>
    private async Task EnsureStillRetainedAsync(TableId table, CdcWindow window, CancellationToken cancellationToken)
    {
        var min = await ScalarLsnAsync(CdcStatements.MinLsnSql, [CdcStatements.InstanceParameter(window.Instance.Name)], cancellationToken);
        if (min is { IsZero: false } low && low <= window.From) return;
        throw new SourceException(
            $"Capture instance {window.Instance.Name} of {table} now keeps changes only from {min?.ToString() ?? "(nothing: the instance is gone)"} on, "
            + $"above {window.From} where this read started: CDC cleanup ran during the read, so changes may be missing from it. "
            + "The next run reports the retention gap and the table is snapshotted again.");
    }

    private async Task<(SqlLsn From, IReadOnlyList<CdcInstanceState> States)> FirstNeededAsync(
        TableId table, CdcTableInfo info, SqlLsn after, CancellationToken cancellationToken)
    {
        if (info.Instances.Count == 0)
            throw new SourceException($"{table} has no CDC capture instance. Enable it with: {CdcStatements.EnableTableHint(table)}");
        var values = await connections.Retry.ExecuteAsync(async ct =>
        {
            await using var connection = await connections.OpenAsync(ct);
            await using var command = Command(connection, CdcStatements.FirstNeededSql(info.Instances.Count), CdcStatements.FirstNeededParameters(after, info.Instances));
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("The CDC position query returned no row.");
            var lsns = new SqlLsn?[info.Instances.Count + 1];
            for (var i = 0; i < lsns.Length; i++)
                lsns[i] = reader.IsDBNull(i) ? null : SqlLsn.FromBytes(reader.GetFieldValue<byte[]>(i));
            return lsns;
        }, cancellationToken);

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

    private async Task<(SqlLsn? End, DateTimeOffset Now)> ReadEndAsync(CancellationToken cancellationToken) =>
        await connections.Retry.ExecuteAsync(async ct =>
        {
            await using var connection = await connections.OpenAsync(ct);
            await using var command = Command(connection, CdcStatements.EndSql);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("sys.fn_cdc_get_max_lsn() returned no row.");
            SqlLsn? end = reader.IsDBNull(0) ? null : SqlLsn.FromBytes(reader.GetFieldValue<byte[]>(0));
            return (end, reader.GetFieldValue<DateTimeOffset>(1));
        }, cancellationToken);

    private async Task<SqlLsn?> ScalarLsnAsync(string sql, IReadOnlyList<SqlParameter> parameters, CancellationToken cancellationToken) =>
        await connections.Retry.ExecuteAsync(async ct =>
        {
            await using var connection = await connections.OpenAsync(ct);
            await using var command = Command(connection, sql, parameters.Select(p => (SqlParameter)((ICloneable)p).Clone()).ToList());
            return await command.ExecuteScalarAsync(ct) is byte[] bytes ? SqlLsn.FromBytes(bytes) : (SqlLsn?)null;
        }, cancellationToken);

    private SqlCommand Command(SqlConnection connection, string sql, IReadOnlyList<SqlParameter>? parameters = null)
    {
        var command = new SqlCommand(sql, connection) { CommandTimeout = CommandTimeoutSeconds };
        if (parameters is not null) foreach (var parameter in parameters) command.Parameters.Add(parameter);
        return command;
    }

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
