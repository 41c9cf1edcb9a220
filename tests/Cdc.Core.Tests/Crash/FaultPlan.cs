namespace Cdc.Core.Tests.Crash;

/// <summary>
/// Simulates killing the process at the N-th durable operation of a run: that operation and every one after it fails,
/// as if nothing ran past that point. Operations are counted across the staging store, the target and the source, so
/// walking N = 1, 2, 3, ... crashes the run between every staging write, commit, apply and checkpoint.
/// </summary>
public sealed class FaultPlan
{
    private readonly Lock _gate = new();
    private int _count;

    /// <param name="crashAt">1-based operation number that crashes; 0 never crashes.</param>
    /// <param name="afterOperation">Crash right after the operation took effect (true) or just before it (false).</param>
    public FaultPlan(int crashAt, bool afterOperation)
    {
        CrashAt = crashAt;
        AfterOperation = afterOperation;
    }

    public int CrashAt { get; }
    public bool AfterOperation { get; }
    public bool Crashed { get; private set; }
    public string? CrashedAt { get; private set; }
    public int Operations => _count;

    public static FaultPlan Never => new(0, false);

    /// <summary>Runs one durable operation under the plan.</summary>
    public async Task<T> RunAsync<T>(string operation, Func<Task<T>> action)
    {
        var crashHere = Next(operation);
        if (crashHere && !AfterOperation) throw new SimulatedCrashException(operation);
        var result = await action();
        if (crashHere) throw new SimulatedCrashException(operation);
        return result;
    }

    public async Task RunAsync(string operation, Func<Task> action) =>
        await RunAsync(operation, async () =>
        {
            await action();
            return true;
        });

    /// <summary>A point inside a longer operation (a row of a COPY): crashes there without anything to complete.
    /// Before and after are the same place, so only plans that crash before an operation count points.</summary>
    public void Point(string operation)
    {
        if (AfterOperation)
        {
            lock (_gate)
                if (Crashed) throw new SimulatedCrashException($"{operation} (after the crash at {CrashedAt})");
            return;
        }
        if (Next(operation)) throw new SimulatedCrashException(operation);
    }

    private bool Next(string operation)
    {
        lock (_gate)
        {
            if (Crashed) throw new SimulatedCrashException($"{operation} (after the crash at {CrashedAt})");
            _count++;
            if (CrashAt == 0 || _count != CrashAt) return false;
            Crashed = true;
            CrashedAt = $"#{_count} {operation} ({(AfterOperation ? "after" : "before")})";
            return true;
        }
    }
}

public sealed class SimulatedCrashException(string operation) : Exception($"Simulated crash at {operation}.")
{
}
