using Cdc.Core.Model;
using Cdc.Core.Pipeline;

namespace Cdc.Core.Orchestration;

/// <summary>What <see cref="WatchLoop"/> polls in place of blob events: the newest committed batch of each table.</summary>
public interface IWatchCommitPoller
{
    /// <summary>The highest committed sequence of every table that has staged batches in the pipeline's staging area.</summary>
    /// <param name="fullListing">Look at every table, not only those seen before: the watch asks for it when it takes
    /// what is staged as seen (after a run of the pipeline, which may have staged tables for the first time).</param>
    Task<IReadOnlyDictionary<TableId, long>> LatestCommitsAsync(PipelineDefinition pipeline, bool fullListing, CancellationToken ct);
}
