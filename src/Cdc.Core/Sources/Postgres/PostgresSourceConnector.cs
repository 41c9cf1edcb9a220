using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// PostgreSQL source over logical replication: a publication of the selected tables, a pgoutput replication slot,
/// keyset-paginated snapshots, and bounded passes over the slot for changes. Positions are WAL locations (LSNs).
/// </summary>
public sealed class PostgresSourceConnector : ISourceConnector
{
    /// <summary>Session settings of the replication connection that fix the text form of the values pgoutput sends:
    /// ISO dates, UTC offsets, hex bytea, and floats with every digit that tells them apart.</summary>
    private const string ReplicationSessionOptions = "-c DateStyle=ISO -c TimeZone=UTC -c bytea_output=hex -c extra_float_digits=3";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _slot;
    private readonly ILogger _logger;
    private readonly PgTableDiscovery _discovery;
    private readonly PgReplicationSetup _setup;
    private readonly PgSnapshotReader _reader;
    private readonly PgChangeCapture _capture;
    private readonly ConcurrentDictionary<TableId, PgTableInfo> _tables = new();
    private readonly ConcurrentDictionary<TableId, byte> _readingExport = new();
    private readonly SemaphoreSlim _exportGate = new(1, 1);
    private PgExportedSnapshot? _export;
    private bool _disposed;

    public PostgresSourceConnector(string connectionString, string slotName, string publicationName, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentNullException.ThrowIfNull(slotName);
        ArgumentNullException.ThrowIfNull(publicationName);
        ArgumentNullException.ThrowIfNull(logger);
        PgReplicationSetup.ValidateNames(slotName, publicationName);
        _slot = slotName;
        _logger = logger;
        _dataSource = NpgsqlDataSource.Create(connectionString);
        var replication = ReplicationConnectionString(connectionString);
        var types = new PgTypeCatalog(_dataSource);
        _discovery = new PgTableDiscovery(_dataSource, types, logger);
        _setup = new PgReplicationSetup(_dataSource, replication, slotName, publicationName, logger);
        _reader = new PgSnapshotReader(_dataSource);
        _capture = new PgChangeCapture(_dataSource, replication, slotName, publicationName, new PgRelationSchemas(_dataSource, types), _reader, logger);
    }

    public async Task<IReadOnlyList<TableSchema>> DiscoverAsync(IReadOnlyList<TableSelection> selection, CancellationToken cancellationToken)
    {
        var tables = await _discovery.DiscoverAsync(selection, cancellationToken);
        foreach (var table in tables) _tables[table.Table] = table;
        PostgresSourceLog.Discovered(_logger, tables.Count);
        return tables.Select(t => t.Schema).ToList();
    }

    /// <summary>Acknowledging advances the slot, which releases changes for every table at once.</summary>
    public bool ReleasesChanges => true;

    public async Task<IReadOnlyDictionary<TableId, string>> PrepareAsync(IReadOnlyList<CaptureTable> tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var schemas = tables.Select(t => t.Schema).ToList();
        await _setup.CheckPrerequisitesAsync(cancellationToken);
        // The publication must exist before the slot: pgoutput looks it up as of each change it decodes.
        await _setup.EnsurePublicationAsync(schemas, cancellationToken);
        await _exportGate.WaitAsync(cancellationToken);
        try
        {
            var created = await _setup.EnsureSlotAsync(schemas.Select(t => t.Table), cancellationToken);
            if (created is not null)
            {
                if (_export is not null) await _export.DisposeAsync();
                _export = created;
            }
            // A slot created anew starts at the present: what tables captured before it missed is gone.
            return created is null
                ? new Dictionary<TableId, string>()
                : tables.Where(t => t.After is not null).ToDictionary(t => t.Schema.Table, _ => $"the replication slot {_slot} was missing and was created anew, so changes since the last run are gone");
        }
        finally
        {
            _exportGate.Release();
        }
    }

    /// <remarks>
    /// When this connector created the slot, the snapshot it exported shows the data exactly at the slot's consistent
    /// point, and changes are applied from there. Otherwise (a snapshot resumed after a crash, a table added later, a
    /// full refresh) chunks are read with ordinary statements, each seeing the data as of when it runs, and changes are
    /// applied from the slot's confirmed position. That is safe: every transaction committed before the confirmed
    /// position is visible to every chunk, since chunks are read later; every transaction after it is captured; and
    /// replaying a change a chunk already saw is harmless, because the target applies full row images per key
    /// idempotently (an insert of a row that exists overwrites it, a delete of a missing row does nothing).
    /// </remarks>
    public async Task<string> BeginSnapshotAsync(TableSchema table, string? resumeFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        await _exportGate.WaitAsync(cancellationToken);
        try
        {
            if (_export is not null)
            {
                _export.Hold(table.Table);
                _readingExport[table.Table] = 0;
                var consistent = PgLsn.Format(_export.ConsistentPoint);
                PostgresSourceLog.SnapshotFromExport(_logger, table.Table, consistent);
                return consistent;
            }
        }
        finally
        {
            _exportGate.Release();
        }

        _readingExport.TryRemove(table.Table, out _);
        var confirmed = await PgSlotActivity.ReadConfirmedAsync(_dataSource, _slot, cancellationToken)
            ?? throw new SourceException($"Replication slot {_slot} does not exist (or has no confirmed position); preparing the source creates it.");
        var position = PgLsn.Format(confirmed);
        PostgresSourceLog.SnapshotFromConfirmed(_logger, table.Table, position);
        return position;
    }

