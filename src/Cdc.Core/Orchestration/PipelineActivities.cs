using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Sources;
using Cdc.Core.Targets;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Orchestration;

/// <summary>
/// The activities of <see cref="PipelineOrchestration"/>: one method per activity. Each loads its pipeline by name,
/// builds its components and loads every state it needs from the staging store, so any process can run any of them
/// (Durable Functions' activity functions, or <see cref="LocalOrchestrationContext"/> in process). Each renews the
/// run's lease while it works, and, when the run is metered, meters its own step and returns what it used.
/// </summary>
public sealed partial class PipelineActivities
{
    private readonly IPipelineCatalog _pipelines;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly PipelineActivityOptions _options;
    private readonly Func<PipelineDefinition, ComponentOverrides, PipelineComponents> _components;
    private readonly ILogger _logger;

    public PipelineActivities(IPipelineCatalog pipelines, ILoggerFactory loggers, TimeProvider time, PipelineActivityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(time);
        _pipelines = pipelines;
        _loggers = loggers;
        _time = time;
        _options = options ?? new PipelineActivityOptions();
        if (_options.LeaseDuration < TimeSpan.FromSeconds(1))
            throw new ArgumentOutOfRangeException(nameof(options), _options.LeaseDuration, "A run's lease must last at least a second.");
        _components = _options.Components ?? ((pipeline, overrides) => PipelineComponentsFactory.Create(pipeline, loggers, overrides));
        _logger = loggers.CreateLogger<PipelineActivities>();
    }

    private async Task<ActivityScope> OpenAsync(string pipeline, string runId, string? part, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pipeline);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var definition = await _pipelines.GetAsync(pipeline, cancellationToken);
        return new ActivityScope(definition, runId, part, _components, _options, _time, _logger);
    }

    private GatewayStep Gateway(ActivityScope scope, ISourceConnector source) =>
        new(source, scope.Components.Staging, scope.Components.States, GatewaySettings.From(scope.Pipeline), _time, _loggers.CreateLogger<GatewayStep>());

    private Task<LeaseKeeper> KeepLeaseAsync(ActivityScope scope, int leaseSeconds, string activity, CancellationToken cancellationToken) =>
        LeaseKeeper.StartAsync(scope.Components.Lease, scope.Pipeline.Name, scope.RunId, leaseSeconds, activity, _time, _logger, cancellationToken);

    /// <summary>Runs an activity's body in its scope: the scope is closed (its events kept) however the body ends,
    /// and a stop caused by a lost lease fails the activity as such.</summary>
    private static async Task<(T Result, Metering.ActivityUsage? Usage)> RunAsync<T>(ActivityScope scope, Func<Task<T>> body)
    {
        T result;
        try
        {
            result = await body();
        }
        catch
        {
            await scope.CloseAsync();
            throw;
        }
        return (result, await scope.CloseAsync());
    }

    private static Task<IReadOnlyList<TableSchema>> DiscoverAsync(ISourceConnector source, PipelineDefinition pipeline, CancellationToken cancellationToken) =>
        FlowPlanner.DiscoverAsync(source, pipeline, cancellationToken);

    /// <summary>One table of the pipeline at the source: its own entry in <c>objects</c>, or its schema's.</summary>
    private static async Task<TableSchema> DiscoverAsync(ISourceConnector source, PipelineDefinition pipeline, TableId table, CancellationToken cancellationToken)
    {
        var selection = FlowPlanner.SelectionFor(pipeline, table)
            ?? throw new InvalidOperationException($"Pipeline '{pipeline.Name}' does not capture {table}: it is not among its objects.");
        var found = await source.DiscoverAsync([selection], cancellationToken);
        return found.FirstOrDefault(t => t.Table == table)
            ?? throw new SourceException($"{table} of pipeline '{pipeline.Name}' was not found at the source.");
    }

    private static IReadOnlyList<IngestFlow> FlowsOf(PipelineDefinition pipeline, TableId table) =>
        FlowPlanner.Flows(pipeline, [new TableSchema(table, [], [])]);
}
