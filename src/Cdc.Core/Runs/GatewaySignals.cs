using Cdc.Core.Model;

namespace Cdc.Core.Runs;

/// <summary>
/// Lets the ingest step run beside the gateway step within one run: the gateway signals each commit and when it has
/// finished, and the ingest step waits on those signals instead of polling. A snapshot can then be loaded into its
/// shadow table while the source is still being read, which is what keeps a snapshot close to native copy speed.
/// </summary>
public sealed class GatewaySignals
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = NewSignal();

    /// <summary>True once the gateway has finished this run (successfully or not): nothing more will be committed.</summary>
    public bool Finished { get; private set; }

    /// <summary>A task that completes at the next commit or when the gateway finishes. Take it before reading the
    /// staging area, so a commit between the read and the wait is not missed.</summary>
    public Task NextAsync()
    {
        lock (_gate) return _next.Task;
    }

    public void Committed(TableId table) => Pulse(finish: false);

    public void Finish() => Pulse(finish: true);

    private void Pulse(bool finish)
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            if (Finished) return;
            Finished = finish;
            fired = _next;
            _next = NewSignal();
        }
        fired.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
