using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Orchestration;

/// <summary>
/// Runs an orchestration's activities in this process: each call runs concurrently with the others the orchestration
/// has started (a fan-out is real concurrency), and a failed attempt is retried after the policy's backoff, waited
/// out on the <see cref="TimeProvider"/> (a fake one in tests). It remembers every result and final failure, so a run
/// stopped by an exception can still be recorded.
/// </summary>
public sealed class LocalOrchestrationContext : IOrchestrationContext
{
    private readonly Func<string, object, CancellationToken, Task<object?>> _invoke;
    private readonly TimeProvider _time;
    private readonly CancellationToken _cancellationToken;
    private readonly ActivityRetry? _retry;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];
    private readonly List<(string Activity, object? Result)> _completed = [];
    private readonly List<ActivityFailedException> _failures = [];

    /// <param name="invoke">Runs one attempt of an activity by name.</param>
    /// <param name="retry">Replaces the attempts and delays the orchestration asks for (not which failures are
    /// final); null keeps the orchestration's.</param>
    public LocalOrchestrationContext(
        Func<string, object, CancellationToken, Task<object?>> invoke, TimeProvider time, CancellationToken cancellationToken, ActivityRetry? retry = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        ArgumentNullException.ThrowIfNull(time);
        _invoke = invoke;
        _time = time;
        _cancellationToken = cancellationToken;
        _retry = retry;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>A context whose activities are <paramref name="activities"/>' methods, their inputs and results passed
    /// through JSON as Durable passes them.</summary>
    public static LocalOrchestrationContext For(
        PipelineActivities activities, TimeProvider time, CancellationToken cancellationToken, ActivityRetry? retry = null, ILogger? logger = null) =>
        new(ActivityDispatcher.For(activities), time, cancellationToken, retry, logger);

    public DateTimeOffset CurrentUtcDateTime => _time.GetUtcNow();

    public bool IsReplaying => false;

    /// <summary>Every activity's final failure so far, in the order they happened.</summary>
    public IReadOnlyList<ActivityFailedException> Failures
    {
        get
        {
            lock (_gate) return [.. _failures];
        }
    }

    /// <summary>The results of the activities named <paramref name="activity"/> that succeeded, in the order they ended.</summary>
    public IReadOnlyList<T> Results<T>(string activity)
    {
        lock (_gate) return [.. _completed.Where(c => c.Activity == activity).Select(c => c.Result).OfType<T>()];
    }

    public Task<TResult> CallActivityAsync<TResult>(string activityName, object input, ActivityRetry retry)
    {
        ArgumentException.ThrowIfNullOrEmpty(activityName);
        ArgumentNullException.ThrowIfNull(retry);
        var policy = _retry is null ? retry : _retry with { FinalErrorTypes = retry.FinalErrorTypes };
        var call = CallAsync<TResult>(activityName, input, policy);
        lock (_gate) _running.Add(call);
        return call;
    }

    /// <summary>Waits until no activity is running (an orchestration stopped by an exception may leave some behind).</summary>
    public async Task WhenIdleAsync()
    {
        Task[] running;
        lock (_gate) running = [.. _running];
        try
        {
            await Task.WhenAll(running);
        }
        catch (Exception)
        {
            // Their failures were handed to the orchestration already.
        }
    }

    private async Task<TResult> CallAsync<TResult>(string activity, object input, ActivityRetry retry)
    {
        // The orchestration goes on starting the rest of a fan-out while this one runs.
        await Task.Yield();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await _invoke(activity, input, _cancellationToken);
                lock (_gate) _completed.Add((activity, result));
                return (TResult)result!;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_cancellationToken.IsCancellationRequested)
            {
                var errorType = ex.GetType().FullName ?? ex.GetType().Name;
                if (attempt >= retry.MaxAttempts || !retry.Retries(errorType))
                {
                    OrchestrationLog.ActivityFailed(_logger, activity, attempt, ex.Message);
                    var failure = ActivityFailedException.From(activity, ex);
                    lock (_gate) _failures.Add(failure);
                    throw failure;
                }
                var delay = retry.DelayBefore(attempt);
                OrchestrationLog.ActivityRetrying(_logger, activity, attempt, retry.MaxAttempts, delay, ex.Message);
                await Task.Delay(delay, _time, _cancellationToken);
            }
        }
    }
}
