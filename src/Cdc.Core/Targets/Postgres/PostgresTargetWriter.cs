using System.Collections.Concurrent;
using Cdc.Core.Model;
using Cdc.Core.Staging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// Applies staged batches to a PostgreSQL database. Snapshots are bulk-loaded with binary COPY into a shadow table
/// that is swapped in atomically; change batches are reduced in memory, copied into a temporary table and applied
/// set-wise (SCD 1 upserts and deletes, optionally soft; or SCD 2 versions). Each call uses one pooled connection
/// and one transaction, which also records the applied batch in <c>_ingest.applied_batches</c>: data and state
/// commit or roll back together. Batches at or below the recorded sequence are skipped as already applied.
/// </summary>
public sealed class PostgresTargetWriter : ITargetWriter
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Task> _setup = new(StringComparer.Ordinal);

    public PostgresTargetWriter(string connectionString, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _logger = logger ?? NullLogger.Instance;
    }

    public async Task<AppliedState?> GetAppliedStateAsync(IngestFlow flow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        await EnsureStateTableAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await AppliedStateStore.ReadAsync(connection, flow, cancellationToken);
    }

    public async Task<ApplyResult> LoadSnapshotAsync(IngestFlow flow, IAsyncEnumerable<CommitRecord> chunks, Func<CommitRecord, IAsyncEnumerable<ChangeRow>> readRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(readRows);
        await EnsureStateTableAsync(cancellationToken);
        await EnsureSchemaAsync(flow.TargetSchema, cancellationToken);
        return await new SnapshotLoad(_dataSource, _logger).RunAsync(flow, chunks, readRows, cancellationToken);
    }

    public async Task<ApplyResult> ApplyChangesAsync(IngestFlow flow, CommitRecord batch, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        await EnsureStateTableAsync(cancellationToken);
        await EnsureSchemaAsync(flow.TargetSchema, cancellationToken);
        return await new ChangeApply(_dataSource, _logger).RunAsync(flow, batch, rows, cancellationToken);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private Task EnsureStateTableAsync(CancellationToken cancellationToken) =>
        OnceAsync("state", () => AppliedStateStore.EnsureTableAsync(_dataSource, cancellationToken));

    private Task EnsureSchemaAsync(string schema, CancellationToken cancellationToken)
    {
        PgNames.Require(schema, "target schema");
        return OnceAsync("schema:" + schema, () => AppliedStateStore.RunSetupAsync(_dataSource, PgTargetSql.CreateSchema(schema), cancellationToken));
    }

    /// <summary>Runs a setup step once per writer; a failed attempt is forgotten so the next call retries it.</summary>
    private async Task OnceAsync(string key, Func<Task> setup)
    {
        var task = _setup.GetOrAdd(key, _ => setup());
        try
        {
            await task;
        }
        catch
        {
            _setup.TryRemove(new KeyValuePair<string, Task>(key, task));
            throw;
        }
    }
}
