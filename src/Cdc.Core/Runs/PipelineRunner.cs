using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Cdc.Core.State;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Runs;

/// <summary>
/// One run of a pipeline in this process over the given components: the pipeline orchestration
/// (<see cref="PipelineOrchestration"/>) with its activities run locally, sharing one source connector and one target
/// writer. It takes the pipeline's lease, plans,
/// snapshots the tables that need it with bounded parallelism, captures changes, applies per table with bounded
/// parallelism, and records the run. A table's failure is isolated: the others go on and the run ends as partially
/// failed, naming it.
/// </summary>
public sealed class PipelineRunner(PipelineComponents components, TimeProvider time, ILoggerFactory loggers, RunnerSettings? settings = null)
{
    private readonly RunnerSettings _settings = settings ?? new RunnerSettings();

    /// <exception cref="PipelineBusyException">Another run holds the pipeline's lease.</exception>
    public async Task<RunResult> RunAsync(PipelineDefinition pipeline, RunRequest request, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(request);
        await using var connections = new SharedConnections();
        var shared = connections.Share(components);
        var options = new PipelineActivityOptions
        {
            LeaseDuration = _settings.LeaseDuration,
            Components = (_, _) => shared,
            Progress = progress,
        };
        return (await LocalOrchestrator.RunToResultAsync(pipeline, request, options, time, _settings.Retry, loggers, cancellationToken)).Run;
    }
}

public sealed record RunnerSettings
{
    public const int MinimumLeaseSeconds = 3;
    public const int MaximumLeaseSeconds = 3600;

    /// <summary>How long a lease lasts without renewal; a killed run blocks the next one at most this long.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How each step is retried. One attempt by default: a failed table stays failed for this run and the next
    /// run picks it up where it stopped; <see cref="ActivityRetry.Default"/> retries as the Functions app does.</summary>
    public ActivityRetry Retry { get; init; } = ActivityRetry.Once;
}
