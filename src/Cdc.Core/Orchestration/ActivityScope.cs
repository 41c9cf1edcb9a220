using Cdc.Core.Metering;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Orchestration;

/// <summary>
/// What one activity works with: the pipeline's components (metered when the run is), the run's event recorder
/// (passing events on to the caller's progress) and, when metered, what the activity used and the events it leaves
/// for the run's event log.
/// </summary>
internal sealed class ActivityScope
{
    private readonly ActivityMeter? _meter;
    private readonly string? _part;
    private readonly ILogger _logger;
    private ActivityUsage? _usage;
    private IReadOnlyList<Budget>? _budgets;

    /// <param name="part">Name of the activity's part of the event log (ordered by name); null when its events go
    /// into the log directly (the run's last activity).</param>
    public ActivityScope(
        PipelineDefinition pipeline,
        string runId,
        string? part,
        Func<PipelineDefinition, ComponentOverrides, PipelineComponents> components,
        PipelineActivityOptions options,
        TimeProvider time,
        ILogger logger)
    {
        Pipeline = pipeline;
        RunId = runId;
        _part = part;
        _logger = logger;
        Metering = options.Metering?.Invoke(pipeline);
        _meter = Metering is null ? null : new ActivityMeter(time);
        var built = components(pipeline, _meter?.Overrides ?? new ComponentOverrides(Time: time));
        Components = _meter?.Wrap(built) ?? built;
        Events = new RunEventRecorder(options.Progress);
        Tags = Metering?.Settings.Tags.Merge(pipeline.Tags) ?? pipeline.Tags;
    }

    public PipelineDefinition Pipeline { get; }

    public string RunId { get; }

    public PipelineComponents Components { get; }

    public RunEventRecorder Events { get; }

    public MeteringContext? Metering { get; }

    /// <summary>The pipeline's tags merged over the deployment's defaults.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary>The budgets the run counts against (none when unmetered).</summary>
    public IReadOnlyList<Budget> Budgets => _budgets ??= Metering is null ? [] : BudgetCatalog.For(Pipeline, Tags, Metering.DeploymentBudgets, Metering.Logger);

    /// <summary>Where the event log is written: the store outside metering, since the log is metering's own bookkeeping.</summary>
    public IStagingStore EventStore => _meter?.UnmeteredStore ?? Components.Staging.Store;

    /// <summary>Stops counting; what the activity used so far, or null when unmetered.</summary>
    public ActivityUsage? StopMeter() => _usage ??= _meter?.Stop();

    /// <summary>Stops counting and keeps the activity's events for the run's event log (also after a failure).</summary>
    public async Task<ActivityUsage?> CloseAsync()
    {
        var usage = StopMeter();
        if (_meter is null || _part is null) return usage;
        try
        {
            var lines = Events.Events.SelectMany(e => RunEventJson.Lines(e, Pipeline.Name, Tags, _meter.RowEstimates)).ToList();
            await RunEventParts.WritePartAsync(EventStore, RunId, _part, lines, CancellationToken.None);
        }
        catch (Exception e)
        {
            OrchestrationLog.EventPartWriteFailed(_logger, e, _part, RunId);
        }
        return usage;
    }
}
