using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Orchestration;

/// <summary>Runs <see cref="WatchLoop"/>'s steps as the Functions app's triggers would, in this process: a scheduled
/// run is <see cref="PipelineOrchestration.RunAsync"/> with trigger <see cref="RunTrigger.Schedule"/>, a new batch is
/// <see cref="PipelineOrchestration.IngestTableAsync"/>, both over <see cref="LocalOrchestrator"/>.</summary>
public sealed class WatchOrchestrationRunner(PipelineActivities activities, TimeProvider time, ILogger? logger = null) : IWatchRunner
{
    /// <exception cref="State.PipelineBusyException">Another run holds the pipeline's lease.</exception>
    /// <exception cref="Metering.BudgetExceededException">An enforced budget covering the pipeline is spent.</exception>
    public async Task<WatchStepResult> RunPipelineAsync(PipelineDefinition pipeline, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var input = new PipelineRunInput(pipeline.Name, RunRequest.NewRunId(), RunTrigger.Schedule, [], null, null);
        return WatchStepResult.From(await LocalOrchestrator.RunPipelineAsync(activities, input, time, null, logger, ct));
    }

    public async Task<WatchStepResult> IngestTableAsync(PipelineDefinition pipeline, TableId table, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var input = new TableIngestInput(pipeline.Name, RunRequest.NewRunId(), TableText.Format(table));
        return WatchStepResult.From(await LocalOrchestrator.IngestTableAsync(activities, input, time, null, logger, ct));
    }
}
