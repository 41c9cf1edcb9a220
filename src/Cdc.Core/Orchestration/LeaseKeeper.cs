using Cdc.Core.State;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Orchestration;

/// <summary>
/// Keeps a run's lease while one of its activities works: renews it when the activity starts (failing the activity
/// when another run holds it) and then every third of its duration. When another run takes it over meanwhile,
/// <see cref="Token"/> is cancelled so the activity stops without writing further.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _work;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;

    private LeaseKeeper(CancellationToken cancellationToken)
    {
        _work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _renewal = Task.CompletedTask;
    }

    private LeaseKeeper(IPipelineLease lease, string pipeline, string runId, TimeSpan duration, string activity, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        _work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Pipeline = pipeline;
        RunId = runId;
        _renewal = RenewAsync(lease, duration, activity, time, logger);
    }

    /// <summary>The activity's cancellation: its caller's, or the lease lost.</summary>
    public CancellationToken Token => _work.Token;

    public bool Lost { get; private set; }

    private string Pipeline { get; } = "";

    private string RunId { get; } = "";

    /// <param name="leaseSeconds">The run's lease duration; 0 when the run holds no lease (nothing is kept).</param>
    /// <exception cref="LeaseLostException">Another run holds the lease.</exception>
    public static async Task<LeaseKeeper> StartAsync(
        IPipelineLease lease, string pipeline, string runId, int leaseSeconds, string activity, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        if (leaseSeconds <= 0) return new LeaseKeeper(cancellationToken);
        var duration = TimeSpan.FromSeconds(leaseSeconds);
        await lease.RenewAsync(pipeline, runId, duration, cancellationToken);
        return new LeaseKeeper(lease, pipeline, runId, duration, activity, time, logger, cancellationToken);
    }

    /// <summary>Turns a stop caused by the lost lease into what it is.</summary>
    /// <exception cref="LeaseLostException">The lease was lost while the activity worked.</exception>
    public void ThrowIfLost()
    {
        if (Lost) throw new LeaseLostException(Pipeline, RunId);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
        _stop.Dispose();
        _work.Dispose();
    }

    private async Task RenewAsync(IPipelineLease lease, TimeSpan duration, string activity, TimeProvider time, ILogger logger)
    {
        using var timer = new PeriodicTimer(duration / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await lease.RenewAsync(Pipeline, RunId, duration, _stop.Token);
                }
                catch (LeaseLostException)
                {
                    Lost = true;
                    OrchestrationLog.LeaseLost(logger, RunId, Pipeline, activity);
                    await _work.CancelAsync();
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The store may be briefly unreachable: the next tick tries again, well before the lease expires.
                    OrchestrationLog.LeaseRenewalFailed(logger, e, RunId, Pipeline);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The activity finished.
        }
    }
}
