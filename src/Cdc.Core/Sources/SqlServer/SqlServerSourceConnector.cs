using System.Collections.Concurrent;
using System.Data;
using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.SqlServer;
using Cdc.Core.Sources.SqlServer.Cdc;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// SQL Server source: change tracking for tables with a primary key, CDC for the rest (or as the pipeline asks),
/// keyset-paginated snapshots under SNAPSHOT isolation. Positions are per table (<see cref="SqlServerPositions"/>) and
/// changes expire by retention, so acknowledging releases nothing; a lost position shows as a retention gap.
/// </summary>
public sealed class SqlServerSourceConnector : ISourceConnector
{
    private readonly SqlConnectionFactory _connections;
    private readonly SqlServerSourceOptions _options;
    private readonly ILogger _logger;
    private readonly SqlServerTableDiscovery _discovery;
    private readonly SqlServerSnapshotReader _snapshots;
    private readonly ChangeTrackingCapture _changeTracking;
    private readonly CdcReader _cdc;
    private readonly ConcurrentDictionary<TableId, DiscoveredTable> _tables = new();
    private readonly ConcurrentDictionary<TableId, CdcTableInfo> _cdcTables = new();
    private readonly ConcurrentDictionary<TableId, HashSet<string>> _absent = new();

    /// <param name="connections">The source's reads; <c>readOnlyIntent: true</c> lets them go to a readable secondary.</param>
    /// <param name="captureInstanceConnections">Creating and dropping capture instances
    /// (<see cref="SqlServerSourceOptions.ManageCaptureInstances"/>) only: the same database without read-only intent, so
    /// those calls reach the primary (see <see cref="CaptureInstanceConnections"/>). Needed with that option unless
    /// <paramref name="connections"/> has no read-only intent itself.</param>
    public SqlServerSourceConnector(SqlConnectionFactory connections, SqlServerSourceOptions options, ILogger logger, SqlConnectionFactory? captureInstanceConnections = null)
        : this(connections, options, logger, TimeProvider.System, captureInstanceConnections)
    {
    }

