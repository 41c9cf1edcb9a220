using Cdc.Core.Model;

namespace Cdc.Core.State;

/// <summary>Gateway checkpoints in the staging store. Writes are conditional: a stale ETag loses with
/// <see cref="Staging.StagingConflictException"/>, so two gateways cannot both advance the same table.</summary>
public interface IGatewayStateStore
{
    Task<Versioned<TableGatewayState>?> ReadTableAsync(TableId table, CancellationToken cancellationToken);

    /// <param name="expectedETag">The ETag read, or null to create the state (fails if it already exists).</param>
    /// <returns>The new ETag.</returns>
    Task<string> WriteTableAsync(TableGatewayState state, string? expectedETag, CancellationToken cancellationToken);

    /// <summary>Source-wide state (e.g. a replication slot's name and position) as a small JSON document.</summary>
    Task<Versioned<string>?> ReadSourceAsync(CancellationToken cancellationToken);

    Task<string> WriteSourceAsync(string json, string? expectedETag, CancellationToken cancellationToken);
}