    public async IAsyncEnumerable<object?[]> ReadSnapshotChunkAsync(
        TableSchema table, object?[]? afterKey, int maxRows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var info = await InfoAsync(table, cancellationToken);
        string? snapshot = null;
        if (_readingExport.ContainsKey(table.Table))
            snapshot = _export?.Name ?? throw new SourceException(
                $"The exported snapshot that {table.Table}'s snapshot started from was released before the snapshot ended; the table's snapshot must start again.");
        await foreach (var row in _reader.ReadChunkAsync(PgSnapshotQuery.For(info), afterKey, maxRows, snapshot, cancellationToken))
            yield return row;
    }

    public async Task EndSnapshotAsync(TableSchema table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        _readingExport.TryRemove(table.Table, out _);
        await _exportGate.WaitAsync(cancellationToken);
        try
        {
            if (_export is not null && _export.Release(table.Table)) await ReleaseExportAsync();
        }
        finally
        {
            _exportGate.Release();
        }
    }

    /// <summary>The server's clock_timestamp(): pgoutput's commit times come from the same clock.</summary>
    public async Task<DateTimeOffset> CurrentTimeAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT clock_timestamp()");
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime utc
            ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc))
            : throw new SourceException("The PostgreSQL source did not return its clock (SELECT clock_timestamp()).");
    }

    public Task<long?> EstimateRowCountAsync(TableSchema table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        return PgRowEstimate.ReadAsync(_dataSource, table.Table, cancellationToken);
    }

    /// <summary>Reads from the slot's confirmed position; the gateway's sink skips what each table already staged.</summary>
    public Task<string?> CaptureChangesAsync(IReadOnlyList<CaptureTable> tables, IChangeSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return CaptureChangesAsync(tables.Select(t => t.Schema).ToList(), null, sink, cancellationToken);
    }

    /// <summary>Reads changes from <paramref name="fromPosition"/> (the slot's confirmed position when null or older).</summary>
    public async Task<string?> CaptureChangesAsync(IReadOnlyList<TableSchema> tables, string? fromPosition, IChangeSink sink, CancellationToken cancellationToken)
    {
        // Capture comes after the snapshots; the exported snapshot's connection must not outlive them.
        await _exportGate.WaitAsync(cancellationToken);
        try
        {
            if (_export is not null) await ReleaseExportAsync();
        }
        finally
        {
            _exportGate.Release();
        }
        return await _capture.CaptureAsync(tables, fromPosition, sink, cancellationToken);
    }

    public Task AcknowledgeAsync(string position, CancellationToken cancellationToken) =>
        PgSlotActivity.AdvanceAsync(_dataSource, _slot, PgLsn.Parse(position), _capture.SlotBusyLimit, _logger, cancellationToken);

    public async Task<string?> GetResumePositionAsync(CancellationToken cancellationToken) =>
        await PgSlotActivity.ReadConfirmedAsync(_dataSource, _slot, cancellationToken) is { } confirmed ? PgLsn.Format(confirmed) : null;

    public int ComparePositions(string left, string right) => PgLsn.Compare(left, right);

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _exportGate.WaitAsync();
        try
        {
            if (_export is not null) await ReleaseExportAsync();
        }
        finally
        {
            _exportGate.Release();
        }
        await _dataSource.DisposeAsync();
        _exportGate.Dispose();
    }

    private async Task ReleaseExportAsync()
    {
        var export = _export!;
        _export = null;
        await export.DisposeAsync();
        PostgresSourceLog.SnapshotReleased(_logger, _slot);
    }

    private async Task<PgTableInfo> InfoAsync(TableSchema table, CancellationToken cancellationToken)
    {
        if (_tables.TryGetValue(table.Table, out var known) && known.Schema.Fingerprint == table.Fingerprint)
            return known;
        var described = await _discovery.DescribeAsync(table, cancellationToken);
        _tables[table.Table] = described;
        return described;
    }

    private static string ReplicationConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? ReplicationSessionOptions : builder.Options + " " + ReplicationSessionOptions;
        return builder.ConnectionString;
    }
}