    internal SqlServerSourceConnector(
        SqlConnectionFactory connections, SqlServerSourceOptions options, ILogger logger, TimeProvider time, SqlConnectionFactory? captureInstanceConnections = null)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        captureInstanceConnections ??= connections;
        if (options.ManageCaptureInstances && IsReadOnlyIntent(captureInstanceConnections))
            throw new ArgumentException(
                "manage_capture_instances creates and drops capture instances, which a readable secondary refuses, but the connection factory given for it asks for "
                + "read-only intent; pass one without it (SqlServerSourceConnector.CaptureInstanceConnections).", nameof(captureInstanceConnections));
        _connections = connections;
        _options = options;
        _logger = logger;
        var sessions = new SqlSourceSessions(connections);
        _discovery = new SqlServerTableDiscovery(connections, logger);
        _snapshots = new SqlServerSnapshotReader(sessions, time, logger);
        _changeTracking = new ChangeTrackingCapture(sessions, logger);
        _cdc = new CdcReader(connections, captureInstanceConnections, options.ManageCaptureInstances, time, logger);
    }

    /// <summary>
    /// The connections that create and drop capture instances for a source read through <paramref name="connectionString"/>:
    /// the same string, authentication and managed identity, with read-write intent even when the string asks for
    /// read-only, so that an availability group or read scale-out routes them to the primary.
    /// </summary>
    public static SqlConnectionFactory CaptureInstanceConnections(string connectionString, SqlServerAuthentication authentication, string? managedIdentityClientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        string readWrite;
        try
        {
            readWrite = new SqlConnectionStringBuilder(connectionString) { ApplicationIntent = ApplicationIntent.ReadWrite }.ConnectionString;
        }
        catch (ArgumentException)
        {
            readWrite = connectionString; // the factory reports what is wrong with it
        }
        return new SqlConnectionFactory(readWrite, authentication, readOnlyIntent: false, managedIdentityClientId);
    }

    /// <summary>What creates and drops capture instances (tests observe which connections it uses).</summary>
    internal CdcReader ChangeData => _cdc;

    /// <summary>Positions are per table and changes expire by retention; nothing is released by acknowledging.</summary>
    public bool ReleasesChanges => false;

    /// <remarks>Columns are read from the catalog every time, so a column added or dropped shows in the schema returned
    /// (the gateway stages the new schema). A CDC table's schema is the column set of the capture instance in use, so
    /// snapshot rows and changes carry the same columns.</remarks>
    public async Task<IReadOnlyList<TableSchema>> DiscoverAsync(IReadOnlyList<TableSelection> selection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var (database, discovered) = await _discovery.DiscoverAsync(selection, _options.CaptureMode, _tables, cancellationToken);
        var cdcTables = discovered.Where(t => t.Mode == CaptureMode.Cdc).Select(t => t.Table).ToList();
        var infos = cdcTables.Count == 0
            ? new Dictionary<TableId, CdcTableInfo>()
            : await _cdc.DescribeAsync(cdcTables, cancellationToken);
        var schemas = new List<TableSchema>(discovered.Count);
        foreach (var table in discovered)
        {
            var schema = table.Schema;
            if (table.Mode == CaptureMode.Cdc)
            {
                var info = infos.GetValueOrDefault(table.Table)
                    ?? throw new SourceException($"Table {table.Table} is marked as tracked by CDC, but no capture instance of it was found; " +
                        $"enable it again with {SqlServerEnableStatements.CdcTable(table.Table)}");
                _cdcTables[table.Table] = info;
                schema = _cdc.SchemaFor(schema, info);
            }
            _tables[table.Table] = table with { Schema = schema };
            var present = table.Schema.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            _absent[table.Table] = schema.Columns.Select(c => c.Name).Where(c => !present.Contains(c)).ToHashSet(StringComparer.Ordinal);
            schemas.Add(schema);
        }
        SqlServerSourceLog.Discovered(_logger, schemas.Count, database.Name, discovered.Count - cdcTables.Count, cdcTables.Count);
        return schemas;
    }

    /// <summary>Nothing to create (change tracking and CDC are enabled by the database's owner); checks that each
    /// table's changes after its saved position are still held.</summary>
    public async Task<IReadOnlyDictionary<TableId, string>> PrepareAsync(IReadOnlyList<CaptureTable> tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var gaps = new Dictionary<TableId, string>();
        var saved = tables.Where(t => t.After is not null).ToList();
        var changeTracking = new List<CaptureTable>();
        foreach (var table in saved)
        {
            var mode = (await KnownAsync(table.Schema, cancellationToken)).Mode;
            if (mode == CaptureMode.ChangeTracking)
            {
                changeTracking.Add(table);
                continue;
            }
            if (!SqlServerPositions.IsLsn(table.After!))
            {
                gaps[table.Schema.Table] = $"the saved position of {table.Schema.Table} ({table.After}) is not a CDC position: the table was captured with change tracking before and is captured with CDC now, so its changes must be read again from a new snapshot";
                continue;
            }
            var info = await CdcInfoAsync(table.Schema.Table, cancellationToken);
            if (await _cdc.RetentionGapAsync(table.Schema.Table, info, table.After!, cancellationToken) is { } reason) gaps[table.Schema.Table] = reason;
        }
        if (changeTracking.Count > 0)
        {
            var minimums = await _changeTracking.MinValidVersionsAsync(changeTracking.Select(t => t.Schema.Table).ToList(), cancellationToken);
            foreach (var table in changeTracking)
                if (ChangeTrackingRetention.GapReason(table.Schema.Table, table.After!, minimums[table.Schema.Table], _connections.Database) is { } reason)
                    gaps[table.Schema.Table] = reason;
        }
        return gaps;
    }

    public Task<long?> EstimateRowCountAsync(TableSchema table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        return EstimateAsync(table.Table, cancellationToken);
    }

    /// <remarks>
    /// The start position is read before any chunk: change tracking's current version, or CDC's maximum LSN. Chunks are
    /// read later, each in its own SNAPSHOT transaction, and may already contain changes made after the start. That is
    /// harmless: every change after the start is captured and applied over the snapshot, and the target applies full
    /// row images per key idempotently (an insert of a row that exists overwrites it, a delete of a missing row does
    /// nothing), so replaying a change a chunk already saw converges to the same row. What must never happen, a change
    /// before the start missing from the chunks, cannot: it was committed before the start was read, and each chunk
    /// first checks that its replica (read-only intent may route every connection elsewhere) has come at least as far
    /// as the start, refusing to read on one that has not.
    /// </remarks>
    public async Task<string> BeginSnapshotAsync(TableSchema table, string? resumeFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var known = await KnownAsync(table, cancellationToken);
        SnapshotStart start;
        if (known.Mode == CaptureMode.ChangeTracking)
        {
            start = new SnapshotStart(SqlServerPositions.FromVersion(await _changeTracking.CurrentVersionAsync(cancellationToken)), null);
        }
        else
        {
            var info = await CdcInfoAsync(table.Table, cancellationToken);
            start = new SnapshotStart(await _cdc.SnapshotPositionAsync(info, cancellationToken), info.InUse.Name);
        }
        // Every chunk read from now on must come from a replica at least as far as the snapshot's start: for a resumed
        // snapshot the start its first chunk recorded (the gateway hands it back), else the position read now.
        if (resumeFrom is not null) start = start with { Position = resumeFrom };
        _snapshots.Started(table.Table, start);
        var position = start.Position;
        if (resumeFrom is null) SqlServerSourceLog.SnapshotStarted(_logger, table.Table, known.Mode == CaptureMode.ChangeTracking ? "change tracking" : "CDC", position);
        return position;
    }

    /// <remarks>A CDC table's schema may keep a column dropped from the table (its capture instance still has it); the
    /// chunk reads it as NULL, as CDC records it from the drop on.</remarks>
    public IAsyncEnumerable<object?[]> ReadSnapshotChunkAsync(TableSchema table, object?[]? afterKey, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        return _snapshots.ReadChunkAsync(table, afterKey, maxRows, _absent.GetValueOrDefault(table.Table), cancellationToken);
    }

    /// <summary>Each chunk is its own transaction; nothing is held between chunks.</summary>
    public Task EndSnapshotAsync(TableSchema table, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Change tracking tables first (one snapshot transaction), then CDC tables through the CDC reader.
    /// Returns the highest position read.</summary>
    public async Task<string?> CaptureChangesAsync(IReadOnlyList<CaptureTable> tables, IChangeSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(sink);
        var changeTracking = new List<(TableSchema Schema, long After)>();
        var cdc = new List<(TableSchema Schema, CdcTableInfo Info, string After)>();
        foreach (var table in tables)
        {
            var after = table.After ?? throw new ArgumentException($"Table {table.Schema.Table} has no position to capture changes after; snapshot it first.", nameof(tables));
            var known = await KnownAsync(table.Schema, cancellationToken);
            if (known.Mode == CaptureMode.ChangeTracking)
            {
                if (!SqlServerPositions.IsChangeTracking(after))
                    throw new SourceException($"Table {table.Schema.Table} is captured with change tracking, but its saved position {after} is not a change tracking position; it must be snapshotted again.");
                changeTracking.Add((table.Schema, SqlServerPositions.ToVersion(after)));
            }
            else
            {
                if (!SqlServerPositions.IsLsn(after))
                    throw new SourceException($"Table {table.Schema.Table} is captured with CDC, but its saved position {after} is not a CDC position; it must be snapshotted again.");
                cdc.Add((table.Schema, await CdcInfoAsync(table.Schema.Table, cancellationToken), after));
            }
        }

        string? reached = null;
        if (await _changeTracking.CaptureAsync(changeTracking, sink, cancellationToken) is { } version) reached = SqlServerPositions.FromVersion(version);
        if (cdc.Count > 0 && await _cdc.CaptureAsync(cdc, sink, cancellationToken) is { } lsn && (reached is null || ComparePositions(lsn, reached) > 0)) reached = lsn;
        return reached;
    }

    /// <summary>SQL Server keeps changes for a retention period, whatever anyone has read; nothing to release.</summary>
    public Task AcknowledgeAsync(string position, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Positions are kept per table by the gateway; the source has no position of its own.</summary>
    public Task<string?> GetResumePositionAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public int ComparePositions(string left, string right) => SqlServerPositions.Compare(left, right);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>How a table is captured, discovering it when this source has not (a table handed over directly).</summary>
    private async Task<DiscoveredTable> KnownAsync(TableSchema table, CancellationToken cancellationToken)
    {
        if (_tables.TryGetValue(table.Table, out var known)) return known;
        await DiscoverAsync([new TableSelection(table.Table.Schema, table.Table.Name, table.KeyColumns, [])], cancellationToken);
        return _tables.TryGetValue(table.Table, out known) ? known : throw new SourceException($"Table {table.Table} was not found in the source database.");
    }

    private async Task<CdcTableInfo> CdcInfoAsync(TableId table, CancellationToken cancellationToken)
    {
        if (_cdcTables.TryGetValue(table, out var info)) return info;
        var described = await _cdc.DescribeAsync([table], cancellationToken);
        return _cdcTables[table] = described.GetValueOrDefault(table)
            ?? throw new SourceException($"Table {table} is captured with CDC, but no capture instance of it was found.");
    }

    private static bool IsReadOnlyIntent(SqlConnectionFactory connections) =>
        new SqlConnectionStringBuilder(connections.ConnectionString).ApplicationIntent == ApplicationIntent.ReadOnly;

    /// <summary>SYSDATETIMEOFFSET(): CDC's commit times (cdc.lsn_time_mapping) and change tracking's read times come
    /// from the same server clock.</summary>
    public Task<DateTimeOffset> CurrentTimeAsync(CancellationToken cancellationToken) =>
        _connections.Retry.ExecuteAsync(async ct =>
        {
            await using var connection = await _connections.OpenAsync(ct);
            await using var command = new SqlCommand(SqlServerCatalog.CurrentTimeSql, connection);
            return await command.ExecuteScalarAsync(ct) is DateTimeOffset now
                ? now
                : throw new SourceException($"The SQL Server source did not return its clock ({SqlServerCatalog.CurrentTimeSql}).");
        }, cancellationToken).AsTask();

    private async Task<long?> EstimateAsync(TableId table, CancellationToken cancellationToken)
    {
        try
        {
            return await _connections.Retry.ExecuteAsync(async ct =>
            {
                await using var connection = await _connections.OpenAsync(ct);
                await using var command = new SqlCommand(SqlServerCatalog.RowEstimateSql, connection);
                command.Parameters.Add(new SqlParameter("@table", SqlDbType.NVarChar, 4000) { Value = SqlName.Qualified(table) });
                return await command.ExecuteScalarAsync(ct) is long rows ? rows : (long?)null;
            }, cancellationToken);
        }
        catch (SqlException ex)
        {
            SqlServerSourceLog.RowEstimateUnavailable(_logger, ex, table);
            return null;
        }
    }
}
