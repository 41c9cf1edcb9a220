using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.State;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Metering;

/// <summary>
/// Runs a pipeline in this process, as <see cref="PipelineRunner"/> does, and meters it. Planning refuses the run when
/// an enforced budget is spent (<see cref="BudgetExceededException"/>). Each step wraps its staging store, staging area,
/// source and target to count requests, rows, bytes and busy time per table and step. The run's last step (also when
/// the run stopped on an exception) builds the usage records, appends them to the ledger, raises budget alerts, writes
/// the run's event log, records metrics and publishes to the sinks. Metering problems are logged and never fail a run.
/// </summary>
public sealed class MeteredPipelineRunner
{
    private readonly Func<ComponentOverrides, PipelineComponents> _components;
    private readonly MeteringContext _metering;
    private readonly ILoggerFactory _loggers;
    private readonly RunnerSettings _settings;
    private readonly ComponentOverrides _overrides;

    /// <param name="components">Builds the run's components with the given overrides applied (as
    /// <see cref="PipelineComponentsFactory.Create"/> does); called once per step, since the meters are per step.</param>
    /// <param name="overrides">Seams of the caller (fault injection, time, part sizes); metering wraps outside them.</param>
    public MeteredPipelineRunner(
        Func<ComponentOverrides, PipelineComponents> components,
        MeteringContext metering,
        ILoggerFactory loggers,
        RunnerSettings? settings = null,
        ComponentOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(metering);
        ArgumentNullException.ThrowIfNull(loggers);
        _components = components;
        _metering = metering;
        _loggers = loggers;
        _settings = settings ?? new RunnerSettings();
        _overrides = overrides ?? new ComponentOverrides();
    }

    /// <summary>A runner over the components <see cref="PipelineComponentsFactory"/> builds for the pipeline.</summary>
    public static MeteredPipelineRunner ForPipeline(PipelineDefinition pipeline, MeteringContext metering, ILoggerFactory loggers,
        ComponentOverrides? overrides = null, RunnerSettings? settings = null) =>
        new(o => PipelineComponentsFactory.Create(pipeline, loggers, o), metering, loggers, settings, overrides);

    /// <exception cref="BudgetExceededException">An enforced budget the pipeline counts against is spent.</exception>
    /// <exception cref="PipelineBusyException">Another run holds the pipeline's lease.</exception>
    public async Task<MeteredRunResult> RunAsync(PipelineDefinition pipeline, RunRequest request, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(request);
        var time = _overrides.Time ?? _metering.Time;
        // The run's steps share the source and target, innermost; the caller's seams, then metering, wrap them per step.
        await using var connections = new SharedConnections();
        var inner = _overrides.Around(connections.Overrides);
        var options = new PipelineActivityOptions
        {
            LeaseDuration = _settings.LeaseDuration,
            Components = (_, metered) => _components(metered.Around(inner)),
            Metering = _ => _metering,
            Progress = progress,
        };
        var (run, summary) = await LocalOrchestrator.RunToResultAsync(pipeline, request, options, time, _settings.Retry, _loggers, cancellationToken);
        var (records, alerts) = UsageJson.ReadEventBodies(summary.UsageEvents);
        return new MeteredRunResult(run, new RunUsage(records), alerts);
    }
}
