using System.Collections.Concurrent;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Cdc.Core.Staging;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// Applies staged batches to a SQL Server or Azure SQL database. Snapshots are bulk-loaded with SqlBulkCopy into a
/// new table that is swapped in atomically; change batches are reduced in memory, bulk-copied into a temporary table
/// and applied set-wise (SCD 1 upserts and deletes, optionally soft; or SCD 2 versions). Each call uses one
/// connection and one transaction, which also records the applied batch in <c>[_ingest].[applied_batches]</c>: data
/// and state commit or roll back together, and batches at or below the recorded sequence are skipped as already
/// applied. Appliers of the same target table (a scheduled run beside an ingest triggered by a new batch) are
/// serialised by an application lock held by that transaction.
/// </summary>
public sealed class SqlServerTargetWriter : ITargetWriter
{
    private readonly SqlConnectionFactory _connections;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Task> _setup = new(StringComparer.Ordinal);

    /// <param name="connections">A read-write factory (<c>readOnlyIntent: false</c>).</param>
    public SqlServerTargetWriter(SqlConnectionFactory connections, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connections);
        if (new SqlConnectionStringBuilder(connections.ConnectionString).ApplicationIntent == ApplicationIntent.ReadOnly)
            throw new ArgumentException("The SQL Server target writes, but its connection factory asks for read-only application intent; create it with readOnlyIntent: false.", nameof(connections));
        _connections = connections;
        _logger = logger ?? NullLogger.Instance;
    }

    public async Task<AppliedState?> GetAppliedStateAsync(IngestFlow flow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        await EnsureStateTableAsync(cancellationToken);
        return await _connections.Retry.ExecuteAsync(async ct =>
        {
            await using var connection = await _connections.OpenAsync(ct);
            return await SqlAppliedState.ReadAsync(connection, null, flow, ct);
        }, cancellationToken);
    }

    public async Task<ApplyResult> LoadSnapshotAsync(IngestFlow flow, IAsyncEnumerable<CommitRecord> chunks, Func<CommitRecord, IAsyncEnumerable<ChangeRow>> readRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(readRows);
        await EnsureStateTableAsync(cancellationToken);
        await EnsureSchemaAsync(flow.TargetSchema, cancellationToken);
        return await new SqlSnapshotLoad(_connections, _logger).RunAsync(flow, chunks, readRows, cancellationToken);
    }

    public async Task<ApplyResult> ApplyChangesAsync(IngestFlow flow, CommitRecord batch, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        await EnsureStateTableAsync(cancellationToken);
        await EnsureSchemaAsync(flow.TargetSchema, cancellationToken);
        return await new SqlChangeApply(_connections, _logger).RunAsync(flow, batch, rows, cancellationToken);
    }

    /// <summary>Nothing to release: connections return to SqlClient's pool after each call.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task EnsureStateTableAsync(CancellationToken cancellationToken) =>
        OnceAsync("state", () => SqlAppliedState.EnsureTableAsync(_connections, cancellationToken));

    private Task EnsureSchemaAsync(string schema, CancellationToken cancellationToken)
    {
        SqlTargetNames.Require(schema, "target schema");
        return OnceAsync("schema:" + schema, () => SqlAppliedState.RunSetupAsync(_connections, [SqlTargetSql.CreateSchema(schema)], cancellationToken));
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
