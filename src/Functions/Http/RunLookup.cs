using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Staging.Stores;

namespace Ingest.Functions.Http;

/// <summary>A pipeline's finished runs: its run history (<see cref="RunHistory"/>, <c>runs/</c> in its staging area).</summary>
public sealed class RunLookup
{
    /// <summary>The newest <paramref name="count"/> runs, newest first.</summary>
    public Task<IReadOnlyList<RunResult>> RecentAsync(PipelineDefinition pipeline, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return new RunHistory(StagingStoreFactory.Create(pipeline.Staging, pipeline.Name)).RecentAsync(count, cancellationToken);
    }

    /// <summary>The finished run <paramref name="runId"/>, or null when the history has none by that id.</summary>
    public Task<RunResult?> FinishedAsync(PipelineDefinition pipeline, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return new RunHistory(StagingStoreFactory.Create(pipeline.Staging, pipeline.Name)).GetAsync(runId, cancellationToken);
    }
}
