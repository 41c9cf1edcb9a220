namespace Cdc.Core.Orchestration;

/// <summary>
/// How an activity is retried: up to <see cref="MaxAttempts"/> attempts; before retry n (1-based) the wait is
/// <see cref="FirstDelay"/> × <see cref="BackoffCoefficient"/>^(n-1), at most <see cref="MaxDelay"/>.
/// Durable: <c>TaskOptions.FromRetryPolicy(new RetryPolicy(MaxAttempts, FirstDelay, BackoffCoefficient, MaxDelay))</c>,
/// with <c>HandleFailure</c> refusing to retry the <see cref="FinalErrorTypes"/>.
/// </summary>
public sealed record ActivityRetry
{
    public ActivityRetry(int MaxAttempts, TimeSpan FirstDelay, double BackoffCoefficient, TimeSpan MaxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        if (FirstDelay <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(FirstDelay), FirstDelay, "The first retry delay must be positive.");
        if (!(BackoffCoefficient >= 1)) throw new ArgumentOutOfRangeException(nameof(BackoffCoefficient), BackoffCoefficient, "The backoff coefficient must be at least 1.");
        if (MaxDelay < FirstDelay) throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "The longest retry delay cannot be shorter than the first.");
        this.MaxAttempts = MaxAttempts;
        this.FirstDelay = FirstDelay;
        this.BackoffCoefficient = BackoffCoefficient;
        this.MaxDelay = MaxDelay;
    }

    /// <summary>3 attempts, waiting 5 s then 10 s (doubling, at most a minute).</summary>
    public static ActivityRetry Default { get; } = new(3, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(1));

    /// <summary>One attempt: a failure is final.</summary>
    public static ActivityRetry Once { get; } = new(1, TimeSpan.FromSeconds(1), 1, TimeSpan.FromSeconds(1));

    public int MaxAttempts { get; }

    public TimeSpan FirstDelay { get; }

    public double BackoffCoefficient { get; }

    public TimeSpan MaxDelay { get; }

    /// <summary>Full names of exception types that no retry can help (a refused run): their first failure is final.</summary>
    public IReadOnlyList<string> FinalErrorTypes { get; init; } = [];

    /// <summary>The wait before retry <paramref name="retry"/> (1 is the second attempt).</summary>
    public TimeSpan DelayBefore(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var seconds = FirstDelay.TotalSeconds * Math.Pow(BackoffCoefficient, retry - 1);
        return seconds >= MaxDelay.TotalSeconds ? MaxDelay : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Whether a failure of type <paramref name="errorType"/> (a full type name) may be retried.</summary>
    public bool Retries(string errorType) => !FinalErrorTypes.Contains(errorType, StringComparer.Ordinal);
}
