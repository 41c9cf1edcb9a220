using Cdc.Core.Orchestration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Ingest.Functions.Orchestration;

/// <summary>
/// The two orchestrators. Each hands its input and a <see cref="DurableOrchestrationContext"/> to Cdc.Core's
/// <see cref="PipelineOrchestration"/>, which decides every step; what they return is the run's summary.
/// </summary>
public static class Orchestrators
{
    /// <summary>A pipeline run: plan, snapshot, capture, ingest, finish, notify.</summary>
    [Function(OrchestratorNames.Pipeline)]
    public static Task<RunSummary> RunPipeline([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<PipelineRunInput>()
            ?? throw new InvalidOperationException($"{OrchestratorNames.Pipeline} instance {context.InstanceId} was started without a {nameof(PipelineRunInput)}.");
        return PipelineOrchestration.RunAsync(new DurableOrchestrationContext(context), input);
    }

    /// <summary>One table's ingest after a commit record arrived, finished as a small run of trigger BlobArrival.</summary>
    [Function(OrchestratorNames.TableIngest)]
    public static Task<RunSummary> IngestTable([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<TableIngestInput>()
            ?? throw new InvalidOperationException($"{OrchestratorNames.TableIngest} instance {context.InstanceId} was started without a {nameof(TableIngestInput)}.");
        return PipelineOrchestration.IngestTableAsync(new DurableOrchestrationContext(context), input);
    }
}
