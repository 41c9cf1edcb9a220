using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Sources;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Runs;

/// <summary>
/// Resolves a pipeline's objects against its source the way a run's plan does, and changes nothing there (no slot,
/// publication or capture instance is created): every table it selects, with its key and columns, or what stops one
/// from being captured (no key, capture not enabled, a type Ingest cannot carry), named.
/// </summary>
public static class SourceCheck
{
    /// <exception cref="SourceException">A selected table cannot be captured; the message says why and how to fix it.</exception>
    public static async Task<IReadOnlyList<TableSchema>> DiscoverAsync(PipelineDefinition pipeline, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        await using var source = PipelineComponentsFactory.CreateSource(pipeline, loggers);
        return await FlowPlanner.DiscoverAsync(source, pipeline, cancellationToken);
    }
}
