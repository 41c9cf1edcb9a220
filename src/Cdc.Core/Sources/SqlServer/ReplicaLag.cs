using System.Globalization;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Read-only intent lets each new connection be routed to another readable secondary, and secondaries lag the primary
/// and each other by different amounts. A read that finds its replica behind a position it must cover is tried again
/// on a new connection after 1, 2 and 4 s (the replica catches up, or routing picks another), then fails.
/// </summary>
internal static class ReplicaLag
{
    public const int Attempts = 4;

    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);

    /// <param name="attempt">Opens a fresh read; returns what it opened, or why its replica is behind (having released
    /// everything it opened).</param>
    /// <param name="retrying">Told why and how long before each new attempt.</param>
    /// <exception cref="SourceException">The replica was still behind at the last attempt.</exception>
    public static async Task<T> RetryAsync<T>(
        Func<CancellationToken, Task<ReplicaRead<T>>> attempt, TimeProvider time, Action<string, TimeSpan>? retrying, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(time);
        var delay = FirstDelay;
        var waited = TimeSpan.Zero;
        for (var number = 1; ; number++)
        {
            var read = await attempt(cancellationToken);
            if (read.Behind is null) return read.Value ?? throw new InvalidOperationException("A replica read returned neither a value nor a reason.");
            if (number == Attempts)
                throw new SourceException(
                    $"{read.Behind}; still so after {Attempts} attempts over {waited.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s. "
                    + "Nothing was read. The run can be repeated once the replica has caught up (sys.dm_hadr_database_replica_states shows how far behind it is).");
            retrying?.Invoke(read.Behind, delay);
            await Task.Delay(delay, time, cancellationToken);
            waited += delay;
            delay *= 2;
        }
    }
}

/// <summary>What one attempt of <see cref="ReplicaLag.RetryAsync{T}"/> found.</summary>
internal readonly record struct ReplicaRead<T>(T? Value, string? Behind)
    where T : class
{
    public static ReplicaRead<T> Read(T value) => new(value, null);

    public static ReplicaRead<T> Lagging(string reason) => new(null, reason);
}
