using System.Text.Json;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Json;
using Cdc.Core.Staging.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.State;

/// <summary>
/// The pipeline lease as a JSON record <c>leases/&lt;pipeline&gt;.json</c> in the staging store:
/// <c>{pipeline, runId, holder, acquiredAt, expiresAt}</c>. It is taken create-only, or over an expired record with
/// If-Match on the ETag that was read; renewed with If-Match; released by a delete with If-Match. Whoever loses one
/// of those races sees a conflict, so at most one run holds a live lease at any time. The steps of an orchestrated
/// run renew and release it by run id from whichever process they run in.
/// </summary>
public sealed class PipelineLease : IPipelineLease
{
    private const int MaxAttempts = 8;

    private readonly IStagingStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PipelineLease(IStagingStore store, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Who takes a lease: this machine and process.</summary>
    public static string CurrentHolder => $"{Environment.MachineName} (pid {Environment.ProcessId})";

    public static string LeasePath(string pipeline) => $"leases/{StagingPath.EscapeSegment(pipeline)}.json";

    public async Task<ILeaseHandle> AcquireAsync(string pipeline, string runId, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pipeline);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), duration, "A lease must last a positive time.");
        var path = LeasePath(pipeline);

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = await ReadAsync(path, cancellationToken);
            var now = _time.GetUtcNow();
            var wanted = new LeaseInfo(pipeline, runId, CurrentHolder, now, now + duration);
            WriteCondition condition;
            if (current is null)
            {
                condition = WriteCondition.IfNotExists;
            }
            else if (current.Info is { } held && held.RunId == runId)
            {
                // The same run asking again (a retried call): it keeps its lease, renewed.
                wanted = wanted with { AcquiredAt = held.AcquiredAt };
                condition = WriteCondition.IfMatch(current.ETag);
            }
            else if (current.Info is { } live && live.ExpiresAt > now)
            {
                throw new PipelineBusyException(live);
            }
            else
            {
                condition = WriteCondition.IfMatch(current.ETag);
            }

            try
            {
                var etag = await _store.WriteAsync(path, Serialize(wanted), condition, cancellationToken);
                if (current?.Info is { } previous && previous.RunId != runId)
                    StateLog.LeaseTakenOver(_logger, runId, pipeline, previous.RunId, previous.Holder, previous.ExpiresAt);
                else
                    StateLog.LeaseAcquired(_logger, runId, pipeline, wanted.ExpiresAt);
                return new LeaseHandle(this, path, wanted, etag, duration);
            }
            catch (StagingConflictException)
            {
                // Someone else wrote the record between our read and our write: look again.
            }
        }
        var last = await ReadAsync(path, cancellationToken);
        if (last?.Info is { } holder && holder.ExpiresAt > _time.GetUtcNow()) throw new PipelineBusyException(holder);
        throw new InvalidOperationException($"Could not take the lease on pipeline '{pipeline}' in {_store.Description}: it changed under every one of {MaxAttempts} attempts.");
    }

    public async Task<LeaseInfo?> GetHolderAsync(string pipeline, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pipeline);
        var current = await ReadAsync(LeasePath(pipeline), cancellationToken);
        return current?.Info is { } info && info.ExpiresAt > _time.GetUtcNow() ? info : null;
    }

    public async Task<LeaseInfo> RenewAsync(string pipeline, string runId, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pipeline);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), duration, "A lease must last a positive time.");
        var path = LeasePath(pipeline);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = await ReadAsync(path, cancellationToken);
            // Expired but not taken over is still this run's: nobody else can have written in between.
            if (current?.Info is not { } held || held.RunId != runId) throw new LeaseLostException(pipeline, runId);
            var now = _time.GetUtcNow();
            if (held.ExpiresAt - now > duration * (2.0 / 3)) return held;
            var renewed = held with { ExpiresAt = now + duration };
            try
            {
                await _store.WriteAsync(path, Serialize(renewed), WriteCondition.IfMatch(current.ETag), cancellationToken);
                StateLog.LeaseRenewed(_logger, runId, pipeline, renewed.ExpiresAt);
                return renewed;
            }
            catch (StagingConflictException)
            {
                // Written between our read and our write: look again; it may have been taken over.
            }
        }
        throw new LeaseLostException(pipeline, runId);
    }

    public async Task<bool> ReleaseAsync(string pipeline, string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pipeline);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var path = LeasePath(pipeline);
        var current = await ReadAsync(path, cancellationToken);
        if (current?.Info is not { } held || held.RunId != runId) return false;
        try
        {
            await _store.DeleteAsync(path, current.ETag, cancellationToken);
            StateLog.LeaseReleased(_logger, runId, pipeline);
            return true;
        }
        catch (StagingConflictException)
        {
            StateLog.LeaseReleaseLost(_logger, runId, pipeline);
            return false;
        }
    }

    private async Task<StoredLease?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var stored = await _store.ReadAsync(path, cancellationToken);
        if (stored is null) return null;
        try
        {
            return new StoredLease(JsonSerializer.Deserialize(stored.Content.Span, StagingJsonContext.Default.LeaseInfo), stored.ETag);
        }
        catch (JsonException)
        {
            // An unreadable record protects nothing: it is treated as expired and may be taken over.
            return new StoredLease(null, stored.ETag);
        }
    }

    private static byte[] Serialize(LeaseInfo info) => JsonSerializer.SerializeToUtf8Bytes(info, StagingJsonContext.Default.LeaseInfo);

    private sealed record StoredLease(LeaseInfo? Info, string ETag);

    private sealed class LeaseHandle(PipelineLease owner, string path, LeaseInfo info, string etag, TimeSpan duration) : ILeaseHandle
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private string _etag = etag;
        private bool _released;

        public LeaseInfo Info { get; private set; } = info;

        public async Task RenewAsync(CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                ObjectDisposedException.ThrowIf(_released, this);
                var renewed = Info with { ExpiresAt = owner._time.GetUtcNow() + duration };
                try
                {
                    _etag = await owner._store.WriteAsync(path, Serialize(renewed), WriteCondition.IfMatch(_etag), cancellationToken);
                }
                catch (StagingConflictException)
                {
                    throw new LeaseLostException(Info.Pipeline, Info.RunId);
                }
                Info = renewed;
                StateLog.LeaseRenewed(owner._logger, Info.RunId, Info.Pipeline, renewed.ExpiresAt);
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _gate.WaitAsync();
            try
            {
                if (_released) return;
                _released = true;
                await owner._store.DeleteAsync(path, _etag, CancellationToken.None);
                StateLog.LeaseReleased(owner._logger, Info.RunId, Info.Pipeline);
            }
            catch (StagingConflictException)
            {
                StateLog.LeaseReleaseLost(owner._logger, Info.RunId, Info.Pipeline);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                StateLog.LeaseReleaseFailed(owner._logger, e, Info.RunId, Info.Pipeline);
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
