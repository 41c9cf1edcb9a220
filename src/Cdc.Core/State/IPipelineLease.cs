namespace Cdc.Core.State;

/// <summary>
/// The guard that keeps two runs of one pipeline from overlapping: a lease record in the staging store, taken and
/// renewed with ETag guards, expiring on its own if its holder dies.
/// </summary>
public interface IPipelineLease
{
    /// <summary>Takes the lease for <paramref name="runId"/>, or throws <see cref="PipelineBusyException"/> naming the
    /// run that holds it.</summary>
    Task<ILeaseHandle> AcquireAsync(string pipeline, string runId, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>The current holder, or null when the lease is free or expired.</summary>
    Task<LeaseInfo?> GetHolderAsync(string pipeline, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the lease <paramref name="runId"/> holds to <paramref name="duration"/> from now, from any process (the
    /// steps of an orchestrated run run in several). A lease with more than two thirds of
    /// <paramref name="duration"/> left is not rewritten: renewing that often would only add writes.
    /// </summary>
    /// <exception cref="LeaseLostException">Another run holds the lease, or it is gone.</exception>
    Task<LeaseInfo> RenewAsync(string pipeline, string runId, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Releases the lease if <paramref name="runId"/> holds it, from any process.</summary>
    /// <returns>False when the run does not hold it (released already, or taken over after it expired).</returns>
    Task<bool> ReleaseAsync(string pipeline, string runId, CancellationToken cancellationToken);
}

public interface ILeaseHandle : IAsyncDisposable
{
    LeaseInfo Info { get; }

    /// <summary>Extends the lease; throws <see cref="LeaseLostException"/> if another run took it meanwhile.</summary>
    Task RenewAsync(CancellationToken cancellationToken);
}

public sealed record LeaseInfo(string Pipeline, string RunId, string Holder, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt);

public sealed class PipelineBusyException(LeaseInfo holder)
    : Exception($"Pipeline '{holder.Pipeline}' is already running: run {holder.RunId} on {holder.Holder} holds its lease since {holder.AcquiredAt:u} (until {holder.ExpiresAt:u} unless renewed).")
{
    public LeaseInfo Holder { get; } = holder;
}

public sealed class LeaseLostException(string pipeline, string runId)
    : Exception($"Run {runId} lost the lease on pipeline '{pipeline}' to another run; it stops without writing further.")
{
}
