using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.State;

namespace Cdc.Core.Orchestration;

/// <summary>The two kinds of step <see cref="WatchLoop"/> starts. In the CLI they run the orchestrations in-process;
/// tests put a fake here.</summary>
public interface IWatchRunner
{
    /// <summary>A whole run of the pipeline (trigger <c>Schedule</c>). A run that was refused either throws the
    /// refusal or returns <see cref="RunSummaryOutcome.Refused"/>; the loop takes both the same way.</summary>
    /// <exception cref="PipelineBusyException">Another run holds the pipeline's lease; nothing was done.</exception>
    /// <exception cref="Metering.BudgetExceededException">An enforced budget covering the pipeline is spent.</exception>
    Task<WatchStepResult> RunPipelineAsync(PipelineDefinition pipeline, CancellationToken ct);

    /// <summary>Applies one table's newly staged batches (trigger <c>BlobArrival</c>).</summary>
    Task<WatchStepResult> IngestTableAsync(PipelineDefinition pipeline, TableId table, CancellationToken ct);
}
